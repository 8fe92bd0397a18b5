package io.tailkeep.ui.jaeger;

import static io.tailkeep.ui.jaeger.JaegerApiTest.assertError;
import static io.tailkeep.ui.testing.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.query.QueryApiOptions;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.StoreBusyException;
import io.tailkeep.store.memory.InMemorySpanStore;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.LatencyHistogram;
import io.tailkeep.store.traffic.OperationCalls;
import io.tailkeep.store.traffic.ServiceCalls;
import io.tailkeep.store.traffic.Step;
import io.tailkeep.store.traffic.StepWindow;
import io.tailkeep.store.traffic.TrafficCounts;
import io.tailkeep.ui.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Jaeger's {@code /api/dependencies} on the in-memory store's traffic counts (and Cassandra's:
 * {@link JaegerDependenciesOnCassandraTest}), read as Grafana's
 * Jaeger data source reads it (grafana/grafana {@code pkg/tsdb/jaeger}: {@code client.go}
 * {@code Dependencies}, {@code querydata.go} {@code transformDependenciesResponse}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JaegerDependenciesTest {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final QueryApiOptions OPTIONS = QueryApiOptions.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

  private SpanStore store;
  private TestServer server;

  /** The store whose traffic counts are read. */
  SpanStore open() {
    return InMemorySpanStore.builder().build();
  }

  private static LatencyHistogram latency(int bucket, long n) {
    long[] counts = new long[LatencyHistogram.BUCKETS];
    counts[bucket] = n;
    return new LatencyHistogram(counts, n * 1_000);
  }

  private static EdgeCalls edge(String client, String server, long requests) {
    return new EdgeCalls(client, server, 0, latency(4, requests), latency(3, requests));
  }

  private void write(String node, String minute, List<EdgeCalls> edges) {
    store.traffic()
        .write(node, Instant.parse(minute),
            List.of(new OperationCalls("frontend", "GET /", SpanKind.SPAN_KIND_SERVER, new CallCounts(0, latency(1, 1)))),
            edges)
        .toCompletableFuture().join();
  }

  @BeforeAll
  void start() {
    store = open();
    write("sampler-a", "2026-12-05T11:10:00Z", List.of(edge("frontend", "checkout", 30), edge("checkout", "postgresql", 40)));
    write("sampler-b", "2026-12-05T11:40:00Z", List.of(edge("frontend", "checkout", 20), edge("checkout", "postgresql", 10)));
    // 23 hours ago: inside Jaeger's default lookback of a day, outside the last hour.
    write("sampler-a", "2026-12-04T13:00:00Z", List.of(edge("batch", "postgresql", 7)));
    // 25 hours ago: outside both.
    write("sampler-a", "2026-12-04T11:00:00Z", List.of(edge("cron", "checkout", 1000)));
    server = TestServer.start(router -> JaegerDependencies.mount(router, store.traffic(), OPTIONS));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  /** What Grafana's data source makes of the answer: node graph frames. */
  private record NodeGraph(List<String> nodes, List<String> edgeIds, List<String> sources, List<String> targets, List<Long> mainStats) {}

  /**
   * Asks as Grafana does for a panel's time range (endTs = the range's end in Unix milliseconds,
   * lookback = end − start in milliseconds) and reads the answer as its backend does: a non-2xx
   * status is an error; the body decodes into {@code {data: [{parent, child, callCount int}],
   * errors: [{code, msg}]}}; any error fails the query; nodes are the sorted distinct parents and
   * children, edges {@code parent--child} with {@code callCount} as the main stat.
   */
  private NodeGraph grafanaDependencyGraph(Instant from, Instant to) {
    long end = to.toEpochMilli();
    long start = from.toEpochMilli();
    HttpResponse<Buffer> response =
        server.get("/api/dependencies", "endTs", Long.toString(end), "lookback", Long.toString(end - start));
    assertThat(response.statusCode() / 100).as(response.bodyAsString()).isEqualTo(2);
    JsonObject body = response.bodyAsJsonObject();
    // The older, browser-side data source tested `if (errors)`: an empty list would have been an error.
    assertThat(body.containsKey("errors")).isTrue();
    assertThat(body.getValue("errors")).isNull();
    JsonArray data = body.getJsonArray("data");
    TreeSet<String> nodes = new TreeSet<>();
    List<String> ids = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    List<Long> mainStats = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      JsonObject dependency = data.getJsonObject(i);
      String parent = dependency.getString("parent");
      String child = dependency.getString("child");
      // Go's json decodes callCount into an int: it must be a whole JSON number.
      Object callCount = dependency.getValue("callCount");
      assertThat(callCount).isInstanceOfAny(Integer.class, Long.class);
      nodes.add(parent);
      nodes.add(child);
      ids.add(parent + "--" + child);
      sources.add(parent);
      targets.add(child);
      mainStats.add(((Number) callCount).longValue());
    }
    return new NodeGraph(List.copyOf(nodes), ids, sources, targets, mainStats);
  }

  @Test
  void grafanasDependencyGraphOfTheLastHour() {
    NodeGraph graph = grafanaDependencyGraph(NOW.minus(Duration.ofHours(1)), NOW);
    assertThat(graph.nodes()).containsExactly("checkout", "frontend", "postgresql");
    assertThat(graph.edgeIds()).containsExactly("checkout--postgresql", "frontend--checkout");
    assertThat(graph.sources()).containsExactly("checkout", "frontend");
    assertThat(graph.targets()).containsExactly("postgresql", "checkout");
    // Both sampler nodes' minutes summed.
    assertThat(graph.mainStats()).containsExactly(50L, 50L);
  }

  @Test
  void grafanasDependencyGraphOfTwoDaysHasTheOlderEdgesToo() {
    NodeGraph graph = grafanaDependencyGraph(NOW.minus(Duration.ofDays(2)), NOW);
    assertThat(graph.nodes()).containsExactly("batch", "checkout", "cron", "frontend", "postgresql");
    assertThat(graph.edgeIds())
        .containsExactly("batch--postgresql", "checkout--postgresql", "cron--checkout", "frontend--checkout");
    assertThat(graph.mainStats()).containsExactly(7L, 50L, 1000L, 50L);
  }

  @Test
  void theAnswerIsJaegersEnvelopeWithItsDependencyLinks() {
    JsonObject body = json(server.get("/api/dependencies", "endTs", Long.toString(NOW.toEpochMilli()), "lookback", "3600000"), 200);
    assertThat(body.fieldNames()).containsExactly("data", "total", "limit", "offset", "errors");
    assertThat(body).isEqualTo(new JsonObject(
        "{\"data\":[{\"parent\":\"checkout\",\"child\":\"postgresql\",\"callCount\":50},"
            + "{\"parent\":\"frontend\",\"child\":\"checkout\",\"callCount\":50}],"
            + "\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}"));
    assertThat(body.getJsonArray("data").getJsonObject(0).fieldNames()).containsExactly("parent", "child", "callCount");
  }

  @Test
  void withoutParametersItIsTheLastDayUpToNowAsInJaeger() {
    JsonArray data = json(server.get("/api/dependencies"), 200).getJsonArray("data");
    assertThat(data.stream().map(o -> ((JsonObject) o).getString("parent") + "->" + ((JsonObject) o).getString("child")))
        .containsExactly("batch->postgresql", "checkout->postgresql", "frontend->checkout");
  }

  @Test
  void theWindowIsWholeMinutesFromTheFirstAtOrAfterItsStart() {
    // endTs 11:40:00.001 and a lookback of 30 minutes: minutes 11:11 to 11:40, so only sampler-b's.
    long endTs = Instant.parse("2026-12-05T11:40:00.001Z").toEpochMilli();
    JsonArray data = json(server.get("/api/dependencies", "endTs", Long.toString(endTs), "lookback", "1800000"), 200)
        .getJsonArray("data");
    assertThat(data).isEqualTo(new JsonArray(
        "[{\"parent\":\"checkout\",\"child\":\"postgresql\",\"callCount\":10},"
            + "{\"parent\":\"frontend\",\"child\":\"checkout\",\"callCount\":20}]"));
    JsonArray none = json(server.get("/api/dependencies", "endTs", Long.toString(endTs), "lookback", "0"), 200)
        .getJsonArray("data");
    assertThat(none).isEmpty();
  }

  @Test
  void serviceKeepsTheLinksFromOrToItAsJaegerFilters() {
    JsonArray data = json(server.get("/api/dependencies", "service", "postgresql"), 200).getJsonArray("data");
    assertThat(data.stream().map(o -> ((JsonObject) o).getString("parent"))).containsExactly("batch", "checkout");
    JsonArray checkout = json(server.get("/api/dependencies", "service", "checkout", "lookback", "3600000"), 200)
        .getJsonArray("data");
    assertThat(checkout).hasSize(2);
  }

  @Test
  void prettyPrintIndents() {
    HttpResponse<Buffer> response = server.get("/api/dependencies", "lookback", "3600000", "prettyPrint", "true");
    assertThat(response.bodyAsString()).contains("\n  \"data\" : [");
    assertThat(json(response, 200).getJsonArray("data")).hasSize(2);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "endTs | yesterday | invalid parameter 'endTs': 'yesterday' is not a time: expected milliseconds since the Unix epoch",
        "endTs | 1.5e12 | invalid parameter 'endTs': '1.5e12' is not a time",
        "endTs | -5 | invalid parameter 'endTs': '-5' is not a time from 1970 to the year 9999",
        "endTs | 9223372036854775807 | invalid parameter 'endTs': '9223372036854775807' is not a time from 1970 to the year 9999",
        "endTs | 1000 | invalid parameter 'endTs': '1000' is less than the default lookback (24 h) after 1970",
        "lookback | 1h | invalid parameter 'lookback': '1h' is not a duration: expected milliseconds",
        "lookback | -1 | invalid parameter 'lookback': '-1' is negative",
        "lookback | 2678400001 | invalid parameter 'lookback': '2678400001' is longer than 31 days (2678400000 ms)",
        "lookback | 99999999999999999999 | invalid parameter 'lookback': '99999999999999999999' is not a duration",
      })
  void badParametersAre400InJaegersEnvelope(String parameter, String value, String message) {
    assertError(server.get("/api/dependencies", parameter, value), 400, message);
  }

  @Test
  void aLookbackReachingBefore1970Is400() {
    assertError(server.get("/api/dependencies", "endTs", "60000", "lookback", "120000"), 400,
        "invalid parameter 'lookback': '120000' reaches before 1970 from endTs 60000");
  }

  @Test
  void theLongestLookbackIsAnswered() {
    json(server.get("/api/dependencies", "lookback", Long.toString(Duration.ofDays(31).toMillis())), 200);
  }

  @Test
  void aFailingStoreIs503AndABusyOneSaysWhenToRetry() {
    try (TestServer failing = TestServer.start(router -> JaegerDependencies.mount(router,
        new EdgesAnswer(() -> CompletableFuture.failedFuture(new IllegalStateException("Session is closed"))), OPTIONS))) {
      assertError(failing.get("/api/dependencies"), 503, "span store unavailable; try again later");
    }
    try (TestServer throwing = TestServer.start(router -> JaegerDependencies.mount(router,
        new EdgesAnswer(() -> { throw new IllegalStateException("Session is closed"); }), OPTIONS))) {
      assertError(throwing.get("/api/dependencies"), 503, "span store unavailable; try again later");
    }
    try (TestServer busy = TestServer.start(router -> JaegerDependencies.mount(router,
        new EdgesAnswer(() -> CompletableFuture.failedFuture(new StoreBusyException("10000 reads waiting"))), OPTIONS))) {
      HttpResponse<Buffer> response = busy.get("/api/dependencies");
      assertError(response, 503, "span store busy: too many reads under way; try again in 1 s");
      assertThat(response.getHeader("Retry-After")).isEqualTo("1");
    }
  }

  @Test
  void aStoreThatNeverAnswersIs503AfterTheStorageTimeoutAndItsReadIsCancelled() {
    QueryApiOptions options = QueryApiOptions.builder().clock(OPTIONS.clock()).storageTimeout(Duration.ofMillis(200)).build();
    List<CompletableFuture<?>> handedOut = new CopyOnWriteArrayList<>();
    Supplier<CompletableFuture<List<Step<EdgeCalls>>>> hang = () -> {
      CompletableFuture<List<Step<EdgeCalls>>> never = new CompletableFuture<>();
      handedOut.add(never);
      return never;
    };
    try (TestServer hanging = TestServer.start(router -> JaegerDependencies.mount(router, new EdgesAnswer(hang), options))) {
      HttpResponse<Buffer> response = hanging.get("/api/dependencies");
      assertError(response, 503, "the span store did not answer within 200ms;"); // not rounded to whole seconds
      assertThat(response.getHeader("Retry-After")).isNull();
    }
    assertThat(handedOut).hasSize(1).allSatisfy(read -> assertThat(read).isCancelled());
  }

  /** Traffic counts whose edges answer what {@code reply} gives; nothing else is read. */
  private record EdgesAnswer(Supplier<CompletableFuture<List<Step<EdgeCalls>>>> reply) implements TrafficCounts {
    @Override
    public CompletionStage<Void> write(String node, Instant minute, List<OperationCalls> operations, List<EdgeCalls> edges) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<List<Step<OperationCalls>>> operations(String service, StepWindow window) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<List<Step<ServiceCalls>>> services(StepWindow window) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<List<Step<EdgeCalls>>> edges(StepWindow window) {
      return reply.get();
    }
  }
}
