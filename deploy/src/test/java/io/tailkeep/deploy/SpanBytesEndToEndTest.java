package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.sampler.buffer.DecisionRecord;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Spans travel as the exporter's bytes: what each transport carries is what Cassandra holds and what
 * the APIs give back, and an error is an error everywhere (rules, summary row, search, tree).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpanBytesEndToEndTest {

  static final String KEYSPACE = "e2e_span_bytes";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Random random = new Random(20_261_204L);
  /** The traces' start, in whole milliseconds as the spans carry it. */
  private final Instant start = Instant.ofEpochMilli(System.currentTimeMillis() - 5_000);
  private TailkeepServer server;
  private StoredTraces stored;
  private HttpClient http;
  private ManagedChannel channel;

  @BeforeAll
  void start() {
    server = TestServers.start(TestStores.open(KEYSPACE));
    stored = new StoredTraces(server.store().reader());
    http = HttpClient.newHttpClient();
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aTraceSentOverGrpcHttpProtobufAndHttpJsonReadsBackTheSame() throws Exception {
    List<Span> grpcTrace = errorTrace();
    List<Span> protobufTrace = sameSpansUnder(grpcTrace, newTraceId());
    List<Span> jsonTrace = sameSpansUnder(grpcTrace, newTraceId());

    ExportTraceServiceRequest grpcRequest = request(grpcTrace);
    ClientCalls.blockingUnaryCall(
        channel, MalformedInputTest.RAW_EXPORT, CallOptions.DEFAULT, grpcRequest.toByteArray());
    assertThat(post("application/x-protobuf", request(protobufTrace).toByteArray())).isEqualTo(200);
    assertThat(post("application/json", OtlpJsonBodies.of(request(jsonTrace)))).isEqualTo(200);

    List<OtlpSpan> viaGrpc = awaitStored(grpcTrace);
    List<OtlpSpan> viaProtobuf = awaitStored(protobufTrace);
    List<OtlpSpan> viaJson = awaitStored(jsonTrace);

    // Field for field what was sent, resource and scope included.
    assertThat(viaGrpc).extracting(OtlpSpan::span).containsExactlyInAnyOrderElementsOf(grpcTrace);
    assertThat(viaGrpc).extracting(OtlpSpan::resource).containsOnly(resource());
    assertThat(viaGrpc).extracting(OtlpSpan::scope).containsOnly(scope());
    assertThat(withoutTraceIds(viaProtobuf)).containsExactlyInAnyOrderElementsOf(withoutTraceIds(viaGrpc));
    assertThat(withoutTraceIds(viaJson)).containsExactlyInAnyOrderElementsOf(withoutTraceIds(viaGrpc));
    // Over protobuf, the stored span is the exporter's own encoding of it.
    for (OtlpSpan span : viaProtobuf) {
      Span sent = protobufTrace.stream().filter(s -> s.getSpanId().equals(span.span().getSpanId())).findFirst().orElseThrow();
      assertThat(span.span().toByteString()).isEqualTo(sent.toByteString());
    }
  }

  @Test
  void anHttp500ServerSpanIsAnErrorForTheRulesTheSummarySearchAndTheTree() throws Exception {
    List<Span> trace = errorTrace();
    TraceId traceId = TraceId.fromBytes(trace.get(0).getTraceId().toByteArray());
    ClientCalls.blockingUnaryCall(
        channel, MalformedInputTest.RAW_EXPORT, CallOptions.DEFAULT, request(trace).toByteArray());
    awaitStored(trace);

    DecisionRecord why = server.sampler().why(traceId).orElseThrow();
    assertThat(why.keep()).isTrue();
    assertThat(why.rule()).isEqualTo("keep-errors");
    assertThat(stored.summary(traceId).errorCount()).as("summary row").isEqualTo(1);
    // The index rows are written beside the spans, so a search may lag the read by a moment.
    List<TraceSummary> found =
        Poll.until(
            WAIT,
            "trace " + traceId + " found by search",
            () -> find(TraceQuery.builder().service("span-bytes-shop").limit(1000)),
            list -> list.stream().anyMatch(s -> s.traceId().equals(traceId)));
    assertThat(found).filteredOn(s -> s.traceId().equals(traceId)).singleElement()
        .extracting(TraceSummary::errorCount).as("search").isEqualTo(1);
    JsonObject tree = new JsonObject(get("/api/v1/traces/" + traceId.toHex()));
    assertThat(tree.getJsonObject("summary").getInteger("errorCount")).as("tree header").isEqualTo(1);
  }

  /**
   * Cassandra refuses a key over 64 KiB; a name that long once held up every write behind it. Names
   * are cut in the index and summary keys only: the stored span keeps them whole.
   */
  @Test
  void anErrorTraceWithHugeNamesIsStoredFoundAndReadWholeAndTheNextTraceIsNotHeldUp() throws Exception {
    String service = "huge-service-" + "s".repeat(10 * 1024);
    String name = "GET /" + "n".repeat(64 * 1024);
    List<Span> huge =
        errorTrace().stream()
            .map(span -> span.getParentSpanId().isEmpty() ? span.toBuilder().setName(name).build() : span)
            .toList();
    TraceId hugeId = TraceId.fromBytes(huge.get(0).getTraceId().toByteArray());
    ClientCalls.blockingUnaryCall(
        channel, MalformedInputTest.RAW_EXPORT, CallOptions.DEFAULT, request(huge, resource(service)).toByteArray());

    List<OtlpSpan> read = awaitStored(huge);
    assertThat(read).extracting(OtlpSpan::span).containsExactlyInAnyOrderElementsOf(huge);
    assertThat(read).extracting(OtlpSpan::serviceName).containsOnly(service);
    String searchable = service.substring(0, 1024); // the longest name a query takes
    List<TraceSummary> found =
        Poll.until(
            WAIT,
            "trace " + hugeId + " found by search",
            () -> find(TraceQuery.builder().service(searchable).operation(name.substring(0, 1024))),
            list -> !list.isEmpty());
    assertThat(found).extracting(TraceSummary::traceId).containsExactly(hugeId);
    assertThat(found.get(0).errorCount()).isEqualTo(1);

    List<Span> next = sameSpansUnder(errorTrace(), newTraceId());
    long sent = System.nanoTime();
    ClientCalls.blockingUnaryCall(
        channel, MalformedInputTest.RAW_EXPORT, CallOptions.DEFAULT, request(next).toByteArray());
    awaitStored(next);
    // Decided after the 200 ms grace period and written at once: not stuck behind retries.
    assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(10));
  }

  /** A server root that answered HTTP 500 with its status left UNSET, and a client child. */
  private List<Span> errorTrace() {
    ByteString traceId = newTraceId();
    ByteString rootId = randomBytes(8);
    long startNanos = start.toEpochMilli() * 1_000_000L;
    Span root =
        Span.newBuilder()
            .setTraceId(traceId)
            .setSpanId(rootId)
            .setName("POST /checkout")
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(startNanos)
            .setEndTimeUnixNano(startNanos + 40_000_000L)
            .addAttributes(attr("http.request.method", AnyValue.newBuilder().setStringValue("POST")))
            .addAttributes(attr("http.route", AnyValue.newBuilder().setStringValue("/checkout")))
            .addAttributes(attr("http.response.status_code", AnyValue.newBuilder().setIntValue(500)))
            .addAttributes(attr("retry.count", AnyValue.newBuilder().setDoubleValue(1.5)))
            .build();
    Span child =
        Span.newBuilder()
            .setTraceId(traceId)
            .setSpanId(randomBytes(8))
            .setParentSpanId(rootId)
            .setTraceState("vendor=1")
            .setName("SELECT orders")
            .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
            .setStartTimeUnixNano(startNanos + 1_000_000L)
            .setEndTimeUnixNano(startNanos + 30_000_000L)
            .setFlags(0x101)
            .addAttributes(attr("db.system", AnyValue.newBuilder().setStringValue("postgresql")))
            .addEvents(Span.Event.newBuilder().setName("retry").setTimeUnixNano(startNanos + 2_000_000L))
            .addLinks(Span.Link.newBuilder().setTraceId(newTraceId()).setSpanId(randomBytes(8)))
            .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK).setMessage("fine"))
            .build();
    return List.of(root, child);
  }

  private static List<Span> sameSpansUnder(List<Span> spans, ByteString traceId) {
    return spans.stream().map(s -> s.toBuilder().setTraceId(traceId).build()).toList();
  }

  private static List<OtlpSpan> withoutTraceIds(List<OtlpSpan> spans) {
    return spans.stream()
        .map(s -> new OtlpSpan(s.resource(), s.resourceSchemaUrl(), s.scope(), s.scopeSchemaUrl(),
            s.span().toBuilder().setTraceId(ByteString.copyFrom(new byte[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})).build()))
        .toList();
  }

  private List<TraceSummary> find(TraceQuery.Builder query) {
    return server.store().reader()
        .findTraces(query.window(start.minusSeconds(60), Instant.now().plusSeconds(5)).build())
        .toCompletableFuture()
        .join();
  }

  private List<OtlpSpan> awaitStored(List<Span> trace) {
    TraceId traceId = TraceId.fromBytes(trace.get(0).getTraceId().toByteArray());
    return Poll.until(
            WAIT,
            "trace " + traceId + " stored whole",
            () -> stored.get(traceId),
            found -> found.isPresent() && found.get().spans().size() == trace.size())
        .orElseThrow()
        .spans();
  }

  private static Resource resource() {
    return resource("span-bytes-shop");
  }

  private static Resource resource(String service) {
    return Resource.newBuilder()
        .addAttributes(attr("service.name", AnyValue.newBuilder().setStringValue(service)))
        .addAttributes(attr("host.name", AnyValue.newBuilder().setStringValue("web-1")))
        .build();
  }

  private static InstrumentationScope scope() {
    return InstrumentationScope.newBuilder().setName("io.tailkeep.test").setVersion("1.0").build();
  }

  private static ExportTraceServiceRequest request(List<Span> spans) {
    return request(spans, resource());
  }

  private static ExportTraceServiceRequest request(List<Span> spans, Resource resource) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(resource)
                .setSchemaUrl("https://opentelemetry.io/schemas/1.26.0")
                .addScopeSpans(ScopeSpans.newBuilder().setScope(scope()).addAllSpans(spans)))
        .build();
  }

  private int post(String contentType, byte[] body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/traces"))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private String get(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort() + path)).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return response.body();
  }

  private static KeyValue attr(String key, AnyValue.Builder value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private ByteString newTraceId() {
    return randomBytes(16);
  }

  private ByteString randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    bytes[0] |= 1; // never all zeros
    return ByteString.copyFrom(bytes);
  }
}
