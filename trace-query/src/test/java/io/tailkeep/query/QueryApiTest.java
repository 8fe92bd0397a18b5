package io.tailkeep.query;

import static io.tailkeep.store.testing.TestSpans.attr;
import static io.tailkeep.store.testing.TestSpans.nanos;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.store.Operation;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.SpanReader;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.store.cassandra.CassandraStorage;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.TestCassandra;
import io.tailkeep.store.testing.TestSpans;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * The API over HTTP on a real Cassandra node (the shared test node, this module's own keyspace).
 * Each test writes under its own service names, so tests share the store without seeing each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryApiTest {
  static final String KEYSPACE = "trace_query_test";
  static final long MS = 1_000_000L;

  private final TestSpans spans = new TestSpans(2025);
  /** Half past some hour, 2 hours back: inside the index TTL and away from "now". */
  private final Instant base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofMinutes(90));

  private SpanStore store;
  private ApiServer api;
  private String prefix;

  @BeforeAll
  void start() {
    CassandraEndpoint node = TestCassandra.shared();
    store = storage(node).open();
    api = new ApiServer(store.reader(), QueryApiOptions.defaults());
  }

  static CassandraStorage storage(CassandraEndpoint node) {
    return CassandraStorage.builder()
        .contactPoints(List.of(node.contactPoint()))
        .localDatacenter(node.localDatacenter())
        .keyspace(KEYSPACE)
        .build();
  }

  @AfterAll
  void stop() {
    if (api != null) {
      api.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @BeforeEach
  void uniquePrefix(TestInfo test) {
    prefix = test.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private String service(String name) {
    return prefix + "-" + name;
  }

  private void write(List<OtlpSpan> trace, Sampling sampling) {
    store.writer().write(SpanBatch.of(trace, sampling)).toCompletableFuture().join();
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private String window() {
    return "start=" + q(base.minus(Duration.ofHours(1)).toString()) + "&end=" + q(base.plus(Duration.ofHours(1)).toString());
  }

  private static List<String> traceIds(JsonObject page) {
    return page.getJsonArray("traces").stream().map(t -> ((JsonObject) t).getString("traceId")).toList();
  }

  private JsonObject ok(String path) {
    ApiServer.Response response = api.get(path);
    assertThat(response.status()).as(path + " -> " + response.body()).isEqualTo(200);
    assertThat(response.contentType()).isEqualTo("application/json; charset=utf-8");
    return response.json();
  }

  private static OtlpSpan withStatus(OtlpSpan span, Status.StatusCode code) {
    return new OtlpSpan(span.resource(), "", span.scope(), "",
        span.span().toBuilder().setStatus(Status.newBuilder().setCode(code)).build());
  }

  // ---- GET /api/v1/traces/{traceId}

  @Test
  void readsTheSummaryRowOnlyWhenTheSpansCannotTell() {
    TraceId kept = spans.newTraceId();
    TraceId late = spans.newTraceId();
    long t0 = nanos(base);
    write(spans.trace(kept, service("api"), "GET /", t0, MS, 3), new Sampling("baseline", 0.25));
    write(spans.trace(late, service("api"), "GET /", t0, MS, 3), null);
    CountingReader reader = new CountingReader(store.reader());
    try (ApiServer counted = new ApiServer(reader, QueryApiOptions.defaults());
        ApiServer capped = new ApiServer(reader, QueryApiOptions.builder().maxTraceSpans(2).build())) {
      // The decision came with the spans: one read.
      JsonObject json = counted.get("/api/v1/traces/" + kept.toHex()).json();
      assertThat(json.getJsonObject("summary").getJsonObject("sampling").getString("rule")).isEqualTo("baseline");
      assertThat(reader.summaryReads).hasValue(0);
      // No decision with the spans (late spans only, or written before schema v5): the summary is asked.
      assertThat(counted.get("/api/v1/traces/" + late.toHex()).json().getJsonObject("summary").getValue("sampling"))
          .isNull();
      assertThat(reader.summaryReads).hasValue(1);
      // Capped: the header describes the whole trace, from the summary.
      JsonObject cut = capped.get("/api/v1/traces/" + kept.toHex()).json();
      assertThat(cut.getJsonObject("summary").getInteger("spanCount")).isEqualTo(3);
      assertThat(cut.getInteger("shownSpanCount")).isEqualTo(2);
      assertThat(reader.summaryReads).hasValue(2);
    }
  }

  /** A store's reader that counts the summary reads. */
  private static final class CountingReader implements SpanReader {
    private final SpanReader store;
    final AtomicInteger summaryReads = new AtomicInteger();

    CountingReader(SpanReader store) {
      this.store = store;
    }

    @Override
    public CompletionStage<Optional<Trace>> getTrace(TraceId traceId) {
      return store.getTrace(traceId);
    }

    @Override
    public CompletionStage<Optional<Trace>> getTrace(TraceId traceId, int maxSpans) {
      return store.getTrace(traceId, maxSpans);
    }

    @Override
    public CompletionStage<List<TraceSummary>> findTraces(TraceQuery query) {
      return store.findTraces(query);
    }

    @Override
    public CompletionStage<List<TraceSummary>> getSummaries(Collection<TraceId> traceIds) {
      summaryReads.incrementAndGet();
      return store.getSummaries(traceIds);
    }

    @Override
    public CompletionStage<List<String>> getServices() {
      return store.getServices();
    }

    @Override
    public CompletionStage<List<Operation>> getOperations(String service) {
      return store.getOperations(service);
    }
  }

  @Test
  void servesATraceAsATreeWithItsHeaderAndSamplingDecision() {
    TraceId traceId = spans.newTraceId();
    long t0 = nanos(base);
    SpanId root = spans.newSpanId();
    SpanId db = spans.newSpanId();
    List<OtlpSpan> trace =
        List.of(
            spans.span(traceId, root, null, service("api"), "POST /checkout", t0, 100 * MS, attr("http.route", "/checkout")),
            spans.span(traceId, spans.newSpanId(), root, service("cart"), "load cart", t0 + 60 * MS, 20 * MS),
            withStatus(spans.span(traceId, db, root, service("db"), "INSERT order", t0 + 10 * MS, 40 * MS),
                Status.StatusCode.STATUS_CODE_ERROR),
            spans.span(traceId, spans.newSpanId(), db, service("db"), "commit", t0 + 45 * MS, 10 * MS));
    write(trace, new Sampling("keep-errors", 1.0));

    JsonObject json = ok("/api/v1/traces/" + traceId.toHex());
    // An answer smaller than one chunk goes whole, with its length.
    assertThat(api.get("/api/v1/traces/" + traceId.toHex()).contentLength()).isPositive();

    JsonObject summary = json.getJsonObject("summary");
    assertThat(summary.getString("traceId")).isEqualTo(traceId.toHex());
    assertThat(summary.getString("start")).isEqualTo(TimeFormat.format(t0));
    assertThat(summary.getString("startUnixNano")).isEqualTo(Long.toString(t0));
    assertThat(summary.getLong("durationNanos")).isEqualTo(100 * MS);
    assertThat(summary.getInteger("spanCount")).isEqualTo(4);
    assertThat(summary.getInteger("errorCount")).isEqualTo(1);
    assertThat(summary.getJsonArray("services")).containsExactly(service("api"), service("cart"), service("db"));
    assertThat(summary.getString("rootService")).isEqualTo(service("api"));
    assertThat(summary.getString("rootOperation")).isEqualTo("POST /checkout");
    assertThat(summary.getJsonObject("sampling"))
        .isEqualTo(new JsonObject().put("rule", "keep-errors").put("probability", 1.0).put("adjustedCount", 1.0));
    assertThat(json.getJsonArray("warnings")).isEmpty();

    JsonObject rootJson = json.getJsonArray("roots").getJsonObject(0);
    assertThat(json.getJsonArray("roots")).hasSize(1);
    assertThat(rootJson.getString("spanId")).isEqualTo(root.toHex());
    assertThat(rootJson.getString("kind")).isEqualTo("SERVER");
    assertThat(rootJson.getJsonObject("attributes").getString("http.route")).isEqualTo("/checkout");
    JsonObject resource = json.getJsonArray("resources").getJsonObject(rootJson.getInteger("resource"));
    assertThat(resource.getString("service")).isEqualTo(service("api"));
    assertThat(resource.getJsonObject("attributes").getString("service.name")).isEqualTo(service("api"));
    // four spans, three services, one scope: each written once
    assertThat(json.getJsonArray("resources")).hasSize(3);
    assertThat(json.getJsonArray("scopes")).hasSize(1);
    // children [10,50] and [60,80]: 60 ms covered of 100
    assertThat(rootJson.getLong("selfTimeNanos")).isEqualTo(40 * MS);
    JsonArray children = rootJson.getJsonArray("children");
    assertThat(children.stream().map(c -> ((JsonObject) c).getString("name"))).containsExactly("INSERT order", "load cart");
    JsonObject insert = children.getJsonObject(0);
    assertThat(insert.getJsonObject("status").getString("code")).isEqualTo("ERROR");
    assertThat(insert.getBoolean("error")).isTrue();
    assertThat(rootJson.containsKey("error")).isFalse(); // false is left out, as every default
    assertThat(insert.getString("parentSpanId")).isEqualTo(root.toHex());
    // child commit [45,55] clipped to [10,50]: 5 ms covered of 40
    assertThat(insert.getLong("selfTimeNanos")).isEqualTo(35 * MS);
    assertThat(insert.getJsonArray("children").getJsonObject(0).getString("name")).isEqualTo("commit");
  }

  @Test
  void servesAnOddTraceWithWarningsInsteadOfFailing() {
    TraceId traceId = spans.newTraceId();
    long t0 = nanos(base.plusSeconds(1));
    SpanId a = spans.newSpanId();
    SpanId b = spans.newSpanId();
    SpanId shared = spans.newSpanId();
    List<OtlpSpan> trace =
        List.of(
            spans.span(traceId, spans.newSpanId(), null, service("one"), "root-1", t0, 10 * MS),
            spans.span(traceId, spans.newSpanId(), null, service("two"), "root-2", t0 + MS, 10 * MS),
            spans.span(traceId, spans.newSpanId(), spans.newSpanId(), service("x"), "orphan", t0 + 2 * MS, MS),
            spans.span(traceId, a, b, service("x"), "cycle-a", t0 + 3 * MS, MS),
            spans.span(traceId, b, a, service("x"), "cycle-b", t0 + 4 * MS, MS),
            spans.span(traceId, shared, null, service("x"), "dup-1", t0 + 5 * MS, MS),
            spans.span(traceId, shared, null, service("x"), "dup-2", t0 + 6 * MS, MS));
    write(trace, null);

    JsonObject json = ok("/api/v1/traces/" + traceId.toHex());
    assertThat(json.getJsonArray("roots").stream().map(r -> ((JsonObject) r).getString("name")))
        .containsExactly("root-1", "root-2", "orphan", "cycle-a", "dup-1", "dup-2");
    assertThat(json.getInteger("shownSpanCount")).isEqualTo(7);
    assertThat(json.getJsonObject("summary").getValue("sampling")).isNull();
    assertThat(json.getJsonArray("warnings").stream().map(String::valueOf))
        .anyMatch(w -> w.startsWith("the trace has 4 root spans"))
        .anyMatch(w -> w.startsWith("1 span names a parent not in the trace"))
        .anyMatch(w -> w.startsWith("1 parent cycle was broken"))
        .anyMatch(w -> w.startsWith("1 span ID is used by more than one span"));
    assertThat(json.getJsonArray("roots").getJsonObject(2).getJsonArray("warnings")).hasSize(1);
  }

  @Test
  void servesTenThousandSpansWholeAndCutsAboveTheCap() {
    TraceId traceId = spans.newTraceId();
    write(spans.trace(traceId, service("big"), "GET /big", nanos(base.plusSeconds(2)), 2_000 * MS, 10_000), null);

    ApiServer.Response whole = api.get("/api/v1/traces/" + traceId.toHex());
    assertThat(whole.status()).isEqualTo(200);
    assertThat(whole.contentType()).isEqualTo("application/json; charset=utf-8");
    // Megabytes, sent in chunks as they are written: no length up front, and every span arrives.
    assertThat(whole.body().length()).isGreaterThan(10 * StreamingJson.CHUNK_BYTES);
    assertThat(whole.contentLength()).isNull();
    JsonObject json = whole.json();
    assertThat(json.getInteger("shownSpanCount")).isEqualTo(10_000);
    assertThat(json.getJsonObject("summary").getInteger("spanCount")).isEqualTo(10_000);
    assertThat(json.getJsonArray("warnings")).isEmpty();
    assertThat(json.getJsonArray("roots").getJsonObject(0).getJsonArray("children")).hasSize(9_999);

    // Above the cap the store reads only the cap (its query's LIMIT): the view shows what was read,
    // the header still describes the whole trace, and a warning says how many were left out.
    try (ApiServer capped = new ApiServer(store.reader(), QueryApiOptions.builder().maxTraceSpans(500).build())) {
      ApiServer.Response response = capped.get("/api/v1/traces/" + traceId.toHex());
      assertThat(response.status()).isEqualTo(200);
      JsonObject cut = response.json();
      assertThat(cut.getInteger("shownSpanCount")).isEqualTo(500);
      assertThat(countNodes(cut.getJsonArray("roots"))).isEqualTo(500);
      assertThat(cut.getJsonObject("summary").getInteger("spanCount")).isEqualTo(10_000);
      assertThat(cut.getJsonObject("summary").getLong("durationNanos")).isEqualTo(2_000 * MS);
      assertThat(cut.getJsonArray("warnings").getList())
          .contains(
              "the trace has 10000 spans, more than the span cap of 500: only 500 were read (the first as stored,"
                  + " not by place in the tree, so some show without their parent), 9500 are left out");
    }
  }

  private static int countNodes(JsonArray nodes) {
    int count = 0;
    List<JsonArray> pending = new ArrayList<>(List.of(nodes));
    while (!pending.isEmpty()) {
      JsonArray level = pending.remove(pending.size() - 1);
      for (int i = 0; i < level.size(); i++) {
        count++;
        pending.add(level.getJsonObject(i).getJsonArray("children"));
      }
    }
    return count;
  }

  @Test
  void aSearchWithoutServiceOverTheWholeRetentionIsBoundedAndSaysWhatItSearched() {
    // A keyspace of its own, so the services are known: 2 services, each trace with "-dep" spans.
    CassandraEndpoint node = TestCassandra.shared();
    try (SpanStore own =
            CassandraStorage.builder()
                .contactPoints(List.of(node.contactPoint()))
                .localDatacenter(node.localDatacenter())
                .keyspace("trace_query_fanout")
                .maxSearchPartitions(40) // 4 services: the 10 newest hours
                .build()
                .open();
        ApiServer bounded = new ApiServer(own.reader(), QueryApiOptions.defaults())) {
      List<String> recent = new ArrayList<>();
      for (String svc : List.of("shop", "billing")) {
        for (int hoursAgo : new int[] {2, 30}) {
          TraceId traceId = spans.newTraceId();
          if (hoursAgo == 2) {
            recent.add(traceId.toHex());
          }
          own.writer()
              .write(SpanBatch.of(
                  spans.trace(traceId, svc, "op", nanos(Instant.now().minus(Duration.ofHours(hoursAgo))), 5 * MS, 3),
                  null))
              .toCompletableFuture()
              .join();
        }
      }

      long started = System.nanoTime();
      ApiServer.Response response = bounded.get("/api/v1/traces?start=0&end=" + q("2262-01-01T00:00:00Z") + "&limit=50");
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(response.status()).as(response.body()).isEqualTo(200);
      assertThat(took).isLessThan(Duration.ofSeconds(10));
      JsonObject page = response.json();
      assertThat(traceIds(page)).containsExactlyInAnyOrderElementsOf(recent);
      assertThat(page.getJsonArray("warnings").getList())
          .singleElement()
          .asString()
          .startsWith("only traces starting from ")
          .contains("at most 40 index partitions", "(4 services)", "name a service or narrow the window");
      assertThat(page.getString("next")).isNull();
    }
  }

  @Test
  void findsA64BitTraceIdGivenWithoutLeadingZeros() {
    TraceId traceId = new TraceId(0, 0x5eed_0000_0000_0001L | (System.nanoTime() << 16));
    write(spans.trace(traceId, service("short"), "op", nanos(base.plusSeconds(3)), MS, 1), null);
    assertThat(ok("/api/v1/traces/" + Long.toHexString(traceId.low())).getString("traceId")).isEqualTo(traceId.toHex());
    assertThat(ok("/api/v1/traces/" + traceId.toHex().toUpperCase()).getString("traceId")).isEqualTo(traceId.toHex());
  }

  @Test
  void anUnknownTraceIs404() {
    ApiServer.Response response = api.get("/api/v1/traces/" + spans.newTraceId().toHex());
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.error().getString("message")).endsWith(" not found");
  }

  // ---- GET /api/v1/traces

  /** Writes one trace of 2 spans: root {@code svc}/{@code op}, then a child in {@code svc}-dep. */
  private TraceId trace(String svc, String op, Instant start, long durationMs, String route) {
    TraceId traceId = spans.newTraceId();
    write(spans.trace(traceId, svc, op, nanos(start), durationMs * MS, 2, attr("http.route", route)), null);
    return traceId;
  }

  @Test
  void searchesByEachFilterAloneAndCombined() {
    String api = service("api");
    String web = service("web");
    TraceId slowCheckout = trace(api, "POST /checkout", base.plusSeconds(10), 900, "/checkout");
    TraceId fastCheckout = trace(api, "POST /checkout", base.plusSeconds(20), 50, "/checkout");
    TraceId slowCart = trace(api, "GET /cart", base.plusSeconds(30), 700, "/cart");
    TraceId webHome = trace(web, "GET /", base.plusSeconds(40), 300, "/");
    TraceId outside = trace(api, "POST /checkout", base.minus(Duration.ofMinutes(70)), 900, "/checkout");

    String w = "&" + window();
    assertThat(traceIds(ok("/api/v1/traces?service=" + q(api) + w)))
        .containsExactly(slowCart.toHex(), fastCheckout.toHex(), slowCheckout.toHex());
    assertThat(traceIds(ok("/api/v1/traces?service=" + q(api) + "&operation=" + q("POST /checkout") + w)))
        .containsExactly(fastCheckout.toHex(), slowCheckout.toHex());
    assertThat(traceIds(ok("/api/v1/traces?service=" + q(api) + "&tags=" + q("http.route:/cart") + w)))
        .containsExactly(slowCart.toHex());
    assertThat(traceIds(ok("/api/v1/traces?service=" + q(web) + "&tags=" + q("{\"http.route\":\"/\"}") + w)))
        .containsExactly(webHome.toHex());
    assertThat(traceIds(ok("/api/v1/traces?service=" + q(api) + "&minDuration=600ms" + w)))
        .containsExactly(slowCheckout.toHex(), slowCart.toHex());
    assertThat(traceIds(ok("/api/v1/traces?service=" + q(api) + "&maxDuration=0.7s" + w)))
        .containsExactly(slowCart.toHex(), fastCheckout.toHex());
    assertThat(traceIds(ok("/api/v1/traces?service=" + q(api) + "&start=" + q(base.plusSeconds(15).toString())
        + "&end=" + (nanos(base.plusSeconds(25)) / 1_000))))
        .containsExactly(fastCheckout.toHex());
    assertThat(traceIds(ok("/api/v1/traces?service=" + q(api) + "&start=" + q(base.minus(Duration.ofHours(2)).toString())
        + "&end=" + q(base.minus(Duration.ofMinutes(60)).toString()))))
        .containsExactly(outside.toHex());
    assertThat(traceIds(ok("/api/v1/traces?service=" + q(api) + "&operation=" + q("POST /checkout")
        + "&tags=" + q("http.route:/checkout") + "&minDuration=100ms&maxDuration=1s" + w)))
        .containsExactly(slowCheckout.toHex());
    assertThat(traceIds(ok("/api/v1/traces?service=" + q(api) + "&operation=" + q("GET /cart") + "&minDuration=800ms" + w)))
        .isEmpty();
  }

  private TraceId failedTrace(String svc, String op, Instant start, long durationMs, String route) {
    TraceId traceId = spans.newTraceId();
    List<OtlpSpan> trace =
        new ArrayList<>(spans.trace(traceId, svc, op, nanos(start), durationMs * MS, 2, attr("http.route", route)));
    trace.set(1, withStatus(trace.get(1), Status.StatusCode.STATUS_CODE_ERROR));
    write(trace, null);
    return traceId;
  }

  @Test
  void errorsTrueFindsOnlyTracesWithAnErrorSpanWithTheOtherFiltersAndThroughPages() {
    String shop = service("shop");
    TraceId slowFailed = failedTrace(shop, "POST /checkout", base.plusSeconds(10), 900, "/checkout");
    TraceId fastFailed = failedTrace(shop, "POST /checkout", base.plusSeconds(20), 50, "/checkout");
    TraceId cartFailed = failedTrace(shop, "GET /cart", base.plusSeconds(30), 700, "/cart");
    for (int i = 0; i < 12; i++) {
      // newer and slower than every failed trace: first in either order without the filter
      trace(shop, "POST /checkout", base.plusSeconds(40 + i), 1000 + i, "/checkout");
    }
    String path = "/api/v1/traces?service=" + q(shop) + "&" + window();

    assertThat(traceIds(ok(path + "&errors=false&limit=100"))).hasSize(15);
    JsonObject failed = ok(path + "&errors=true");
    assertThat(traceIds(failed)).containsExactly(cartFailed.toHex(), fastFailed.toHex(), slowFailed.toHex());
    assertThat(failed.getJsonObject("query").getBoolean("errors")).isTrue();
    assertThat(ok(path).getJsonObject("query").getBoolean("errors")).isFalse();
    assertThat(failed.getJsonArray("traces").stream().map(t -> ((JsonObject) t).getInteger("errorCount")))
        .containsOnly(1);
    assertThat(traceIds(ok(path + "&errors=TRUE&sort=duration")))
        .containsExactly(slowFailed.toHex(), cartFailed.toHex(), fastFailed.toHex());
    assertThat(traceIds(ok(path + "&errors=true&minDuration=600ms")))
        .containsExactly(slowFailed.toHex(), cartFailed.toHex());
    assertThat(traceIds(ok(path + "&errors=true&operation=" + q("POST /checkout") + "&maxDuration=100ms")))
        .containsExactly(fastFailed.toHex());
    assertThat(traceIds(ok(path + "&errors=true&tags=" + q("http.route:/cart"))))
        .containsExactly(cartFailed.toHex());
    assertThat(traceIds(ok(path + "&errors=true&limit=1"))).containsExactly(cartFailed.toHex());

    for (String order : List.of("start", "duration")) {
      List<String> seen = new ArrayList<>();
      JsonObject page = ok(path + "&errors=true&limit=1&sort=" + order);
      while (true) {
        seen.addAll(traceIds(page));
        String next = page.getString("next");
        if (next == null) {
          break;
        }
        // The token alone carries errors=true: the later pages hold only failed traces too.
        page = ok("/api/v1/traces?limit=1&next=" + next);
        assertThat(page.getJsonObject("query").getBoolean("errors")).isTrue();
      }
      assertThat(seen).as(order)
          .containsExactlyInAnyOrder(slowFailed.toHex(), fastFailed.toHex(), cartFailed.toHex());
    }
    String next = ok(path + "&errors=true&limit=1").getString("next");
    ApiServer.Response changed = api.get(path + "&errors=false&limit=1&next=" + next);
    assertThat(changed.status()).isEqualTo(400);
    assertThat(changed.error().getString("parameter")).isEqualTo("errors");
  }

  @Test
  void aPageSaysHowManyRealTracesItsTracesStandFor() {
    String svc = service("sampled");
    write(spans.trace(spans.newTraceId(), svc, "op", nanos(base.plusSeconds(1)), MS, 1), new Sampling("baseline", 0.1));
    write(spans.trace(spans.newTraceId(), svc, "op", nanos(base.plusSeconds(2)), MS, 1), new Sampling("per-route", 0.25));
    write(spans.trace(spans.newTraceId(), svc, "op", nanos(base.plusSeconds(3)), MS, 1), new Sampling("keep-errors", 1.0));
    write(spans.trace(spans.newTraceId(), svc, "op", nanos(base.plusSeconds(4)), MS, 1), null);

    JsonObject page = ok("/api/v1/traces?service=" + q(svc) + "&" + window());

    assertThat(page.getJsonArray("traces")).hasSize(4);
    assertThat(page.getDouble("standsFor")).isCloseTo(10 + 4 + 1 + 1, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void ordersNewestFirstUnlessSortedByDurationOrGivenAMinimum() {
    String svc = service("order");
    TraceId old = trace(svc, "op", base.plusSeconds(1), 500, "/a");
    TraceId mid = trace(svc, "op", base.plusSeconds(2), 100, "/a");
    TraceId recent = trace(svc, "op", base.plusSeconds(3), 300, "/a");
    String path = "/api/v1/traces?service=" + q(svc) + "&" + window();

    JsonObject newest = ok(path);
    assertThat(traceIds(newest)).containsExactly(recent.toHex(), mid.toHex(), old.toHex());
    assertThat(newest.getJsonObject("query").getString("sort")).isEqualTo("start");
    assertThat(traceIds(ok(path + "&sort=duration"))).containsExactly(old.toHex(), recent.toHex(), mid.toHex());
    assertThat(traceIds(ok(path + "&minDuration=1ns"))).containsExactly(old.toHex(), recent.toHex(), mid.toHex());
    assertThat(traceIds(ok(path + "&minDuration=1ns&sort=start"))).containsExactly(recent.toHex(), mid.toHex(), old.toHex());

    JsonObject first = newest.getJsonArray("traces").getJsonObject(0);
    assertThat(first.fieldNames()).contains("traceId", "rootService", "rootOperation", "start", "startUnixNano",
        "durationNanos", "spanCount", "errorCount", "services");
    assertThat(first.getString("rootService")).isEqualTo(svc);
    assertThat(first.getInteger("spanCount")).isEqualTo(2);
    assertThat(first.getJsonArray("services")).containsExactly(svc, svc + "-dep");
  }

  @Test
  void theDefaultWindowIsTheLastHour() {
    String svc = service("recent");
    TraceId recent = trace(svc, "op", Instant.now().minus(Duration.ofMinutes(10)), 5, "/");
    trace(svc, "op", Instant.now().minus(Duration.ofMinutes(70)), 5, "/");
    JsonObject page = ok("/api/v1/traces?service=" + q(svc));
    assertThat(traceIds(page)).containsExactly(recent.toHex());
    assertThat(page.getJsonObject("query").getInteger("limit")).isEqualTo(20);
    Instant start = Instant.parse(page.getJsonObject("query").getString("start"));
    Instant end = Instant.parse(page.getJsonObject("query").getString("end"));
    assertThat(Duration.between(start, end)).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void returnsExactlyLimitTracesWhenThatManyMatch() {
    String svc = service("limit");
    for (int i = 0; i < 30; i++) {
      trace(svc, "op", base.plusSeconds(i), 10 + i, "/");
    }
    String path = "/api/v1/traces?service=" + q(svc) + "&" + window();
    assertThat(ok(path + "&limit=7").getJsonArray("traces")).hasSize(7);
    assertThat(ok(path + "&limit=7&minDuration=1ms").getJsonArray("traces")).hasSize(7);
    assertThat(ok(path).getJsonArray("traces")).hasSize(20);
    JsonObject all = ok(path + "&limit=100");
    assertThat(all.getJsonArray("traces")).hasSize(30);
    assertThat(all.getValue("next")).isNull();
  }

  @Test
  void pagesWithoutDuplicatesOrGapsThroughEqualStartsAndDurations() {
    String svc = service("pages");
    List<TraceId> written = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      // 5 distinct starts and 4 distinct durations: many ties in both orders
      written.add(trace(svc, "op", base.plusSeconds(i % 5), 100 + (i % 4), "/"));
    }
    for (String order : List.of("start", "duration")) {
      String path = "/api/v1/traces?service=" + q(svc) + "&" + window() + "&sort=" + order + "&limit=4";
      List<JsonObject> seen = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      JsonObject page = ok(path);
      while (true) {
        page.getJsonArray("traces").forEach(t -> seen.add((JsonObject) t));
        sizes.add(page.getJsonArray("traces").size());
        String next = page.getString("next");
        if (next == null) {
          break;
        }
        // Alternately the token alone and the token beside the original query.
        page = sizes.size() % 2 == 0 ? ok("/api/v1/traces?limit=4&next=" + next) : ok(path + "&next=" + next);
      }
      assertThat(sizes).as(order).containsExactly(4, 4, 4, 4, 4, 3);
      List<String> ids = seen.stream().map(t -> t.getString("traceId")).toList();
      assertThat(ids).as(order).doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(written.stream().map(TraceId::toHex).toList());
      String key = order.equals("start") ? "startUnixNano" : "durationNanos";
      Comparator<JsonObject> expected =
          Comparator.<JsonObject>comparingLong(t -> Long.parseLong(String.valueOf(t.getValue(key)))).reversed()
              .thenComparing(t -> TraceId.fromHex(t.getString("traceId")));
      assertThat(seen).as(order).isSortedAccordingTo(expected);
    }
  }

  @Test
  void aTagKeyTheStoreDoesNotIndexIs400() {
    ApiServer.Response response = api.get("/api/v1/traces?tags=" + q("user.email:a@b.c"));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.error().getString("parameter")).isEqualTo("tags");
    assertThat(response.error().getString("message")).contains("not indexed");
  }

  @Test
  void aTokenForAnotherSearchIs400() {
    String svc = service("token");
    trace(svc, "op", base.plusSeconds(1), 5, "/");
    trace(svc, "op", base.plusSeconds(2), 5, "/");
    String next = ok("/api/v1/traces?limit=1&service=" + q(svc) + "&" + window()).getString("next");
    assertThat(next).isNotNull();
    ApiServer.Response response = api.get("/api/v1/traces?service=other&next=" + next);
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.error().getString("parameter")).isEqualTo("service");
  }

  // ---- services and operations

  @Test
  void listsServicesAndTheirOperationsWithSpanKinds() {
    String svc = service("ops/with slash");
    TraceId traceId = spans.newTraceId();
    SpanId root = spans.newSpanId();
    long t0 = nanos(base.plusSeconds(5));
    write(List.of(
        spans.span(traceId, root, null, svc, "GET /items", t0, MS),
        spans.span(traceId, spans.newSpanId(), root, svc, "load", t0, MS),
        spans.everyField(traceId, spans.newSpanId(), root, t0)), null);

    assertThat(ok("/api/v1/services").getJsonArray("services")).contains(svc, "everything-service");
    JsonObject operations = ok("/api/v1/services/" + q(svc).replace("+", "%20") + "/operations");
    assertThat(operations.getString("service")).isEqualTo(svc);
    assertThat(operations.getJsonArray("operations"))
        .containsExactly(
            new JsonObject().put("name", "GET /items").put("kind", "SERVER"),
            new JsonObject().put("name", "load").put("kind", "INTERNAL"));
    assertThat(ok("/api/v1/services/" + q(service("none")) + "/operations").getJsonArray("operations")).isEmpty();
  }

  @Test
  void aClosedStoreIs503() {
    SpanStore closed = storage(TestCassandra.shared()).open();
    closed.close();
    try (ApiServer dead = new ApiServer(closed.reader(), QueryApiOptions.defaults())) {
      for (String path : QueryApiErrorsTest.EVERY_ENDPOINT) {
        ApiServer.Response response = dead.get(path);
        assertThat(response.status()).as(path + " " + response.body()).isEqualTo(503);
        assertThat(response.error().getString("message")).isEqualTo("storage unavailable");
      }
    }
  }

  @Test
  void spanKindsRenderWithoutTheirPrefix() {
    assertThat(TraceJson.kind(Span.SpanKind.SPAN_KIND_CONSUMER)).isEqualTo("CONSUMER");
    assertThat(TraceJson.kind(Span.SpanKind.UNRECOGNIZED)).isEqualTo("UNSPECIFIED");
  }
}
