package io.tailkeep.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import io.tailkeep.store.RuleCounts;
import io.tailkeep.store.SamplingCounts;
import io.tailkeep.store.StoreBusyException;
import io.tailkeep.store.memory.InMemorySpanStore;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.OperationCalls;
import io.tailkeep.store.traffic.ServiceCalls;
import io.tailkeep.store.traffic.Step;
import io.tailkeep.store.traffic.StepWindow;
import io.tailkeep.store.traffic.TrafficCounts;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
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

/** Every error of the traffic API over HTTP: each bad parameter a 400 naming it, the store failing a 503. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrafficApiErrorsTest {
  static final List<String> EVERY_ENDPOINT =
      List.of("/api/v1/traffic/graph", "/api/v1/traffic/series?service=checkout", "/api/v1/traffic/operations?service=checkout");
  private static final QueryApiOptions OPTIONS =
      QueryApiOptions.builder().clock(Clock.fixed(TrafficApiTest.NOW, ZoneOffset.UTC)).build();

  private final InMemorySpanStore store = InMemorySpanStore.builder().build();
  private ApiServer api;

  @BeforeAll
  void start() {
    api = new ApiServer(router -> TrafficApi.mount(router, store.traffic(), store.samplingCounts(), OPTIONS));
  }

  @AfterAll
  void stop() {
    api.close();
    store.close();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/api/v1/traffic/series | service | | service is required",
        "/api/v1/traffic/series?service= | service | | service is required",
        "/api/v1/traffic/operations | service | | service is required",
        "/api/v1/traffic/series?service=a&service=b | service | a,b | service is given 2 times; give it once",
        "/api/v1/traffic/series?service=a&step=fast | step | fast | step must be a duration like 250ms, 1.5s or 2m, got 'fast'",
        "/api/v1/traffic/series?service=a&step=90s | step | 90s | step must be a whole number of minutes such as 1m, 5m or 1h, got '90s'",
        "/api/v1/traffic/series?service=a&step=30s | step | 30s | step must be a whole number of minutes",
        "/api/v1/traffic/series?service=a&step=0 | step | 0 | step must be a whole number of minutes",
        "/api/v1/traffic/series?service=a&step=-5m | step | -5m | step must not be negative, got '-5m'",
        "/api/v1/traffic/series?service=a&step=1m&step=5m | step | 1m,5m | step is given 2 times",
        "/api/v1/traffic/series?service=a&step=1m&start=2026-12-03T12:00:00Z | step | 1m | step 1m cuts the window of 2880 minutes into 2880 steps; at most 1440 are answered: ask for a longer step or a shorter window",
        "/api/v1/traffic/series?service=a&spanKind=sideways | spanKind | sideways | spanKind must be one of server, client, producer, consumer, internal, unspecified, got 'sideways'",
        "/api/v1/traffic/graph?start=yesterday | start | yesterday | start must be an RFC 3339 time like 2025-03-01T12:00:00Z or Unix microseconds, got 'yesterday'",
        "/api/v1/traffic/operations?service=a&end=2025-02-30T00:00:00Z | end | 2025-02-30T00:00:00Z | end must be an RFC 3339 time",
        "/api/v1/traffic/graph?start=2026-12-05T11:00:00Z&end=2026-12-05T10:00:00Z | start | 2026-12-05T11:00:00Z | start 2026-12-05T11:00:00Z is after end 2026-12-05T10:00:00Z",
        "/api/v1/traffic/series?service=a&start=2026-12-05T13:00:00Z | start | 2026-12-05T13:00:00Z | start 2026-12-05T13:00:00Z is after now (2026-12-05T12:00:00Z), the default end",
        "/api/v1/traffic/graph?start=1969-12-31T23:00:00Z&end=1970-01-01T01:00:00Z | start | 1969-12-31T23:00:00Z | start must not be before 1970-01-01T00:00:00Z: traffic is counted in Unix minutes",
        "/api/v1/traffic/graph?end=1969-12-31T23:00:00Z | end | 1969-12-31T23:00:00Z | end must not be before 1970-01-01T00:00:00Z",
        "/api/v1/traffic/graph?start=2026-11-01T00:00:00Z | start | 2026-11-01T00:00:00Z | the window from start 2026-11-01T00:00:00Z to end 2026-12-05T12:00:00Z is longer than 31 days, the longest traffic is summed over",
        "/api/v1/traffic/operations?service=a&end=2026-01-01T00:00:00Z&start=2025-01-01T00:00:00Z | start | 2025-01-01T00:00:00Z | the window from start",
      })
  void badInputIs400NamingTheParameterAndTheValue(String path, String parameter, String value, String message) {
    ApiServer.Response response = api.get(path.replace(" ", "%20"));
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.contentType()).isEqualTo("application/json; charset=utf-8");
    JsonObject error = response.error();
    assertThat(error.getInteger("status")).isEqualTo(400);
    assertThat(error.getString("parameter")).isEqualTo(parameter);
    assertThat(error.containsKey("value")).isTrue();
    assertThat(error.getString("value")).isEqualTo(value);
    assertThat(error.getString("message")).startsWith(message);
  }

  @Test
  void theLongestStepCountAndWindowAreAnswered() {
    // A day in 1-minute steps is StepWindow.MAX_STEPS exactly; 31 days is SamplingCounts.MAX_WINDOW.
    ApiServer.Response day = api.get("/api/v1/traffic/series?service=a&step=1m&start=2026-12-04T12:00:00Z");
    assertThat(day.status()).as(day.body()).isEqualTo(200);
    assertThat(day.json().getJsonArray("points")).hasSize(StepWindow.MAX_STEPS);
    ApiServer.Response month = api.get("/api/v1/traffic/graph?start=2026-11-04T12:00:00Z");
    assertThat(month.status()).as(month.body()).isEqualTo(200);
  }

  @ParameterizedTest
  @CsvSource({
    "/api/v1/traffic/series?service=%zz",
    "/api/v1/traffic/graph?start=%",
    "/api/v1/traffic/graph?end=99999999999999999999999999",
    "/api/v1/traffic/series?service=a&step=99999999999999999999h",
  })
  void malformedInputIsNeverA500(String path) {
    ApiServer.Response response = api.getRaw(path);
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.error().getInteger("status")).isEqualTo(400);
  }

  @Test
  void aFailedStoreFutureIs503OnEveryEndpoint() {
    Supplier<CompletableFuture<?>> failed = () -> CompletableFuture.failedFuture(AllNodesFailedException.fromErrors(List.of()));
    try (ApiServer failing = serve(new FailingTraffic(failed), new FailingSamplingCounts(failed), OPTIONS)) {
      for (String path : EVERY_ENDPOINT) {
        assertStorageUnavailable(failing.get(path), path);
      }
    }
  }

  @Test
  void aStoreThatThrowsAtTheCallIs503() {
    Supplier<CompletableFuture<?>> throwing = () -> {
      throw new IllegalStateException("Session is closed");
    };
    try (ApiServer failing = serve(new FailingTraffic(throwing), new FailingSamplingCounts(throwing), OPTIONS)) {
      for (String path : EVERY_ENDPOINT) {
        assertStorageUnavailable(failing.get(path), path);
      }
    }
  }

  @Test
  void failingSamplingCountsAloneFailTheSeries() {
    Supplier<CompletableFuture<?>> failed = () -> CompletableFuture.failedFuture(new IllegalStateException("closed"));
    try (ApiServer failing = serve(store.traffic(), new FailingSamplingCounts(failed), OPTIONS)) {
      assertStorageUnavailable(failing.get("/api/v1/traffic/series?service=checkout"), "series");
      assertThat(failing.get("/api/v1/traffic/graph").status()).isEqualTo(200);
    }
  }

  @Test
  void aClosedStoreIs503() {
    InMemorySpanStore closed = InMemorySpanStore.builder().build();
    closed.close();
    try (ApiServer server = serve(closed.traffic(), closed.samplingCounts(), OPTIONS)) {
      for (String path : EVERY_ENDPOINT) {
        assertStorageUnavailable(server.get(path), path);
      }
    }
  }

  @Test
  void aBusyStoreIs503WithRetryAfter() {
    Supplier<CompletableFuture<?>> busy =
        () -> CompletableFuture.failedFuture(new StoreBusyException("the span store has 10000 reads waiting"));
    QueryApiOptions options = QueryApiOptions.builder().clock(OPTIONS.clock()).retryAfter(Duration.ofSeconds(3)).build();
    try (ApiServer saturated = serve(new FailingTraffic(busy), new FailingSamplingCounts(busy), options)) {
      for (String path : EVERY_ENDPOINT) {
        ApiServer.Response response = saturated.get(path);
        assertThat(response.status()).as(path).isEqualTo(503);
        assertThat(response.retryAfter()).as(path).isEqualTo("3");
        assertThat(response.error().getString("message"))
            .isEqualTo("the span store has too many reads under way; try again in 3 s");
      }
    }
  }

  @Test
  void aStoreThatNeverAnswersIs503AfterTheStorageTimeoutAndItsCallsAreCancelled() {
    QueryApiOptions options = QueryApiOptions.builder().clock(OPTIONS.clock()).storageTimeout(Duration.ofMillis(200)).build();
    List<CompletableFuture<?>> handedOut = new CopyOnWriteArrayList<>();
    Supplier<CompletableFuture<?>> hang = () -> {
      CompletableFuture<?> never = new CompletableFuture<>();
      handedOut.add(never);
      return never;
    };
    try (ApiServer hanging = serve(new FailingTraffic(hang), new FailingSamplingCounts(hang), options)) {
      for (String path : EVERY_ENDPOINT) {
        ApiServer.Response response = hanging.get(path);
        assertThat(response.status()).as(path).isEqualTo(503);
        assertThat(response.retryAfter()).isNull();
        assertThat(response.error().getString("message")).startsWith("the span store did not answer within 200ms");
      }
    }
    assertThat(handedOut).hasSizeGreaterThanOrEqualTo(EVERY_ENDPOINT.size())
        .allSatisfy(call -> assertThat(call).isCancelled());
  }

  @Test
  void aServiceTheStoreRefusesIs400NamingService() {
    Supplier<CompletableFuture<?>> refuse = () -> {
      throw new IllegalArgumentException("service must be at most 1024 characters");
    };
    try (ApiServer refusing = serve(new FailingTraffic(refuse), store.samplingCounts(), OPTIONS)) {
      ApiServer.Response response = refusing.get("/api/v1/traffic/operations?service=checkout");
      assertThat(response.status()).as(response.body()).isEqualTo(400);
      assertThat(response.error().getString("parameter")).isEqualTo("service");
      assertThat(response.error().getString("value")).isEqualTo("checkout");
      assertThat(response.error().getString("message")).isEqualTo("service: service must be at most 1024 characters");
    }
  }

  private static ApiServer serve(TrafficCounts traffic, SamplingCounts samplingCounts, QueryApiOptions options) {
    return new ApiServer(router -> TrafficApi.mount(router, traffic, samplingCounts, options));
  }

  private static void assertStorageUnavailable(ApiServer.Response response, String path) {
    assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(503);
    assertThat(response.contentType()).isEqualTo("application/json; charset=utf-8");
    assertThat(response.json())
        .isEqualTo(new JsonObject().put("error", new JsonObject().put("status", 503).put("message", "storage unavailable")));
  }

  /** Every read answers with what {@code answer} gives: a failed or never-completed stage, or a throw. */
  private record FailingTraffic(Supplier<CompletableFuture<?>> reply) implements TrafficCounts {
    @SuppressWarnings("unchecked")
    private <T> CompletionStage<T> answer() {
      return (CompletionStage<T>) reply.get();
    }

    @Override
    public CompletionStage<Void> write(String node, Instant minute, List<OperationCalls> operations, List<EdgeCalls> edges) {
      return answer();
    }

    @Override
    public CompletionStage<List<Step<OperationCalls>>> operations(String service, StepWindow window) {
      return answer();
    }

    @Override
    public CompletionStage<List<Step<ServiceCalls>>> services(StepWindow window) {
      return answer();
    }

    @Override
    public CompletionStage<List<Step<EdgeCalls>>> edges(StepWindow window) {
      return answer();
    }
  }

  private record FailingSamplingCounts(Supplier<CompletableFuture<?>> reply) implements SamplingCounts {
    @SuppressWarnings("unchecked")
    private <T> CompletionStage<T> answer() {
      return (CompletionStage<T>) reply.get();
    }

    @Override
    public CompletionStage<Void> write(String node, Instant minute, List<RuleCounts> counts) {
      return answer();
    }

    @Override
    public CompletionStage<List<RuleCounts>> read(Instant from, Instant to) {
      return answer();
    }
  }
}
