package io.tailkeep.query;

import static io.tailkeep.query.TrafficRows.client;
import static io.tailkeep.query.TrafficRows.edge;
import static io.tailkeep.query.TrafficRows.internal;
import static io.tailkeep.query.TrafficRows.latency;
import static io.tailkeep.query.TrafficRows.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.store.RuleCounts;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.memory.InMemorySpanStore;
import io.tailkeep.store.traffic.LatencyHistogram;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The traffic API over HTTP on the in-memory store (and on Cassandra: {@link
 * TrafficApiOnCassandraTest}), with rows written as two sampler nodes write them: frontend →
 * checkout → postgresql (a peer that sends no spans), a batch job with only INTERNAL spans,
 * errors; every figure checked to the digit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrafficApiTest {
  static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final double HOUR = 3600;

  private SpanStore store;
  private ApiServer api;

  /** The store the API reads. */
  SpanStore open() {
    return InMemorySpanStore.builder().build();
  }

  @BeforeAll
  void start() {
    store = open();
    writeTopology(store);
    QueryApiOptions options = QueryApiOptions.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    api = new ApiServer(router -> TrafficApi.mount(router, store.traffic(), store.samplingCounts(), options));
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

  /** 80 calls of 2–4 ms and 20 of 32–64 ms: p50 3.25, p95 56, p99 62.4 ms. */
  private static LatencyHistogram frontendHalf() {
    long[] counts = new long[LatencyHistogram.BUCKETS];
    counts[1] = 40;
    counts[5] = 10;
    return new LatencyHistogram(counts, 0);
  }

  static void writeTopology(SpanStore store) {
    Instant m1110 = Instant.parse("2026-12-05T11:10:00Z");
    Instant m1140 = Instant.parse("2026-12-05T11:40:00Z");
    Instant m1155 = Instant.parse("2026-12-05T11:55:00Z");
    store.traffic().write("sampler-a", m1110,
        List.of(
            server("frontend", "GET /", 1, frontendHalf()),
            client("frontend", "POST /checkout", 1, latency(4, 25)),
            server("checkout", "POST /checkout", 1, latency(3, 25)),
            client("checkout", "INSERT orders", 0, latency(0, 25)),
            internal("batch", "nightly-report", 1, latency(8, 10))),
        List.of(
            edge("frontend", "checkout", 1, latency(4, 25), latency(3, 25)),
            edge("checkout", "postgresql", 0, latency(0, 25), latency(0, 25))))
        .toCompletableFuture().join();
    store.traffic().write("sampler-b", m1140,
        List.of(
            server("frontend", "GET /", 1, frontendHalf()),
            client("frontend", "POST /checkout", 0, latency(4, 25)),
            server("checkout", "POST /checkout", 0, latency(3, 25)),
            client("checkout", "INSERT orders", 0, latency(0, 25))),
        List.of(
            edge("frontend", "checkout", 0, latency(4, 25), latency(3, 25)),
            edge("checkout", "postgresql", 0, latency(0, 25), latency(0, 25))))
        .toCompletableFuture().join();
    store.traffic().write("sampler-b", m1155, List.of(internal("cron", "tick", 0, latency(0, 6))), List.of())
        .toCompletableFuture().join();
    // Outside the default window [11:00, 12:00): the minute before and the minute of its end.
    for (Instant outside : List.of(Instant.parse("2026-12-05T10:59:00Z"), NOW)) {
      store.traffic().write("sampler-a", outside,
          List.of(server("frontend", "GET /", 0, latency(0, 1000)), server("checkout", "POST /checkout", 0, latency(0, 1000))),
          List.of(edge("frontend", "checkout", 0, latency(0, 1000), latency(0, 1000))))
          .toCompletableFuture().join();
      store.samplingCounts().write("sampler-a", outside, List.of(new RuleCounts("baseline", 1000, 1000)))
          .toCompletableFuture().join();
    }
    store.samplingCounts().write("sampler-a", m1110, List.of(new RuleCounts("errors", 5, 0), new RuleCounts("baseline", 3, 97)))
        .toCompletableFuture().join();
    store.samplingCounts().write("sampler-b", m1140, List.of(new RuleCounts("baseline", 1, 49)))
        .toCompletableFuture().join();
  }

  static void assertFigures(JsonObject json, long calls, long errors, Double rate, Double errorRate, Double p50, Double p95, Double p99) {
    assertThat(json.getLong("calls")).as("calls of %s", json).isEqualTo(calls);
    assertThat(json.getLong("errors")).as("errors of %s", json).isEqualTo(errors);
    assertThat(json.getDouble("ratePerSecond")).as("ratePerSecond of %s", json).isEqualTo(rate);
    assertThat(json.getDouble("errorRate")).as("errorRate of %s", json).isEqualTo(errorRate);
    assertThat(json.getDouble("p50Ms")).as("p50Ms of %s", json).isEqualTo(p50);
    assertThat(json.getDouble("p95Ms")).as("p95Ms of %s", json).isEqualTo(p95);
    assertThat(json.getDouble("p99Ms")).as("p99Ms of %s", json).isEqualTo(p99);
    for (String key : List.of("ratePerSecond", "errorRate", "p50Ms", "p95Ms", "p99Ms")) {
      assertThat(json.containsKey(key)).as("%s present (null or not) in %s", key, json).isTrue();
    }
  }

  private static void assertZeros(JsonObject json) {
    assertFigures(json, 0, 0, null, null, null, null, null);
  }

  private JsonObject ok(String path) {
    ApiServer.Response response = api.get(path);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.contentType()).isEqualTo("application/json; charset=utf-8");
    return response.json();
  }

  private static JsonObject named(JsonArray services, String service) {
    for (int i = 0; i < services.size(); i++) {
      if (services.getJsonObject(i).getString("service").equals(service)) {
        return services.getJsonObject(i);
      }
    }
    throw new AssertionError(service + " is not in " + services.encode());
  }

  private static List<String> strings(JsonArray array, String field) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      values.add(array.getJsonObject(i).getString(field));
    }
    return values;
  }

  @Test
  void theGraphOfTheLastHourMeasuresEachServiceByWhatItServed() {
    JsonObject graph = ok("/api/v1/traffic/graph");
    assertThat(graph.fieldNames()).containsExactly("start", "end", "services", "edges");
    assertThat(graph.getString("start")).isEqualTo("2026-12-05T11:00:00Z");
    assertThat(graph.getString("end")).isEqualTo("2026-12-05T12:00:00Z");

    JsonArray services = graph.getJsonArray("services");
    assertThat(strings(services, "service")).containsExactly("batch", "checkout", "cron", "frontend", "postgresql");
    assertThat(strings(services, "measuredBy")).containsExactly("spans", "server", "spans", "server", "edges");
    assertThat(services.getJsonObject(0).fieldNames()).containsExactly(
        "service", "calls", "errors", "ratePerSecond", "errorRate", "p50Ms", "p95Ms", "p99Ms", "measuredBy");
    // batch: only INTERNAL spans, 10 of 256–512 ms, one error.
    assertFigures(services.getJsonObject(0), 10, 1, 10 / HOUR, 0.1, 384.0, 499.2, 509.44);
    // checkout: its SERVER spans only (its 50 CLIENT spans to the database are not requests it served).
    assertFigures(services.getJsonObject(1), 50, 1, 50 / HOUR, 0.02, 12.0, 15.6, 15.92);
    assertFigures(services.getJsonObject(2), 6, 0, 6 / HOUR, 0.0, 1.0, 1.9, 1.98);
    // frontend: both nodes' minutes summed; the rows at 10:59 and 12:00 are outside the window.
    assertFigures(services.getJsonObject(3), 100, 2, 100 / HOUR, 0.02, 3.25, 56.0, 62.4);
    // postgresql sends no spans: the edges into it, with the durations its callers measured.
    assertFigures(services.getJsonObject(4), 50, 0, 50 / HOUR, 0.0, 1.0, 1.9, 1.98);

    JsonArray edges = graph.getJsonArray("edges");
    assertThat(strings(edges, "client")).containsExactly("checkout", "frontend");
    assertThat(strings(edges, "server")).containsExactly("postgresql", "checkout");
    assertThat(edges.getJsonObject(0).fieldNames()).containsExactly(
        "client", "server", "calls", "errors", "ratePerSecond", "errorRate", "p50Ms", "p95Ms", "p99Ms");
    assertFigures(edges.getJsonObject(0), 50, 0, 50 / HOUR, 0.0, 1.0, 1.9, 1.98);
    // The server latency: checkout's SERVER spans, 8–16 ms (the client saw 16–32 ms).
    assertFigures(edges.getJsonObject(1), 50, 1, 50 / HOUR, 0.02, 12.0, 15.6, 15.92);
  }

  @Test
  void theWindowIsTheWholeMinutesFromTheFirstAtOrAfterStartToTheFirstAtOrAfterEnd() {
    JsonObject both = ok("/api/v1/traffic/graph?start=2026-12-05T11:10:00Z&end=2026-12-05T11:40:00.001Z");
    assertThat(both.getString("start")).isEqualTo("2026-12-05T11:10:00Z");
    assertThat(both.getString("end")).isEqualTo("2026-12-05T11:41:00Z");
    assertFigures(named(both.getJsonArray("services"), "frontend"), 100, 2, 100 / (31 * 60.0), 0.02, 3.25, 56.0, 62.4);

    // 11:10:00.5 starts the window at 11:11; an end at exactly 11:40 leaves 11:40 out: nothing.
    JsonObject neither = ok("/api/v1/traffic/graph?start=2026-12-05T11:10:00.5Z&end=2026-12-05T11:40:00Z");
    assertThat(neither.getString("start")).isEqualTo("2026-12-05T11:11:00Z");
    assertThat(neither.getJsonArray("services")).isEmpty();
    assertThat(neither.getJsonArray("edges")).isEmpty();

    // Unix microseconds, as the search API takes them; only 11:40 in [11:40, 11:41).
    JsonObject micros = ok("/api/v1/traffic/graph?start=" + Instant.parse("2026-12-05T11:40:00Z").toEpochMilli() * 1000
        + "&end=" + Instant.parse("2026-12-05T11:41:00Z").toEpochMilli() * 1000);
    assertFigures(named(micros.getJsonArray("services"), "checkout"), 25, 0, 25 / 60.0, 0.0, 12.0, 15.6, 15.92);
  }

  @Test
  void anEmptyWindowHasNoRates() {
    JsonObject series = ok("/api/v1/traffic/series?service=checkout&start=2026-12-05T11:10:20Z&end=2026-12-05T11:10:40Z");
    assertThat(series.getString("start")).isEqualTo("2026-12-05T11:11:00Z");
    assertThat(series.getString("end")).isEqualTo("2026-12-05T11:11:00Z");
    assertThat(series.getJsonArray("points")).isEmpty();
    assertZeros(series.getJsonObject("totals"));
  }

  @Test
  void aSeriesHasEveryStepWithZerosWhereNothingWasCountedAndTheClustersDecisions() {
    JsonObject series = ok("/api/v1/traffic/series?service=checkout&step=10m");
    assertThat(series.fieldNames()).containsExactly(
        "service", "operation", "spanKind", "measuredBy", "start", "end", "stepSeconds", "totals", "points", "stored");
    assertThat(series.getString("service")).isEqualTo("checkout");
    assertThat(series.containsKey("operation")).isTrue();
    assertThat(series.getString("operation")).isNull();
    assertThat(series.getString("spanKind")).isNull();
    assertThat(series.getString("measuredBy")).isEqualTo("server");
    assertThat(series.getString("start")).isEqualTo("2026-12-05T11:00:00Z");
    assertThat(series.getString("end")).isEqualTo("2026-12-05T12:00:00Z");
    assertThat(series.getLong("stepSeconds")).isEqualTo(600);
    assertFigures(series.getJsonObject("totals"), 50, 1, 50 / HOUR, 0.02, 12.0, 15.6, 15.92);

    JsonArray points = series.getJsonArray("points");
    assertThat(strings(points, "start")).containsExactly(
        "2026-12-05T11:00:00Z", "2026-12-05T11:10:00Z", "2026-12-05T11:20:00Z",
        "2026-12-05T11:30:00Z", "2026-12-05T11:40:00Z", "2026-12-05T11:50:00Z");
    assertZeros(points.getJsonObject(0));
    assertFigures(points.getJsonObject(1), 25, 1, 25 / 600.0, 0.04, 12.0, 15.6, 15.92);
    assertZeros(points.getJsonObject(2));
    assertZeros(points.getJsonObject(3));
    assertFigures(points.getJsonObject(4), 25, 0, 25 / 600.0, 0.0, 12.0, 15.6, 15.92);
    assertZeros(points.getJsonObject(5));

    // Every rule's decisions in the window from both nodes, not those at 10:59 and 12:00.
    assertThat(series.getJsonObject("stored"))
        .isEqualTo(new JsonObject().put("tracesDecided", 155L).put("tracesKept", 9L));
  }

  @Test
  void theDefaultStepMakesAtMost120Steps() {
    JsonObject hour = ok("/api/v1/traffic/series?service=checkout");
    assertThat(hour.getLong("stepSeconds")).isEqualTo(60);
    assertThat(hour.getJsonArray("points")).hasSize(60);
    assertFigures(hour.getJsonArray("points").getJsonObject(10), 25, 1, 25 / 60.0, 0.04, 12.0, 15.6, 15.92);

    JsonObject sixHours = ok("/api/v1/traffic/series?service=checkout&start=2026-12-05T06:00:00Z");
    assertThat(sixHours.getLong("stepSeconds")).isEqualTo(180);
    assertThat(sixHours.getJsonArray("points")).hasSize(120);

    JsonObject day = ok("/api/v1/traffic/series?service=checkout&start=2026-12-04T12:00:00Z");
    assertThat(day.getLong("stepSeconds")).isEqualTo(720);
    assertThat(day.getJsonArray("points")).hasSize(120);
    // The day holds the 1 000 calls of 10:59 too (0–2 ms): p99 is the 39.5th of the 50 of 8–16 ms.
    assertFigures(day.getJsonObject("totals"), 1050, 1, 1050 / 86_400.0, 1 / 1050.0, 1.05, 1.995, 14.32);
  }

  @Test
  void theLastStepIsShorterAndItsRateIsOverItsOwnLength() {
    JsonObject series = ok("/api/v1/traffic/series?service=cron&step=25m");
    assertThat(series.getString("measuredBy")).isEqualTo("spans");
    JsonArray points = series.getJsonArray("points");
    assertThat(strings(points, "start")).containsExactly("2026-12-05T11:00:00Z", "2026-12-05T11:25:00Z", "2026-12-05T11:50:00Z");
    assertZeros(points.getJsonObject(0));
    assertZeros(points.getJsonObject(1));
    assertFigures(points.getJsonObject(2), 6, 0, 6 / 600.0, 0.0, 1.0, 1.9, 1.98);
    assertFigures(series.getJsonObject("totals"), 6, 0, 6 / HOUR, 0.0, 1.0, 1.9, 1.98);
  }

  @Test
  void aBatchJobIsMeasuredByAllItsSpansAndADatabaseByTheEdgesIntoIt() {
    JsonObject batch = ok("/api/v1/traffic/series?service=batch&step=1h");
    assertThat(batch.getString("measuredBy")).isEqualTo("spans");
    assertFigures(batch.getJsonObject("totals"), 10, 1, 10 / HOUR, 0.1, 384.0, 499.2, 509.44);

    JsonObject postgres = ok("/api/v1/traffic/series?service=postgresql&step=30m");
    assertThat(postgres.getString("measuredBy")).isEqualTo("edges");
    assertFigures(postgres.getJsonObject("totals"), 50, 0, 50 / HOUR, 0.0, 1.0, 1.9, 1.98);
    assertFigures(postgres.getJsonArray("points").getJsonObject(0), 25, 0, 25 / 1800.0, 0.0, 1.0, 1.9, 1.98);
    assertFigures(postgres.getJsonArray("points").getJsonObject(1), 25, 0, 25 / 1800.0, 0.0, 1.0, 1.9, 1.98);
  }

  @Test
  void anOperationCountsItsSpansOfAnyKindOrOfTheKindGiven() {
    JsonObject operation = ok("/api/v1/traffic/series?service=frontend&operation=GET%20/&step=1h");
    assertThat(operation.getString("operation")).isEqualTo("GET /");
    assertThat(operation.getString("measuredBy")).isEqualTo("spans");
    assertFigures(operation.getJsonObject("totals"), 100, 2, 100 / HOUR, 0.02, 3.25, 56.0, 62.4);

    JsonObject clients = ok("/api/v1/traffic/series?service=frontend&spanKind=CLIENT&step=1h");
    assertThat(clients.getString("spanKind")).isEqualTo("client");
    assertFigures(clients.getJsonObject("totals"), 50, 1, 50 / HOUR, 0.02, 24.0, 31.2, 31.84);

    JsonObject none = ok("/api/v1/traffic/series?service=frontend&operation=GET%20/&spanKind=client&step=1h");
    assertZeros(none.getJsonObject("totals"));
  }

  @Test
  void anUnknownServiceHasZerosEverywhere() {
    JsonObject series = ok("/api/v1/traffic/series?service=nobody&step=30m");
    assertThat(series.getString("measuredBy")).isEqualTo("server");
    assertZeros(series.getJsonObject("totals"));
    assertThat(series.getJsonArray("points")).hasSize(2);
    assertZeros(series.getJsonArray("points").getJsonObject(1));
    assertThat(ok("/api/v1/traffic/operations?service=nobody").getJsonArray("operations")).isEmpty();
  }

  @Test
  void operationsComeMostCallsFirstTiesByName() {
    JsonObject frontend = ok("/api/v1/traffic/operations?service=frontend");
    assertThat(frontend.fieldNames()).containsExactly("service", "start", "end", "operations");
    JsonArray operations = frontend.getJsonArray("operations");
    assertThat(strings(operations, "spanName")).containsExactly("GET /", "POST /checkout");
    assertThat(strings(operations, "spanKind")).containsExactly("server", "client");
    assertThat(operations.getJsonObject(0).fieldNames()).containsExactly(
        "spanName", "spanKind", "calls", "errors", "ratePerSecond", "errorRate", "p50Ms", "p95Ms", "p99Ms");
    assertFigures(operations.getJsonObject(0), 100, 2, 100 / HOUR, 0.02, 3.25, 56.0, 62.4);
    assertFigures(operations.getJsonObject(1), 50, 1, 50 / HOUR, 0.02, 24.0, 31.2, 31.84);

    JsonArray checkout = ok("/api/v1/traffic/operations?service=checkout").getJsonArray("operations");
    assertThat(strings(checkout, "spanName")).containsExactly("INSERT orders", "POST /checkout");
  }
}
