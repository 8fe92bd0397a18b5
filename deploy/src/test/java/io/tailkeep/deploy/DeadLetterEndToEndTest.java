package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceSummary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kept traces the span store can never take, through the real server on a real Cassandra node:
 * they never hold up the traces behind them; a trace too large for one request is split and stored
 * whole; a single span too large is set aside as a dead letter, listed by the API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLetterEndToEndTest {

  static final String KEYSPACE = "e2e_dead_letters";
  static final Duration WAIT = Duration.ofSeconds(60);
  /** Cassandra 5 refuses a request over native_transport_max_message_size, 16 MiB by default. */
  static final int OVER_THE_LIMIT = 17 << 20;
  private static final String PROTOBUF = "application/x-protobuf";

  @TempDir static Path deadLetterDirectory;
  private final Random random = new Random(13);
  private final HttpClient http = HttpClient.newHttpClient();
  private TailkeepServer server;
  private StoreQueue queue;

  @BeforeAll
  void start() {
    server =
        TestServers.start(
            TestServers.builder(TestStores.open(KEYSPACE), TestServers.QUICK_DECISIONS, TestServers.QUICK_RETRIES)
                .maxMessageBytes(48 << 20) // room for a span over Cassandra's limit
                .deadLetters(deadLetterDirectory, 256L << 20));
    queue = server.sampler().storeQueue();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void nothingQueued() {
    Poll.until(WAIT, "an empty store queue", () -> queue.stats().queuedBatches() == 0);
  }

  /**
   * The case: before span names were cut in keys, Cassandra refused each of these traces
   * and the store queue retried the first of them forever, so nothing after it was stored.
   */
  @Test
  void aHundredErrorTracesWith64KiBSpanNamesDoNotHoldUpTheNormalErrorTracesAfterThem() throws Exception {
    long failuresBefore = queue.stats().deadLetteredBatches();
    List<TraceId> huge = new ArrayList<>();
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (int i = 0; i < 100; i++) {
      TraceId traceId = newTraceId();
      huge.add(traceId);
      String name = "SELECT " + i + " " + "x".repeat(64 * 1024);
      request.addResourceSpans(resourceSpans("reports", errorRoot(traceId, name)));
    }
    assertThat(post(request.build())).isEqualTo(200);

    List<TraceId> normal = new ArrayList<>();
    ExportTraceServiceRequest.Builder after = ExportTraceServiceRequest.newBuilder();
    for (int i = 0; i < 10; i++) {
      TraceId traceId = newTraceId();
      normal.add(traceId);
      after.addResourceSpans(resourceSpans("checkout", errorRoot(traceId, "POST /orders")));
    }
    long sent = System.nanoTime();
    assertThat(post(after.build())).isEqualTo(200);
    for (TraceId traceId : normal) {
      Poll.until(Duration.ofSeconds(10), "normal error trace " + traceId + " stored",
          () -> trace(traceId).isPresent());
    }
    long storedMillis = Duration.ofNanos(System.nanoTime() - sent).toMillis();
    System.out.printf("10 normal error traces after 100 with 64 KiB names stored %d ms after sending%n",
        storedMillis);

    for (TraceId traceId : huge) {
      Poll.until(WAIT, "trace " + traceId + " with a 64 KiB span name stored", () -> trace(traceId).isPresent());
    }
    assertThat(queue.stats().deadLetteredBatches()).as("these are storable: span names are cut in keys").isEqualTo(failuresBefore);
  }

  /**
   * 6 000 spans with a service and a span name of 1 KiB of their own: the trace's summary row is
   * about 18 MiB, over the request limit. The queue splits the trace and stores it whole, every span
   * counted once in its summary.
   */
  @Test
  void aKeptTraceOverCassandrasRequestLimitIsSplitAndStoredWhole() throws Exception {
    long splitsBefore = queue.stats().splits();
    long failuresBefore = queue.stats().deadLetteredBatches();
    TraceId traceId = newTraceId();
    byte[] rootId = newSpanId();
    int spans = 6_000;
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (int i = 1; i < spans; i++) {
      Span child = span(traceId, newSpanId(), rootId, kib("SELECT " + i), 1_000L * i, 1_000_000L).build();
      request.addResourceSpans(resourceSpans(kib("wide-" + traceId.toHex() + "-" + i), child));
      if (request.getResourceSpansCount() == 1_000) {
        assertThat(post(request.build())).isEqualTo(200);
        request.clear();
      }
    }
    request.addResourceSpans(resourceSpans("wide-" + traceId.toHex(),
        span(traceId, rootId, null, "root", 0, 50_000_000L)
            .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)).build()));
    assertThat(post(request.build())).isEqualTo(200);

    // The refused write stored the span blocks already (only its summary request was too large), so
    // the summary is what shows the parts written. A 9 MiB summary row of a part may time out on a
    // loaded machine and is retried (writes are idempotent): allow for that.
    Poll.until(Duration.ofMinutes(4), "a summary of all " + spans + " spans",
        () -> summaries(traceId).stream().mapToInt(TraceSummary::spanCount).sum() == spans);
    Poll.until(WAIT, "an empty store queue", () -> queue.stats().queuedBatches() == 0);
    assertThat(trace(traceId).orElseThrow().spans()).hasSize(spans);
    assertThat(queue.stats().splits()).isGreaterThan(splitsBefore);
    assertThat(queue.stats().deadLetteredBatches()).isEqualTo(failuresBefore);
    TraceSummary summary = summary(traceId);
    assertThat(summary.spanCount()).isEqualTo(spans);
    assertThat(summary.errorCount()).isEqualTo(1);
    assertThat(summary.rootOperation()).isEqualTo("root");
    assertThat(summary.sampling()).isEqualTo(new Sampling("keep-errors", 1.0));
  }

  @Test
  void aSpanOverCassandrasRequestLimitIsSetAsideListedAndTheQueueGoesOn() throws Exception {
    long failuresBefore = queue.stats().deadLetteredBatches();
    TraceId refused = newTraceId();
    byte[] rootId = newSpanId();
    Span root = errorRoot(refused, rootId, "POST /upload");
    Span huge = span(refused, newSpanId(), rootId, "store blob", 1_000, 1_000_000)
        .addAttributes(KeyValue.newBuilder().setKey("payload")
            .setValue(AnyValue.newBuilder().setStringValue("x".repeat(OVER_THE_LIMIT))))
        .build();
    assertThat(post(ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(resourceSpans("uploads", huge, root)).build())).isEqualTo(200);

    TraceId after = newTraceId();
    assertThat(post(ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(resourceSpans("checkout", errorRoot(after, "POST /orders"))).build())).isEqualTo(200);
    Poll.until(Duration.ofSeconds(15), "the trace after the refused one stored", () -> trace(after).isPresent());

    Poll.until(WAIT, "the refused trace set aside", () -> queue.stats().deadLetteredBatches() == failuresBefore + 1);
    JsonObject listing = getJson("/api/v1/sampling/dead-letters");
    assertThat(listing.getBoolean("enabled")).isTrue();
    JsonArray entries = listing.getJsonArray("entries");
    JsonObject entry = entries.stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("traceId").equals(refused.toHex())).findFirst().orElseThrow();
    assertThat(entry.getInteger("spans")).isEqualTo(2);
    assertThat(entry.getString("reason"))
        .matches("span too large: CQL Message of size \\d+ bytes exceeds allowed maximum of 16777216 bytes");
    assertThat(entry.getLong("bytes")).isGreaterThan(OVER_THE_LIMIT);
    Path file = deadLetterDirectory.resolve(entry.getString("file"));
    assertThat(Files.size(file)).isGreaterThan(OVER_THE_LIMIT);
    assertThat(Files.readAllLines(file.resolveSibling(file.getFileName()), java.nio.charset.StandardCharsets.ISO_8859_1).get(1))
        .isEqualTo("trace_id: " + refused.toHex());

    PrometheusScrape scrape = PrometheusScrape.parse(server.scrapeMetrics());
    assertThat(scrape.value("tailkeep_store_dead_lettered_batches_total")).isEqualTo(queue.stats().deadLetteredBatches());
    assertThat(scrape.value("tailkeep_store_dead_lettered_spans_total")).isEqualTo(queue.stats().deadLetteredSpans());
    assertThat(scrape.value("tailkeep_store_dead_letters_bytes")).isGreaterThan(OVER_THE_LIMIT);
  }

  private Optional<Trace> trace(TraceId traceId) {
    return server.store().reader().getTrace(traceId).toCompletableFuture().join();
  }

  private List<TraceSummary> summaries(TraceId traceId) {
    return server.store().reader().getSummaries(List.of(traceId)).toCompletableFuture().join();
  }

  private TraceSummary summary(TraceId traceId) {
    List<TraceSummary> summaries = summaries(traceId);
    assertThat(summaries).hasSize(1);
    return summaries.get(0);
  }

  private int post(ExportTraceServiceRequest request) throws IOException, InterruptedException {
    HttpRequest post =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/traces"))
            .header("Content-Type", PROTOBUF)
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
            .build();
    HttpResponse<byte[]> response = http.send(post, HttpResponse.BodyHandlers.ofByteArray());
    return response.statusCode();
  }

  private JsonObject getJson(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort() + path))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private Span errorRoot(TraceId traceId, String name) {
    return errorRoot(traceId, newSpanId(), name);
  }

  private static Span errorRoot(TraceId traceId, byte[] spanId, String name) {
    return span(traceId, spanId, null, name, 0, 20_000_000L)
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR))
        .build();
  }

  /** A span starting {@code offsetNanos} after a minute ago. */
  private static Span.Builder span(
      TraceId traceId, byte[] spanId, byte[] parentId, String name, long offsetNanos, long durationNanos) {
    long start = Instant.now().minusSeconds(60).toEpochMilli() * 1_000_000L + offsetNanos;
    Span.Builder span = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(traceId.toBytes()))
        .setSpanId(ByteString.copyFrom(spanId))
        .setName(name)
        .setStartTimeUnixNano(start)
        .setEndTimeUnixNano(start + durationNanos);
    if (parentId != null) {
      span.setParentSpanId(ByteString.copyFrom(parentId));
    }
    return span;
  }

  private static ResourceSpans resourceSpans(String service, Span... spans) {
    return ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue(service))))
        .addScopeSpans(ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("dead-letter-test"))
            .addAllSpans(List.of(spans)))
        .build();
  }

  /** {@code text} padded to 1 024 ASCII characters: the longest key the store keeps whole. */
  private static String kib(String text) {
    return text + "-" + "k".repeat(1024 - text.length() - 1);
  }

  private TraceId newTraceId() {
    return new TraceId(random.nextLong() | 1, random.nextLong() | 1);
  }

  private byte[] newSpanId() {
    return ByteBuffer.allocate(8).putLong(random.nextLong() | 1).array();
  }
}
