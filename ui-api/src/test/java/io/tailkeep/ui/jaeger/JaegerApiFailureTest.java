package io.tailkeep.ui.jaeger;

import static io.tailkeep.ui.jaeger.JaegerApiTest.assertError;
import static io.tailkeep.ui.testing.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import io.tailkeep.store.Operation;
import io.tailkeep.store.SpanReader;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.ui.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Failures without Cassandra: a span reader that fails, and input meant to break the API. */
class JaegerApiFailureTest {

  /** One server for the many malformed requests: starting one per request costs seconds. */
  private static TestServer emptyStoreServer;

  @BeforeAll
  static void startEmptyStoreServer() {
    emptyStoreServer = TestServer.start(router -> JaegerApi.mount(router, new EmptyReader()));
  }

  @AfterAll
  static void stopEmptyStoreServer() {
    emptyStoreServer.close();
  }

  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final List<String> EVERY_ENDPOINT =
      List.of(
          "/api/services",
          "/api/services/checkout/operations",
          "/api/operations?service=checkout",
          "/api/traces?service=checkout",
          "/api/traces?traceID=" + TRACE,
          "/api/traces/" + TRACE);

  @Test
  void failedStoreFuturesAre503WithoutAStackTrace() {
    SpanReader failing =
        reader(() -> CompletableFuture.failedFuture(AllNodesFailedException.fromErrors(Map.of())));
    try (TestServer server = TestServer.start(router -> JaegerApi.mount(router, failing))) {
      for (String path : EVERY_ENDPOINT) {
        assertError(server.getRaw(path), 503, "span store unavailable; try again later");
      }
      HttpResponse<Buffer> v3 = server.getRaw("/api/v3/traces/" + TRACE);
      assertThat(json(v3, 503).getJsonObject("error").getString("message"))
          .isEqualTo("span store unavailable; try again later");
    }
  }

  @Test
  void aStoreThatThrowsInsteadOfFailingIs503Too() {
    SpanReader throwing =
        reader(
            () -> {
              throw new IllegalStateException("Session is closed");
            });
    try (TestServer server = TestServer.start(router -> JaegerApi.mount(router, throwing))) {
      for (String path : EVERY_ENDPOINT) {
        assertError(server.getRaw(path), 503, "span store unavailable");
      }
    }
  }

  @Test
  void inputTheStoreRefusesAtTheCallIs400WithItsMessage() {
    SpanReader refusing =
        reader(
            () -> {
              throw new IllegalArgumentException(
                  "tags: key 'x' is not indexed; indexed keys are [a]");
            });
    try (TestServer server = TestServer.start(router -> JaegerApi.mount(router, refusing))) {
      assertError(
          server.get("/api/traces", "tags", "{\"x\":\"1\"}"), 400, "tags: key 'x' is not indexed");
    }
  }

  @Test
  void aSearchFailingHalfwayIs503() {
    // Summaries come back, then reading one of the traces fails.
    SpanReader reader =
        new EmptyReader() {
          @Override
          public CompletionStage<List<TraceSummary>> findTraces(TraceQuery query) {
            TraceSummary summary =
                new TraceSummary(
                    TraceId.fromHex(TRACE), "s", "op", true, 0, 0, 1, 0, Set.of("s"), null);
            return CompletableFuture.completedFuture(List.of(summary));
          }

          @Override
          public CompletionStage<Optional<Trace>> getTrace(TraceId traceId) {
            return CompletableFuture.failedFuture(new RuntimeException("read timed out"));
          }
        };
    try (TestServer server = TestServer.start(router -> JaegerApi.mount(router, reader))) {
      assertError(server.get("/api/traces", "service", "s"), 503, "span store unavailable");
    }
  }

  @Test
  void emptyAnswersAreEmptyArrays() {
    TestServer server = emptyStoreServer;
    assertThat(json(server.get("/api/services"), 200).getJsonArray("data")).isEmpty();
    assertThat(json(server.get("/api/traces"), 200).getJsonArray("data")).isEmpty();
    assertThat(json(server.get("/api/operations", "service", "x"), 200).getJsonArray("data"))
        .isEmpty();
    assertError(server.get("/api/traces/" + TRACE), 404, "trace not found");
  }

  /** Whatever a user types, the answer is never a 500: malformed, hostile and absurd requests. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/api/traces?limit=%",
        "/api/traces?start=%zz",
        "/api/traces?tags=%7B",
        "/api/traces?tags=%5B%5D",
        "/api/traces?tags=null",
        "/api/traces?tags=%7B%22a%22:%5B1%5D%7D",
        "/api/traces?tag=",
        "/api/traces?tag=:",
        "/api/traces?tag=:v",
        "/api/traces?minDuration=1e9s",
        "/api/traces?minDuration=99999999999999999999h",
        "/api/traces?maxDuration=-1s",
        "/api/traces?minDuration=NaN",
        "/api/traces?traceID=",
        "/api/traces?traceID=g",
        "/api/traces?traceID=0",
        "/api/traces?start=9223372036854775807",
        "/api/traces?limit=2147483648",
        "/api/traces?limit=-2147483648",
        "/api/traces?lookback=999999999h",
        "/api/traces?operation=x",
        "/api/operations",
        "/api/operations?service=",
        "/api/operations?service=a&spanKind=x",
        "/api/services/%20/operations",
        "/api/services/%zz/operations",
        "/api/traces/%zz",
        "/api/traces/%00",
        "/api/traces/-1",
        "/api/traces/0x1",
        "/api/v3/traces/xyz",
        "/api/v3/traces/00000000000000000000000000000000",
      })
  void userInputNeverYieldsA500(String uri) {
    HttpResponse<Buffer> response = emptyStoreServer.getRaw(uri);
    assertThat(response.statusCode()).as(uri + " -> " + response.bodyAsString()).isBetween(400, 499);
    assertThat(response.bodyAsString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void absurdButValidWindowsAreAnsweredWithTheEndCut() {
    List<TraceQuery> asked = new CopyOnWriteArrayList<>();
    SpanReader recording =
        new EmptyReader() {
          @Override
          public CompletionStage<List<TraceSummary>> findTraces(TraceQuery query) {
            asked.add(query);
            return super.findTraces(query);
          }
        };
    Instant now = Instant.parse("2025-03-01T12:00:00Z");
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    try (TestServer server =
        TestServer.start(router -> JaegerApi.mount(router, recording, clock))) {
      json(server.getRaw("/api/traces?start=-9223372036854775808&end=9223372036854775807"), 200);
      json(server.getRaw("/api/traces?end=-9223372036854775808"), 200);
    }
    assertThat(asked)
        .extracting(TraceQuery::end)
        .containsExactly(
            now.plus(Duration.ofDays(1)),
            Instant.EPOCH.plus(Long.MIN_VALUE, ChronoUnit.MICROS));
  }

  @Test
  void aLongServiceNameIsRefusedNotFailed() {
    assertError(
        emptyStoreServer.get("/api/traces", "service", "s".repeat(2000)),
        400,
        "service is longer than 1024");
  }

  /** A reader where every call does what {@code call} does. */
  @SuppressWarnings("unchecked")
  private static SpanReader reader(Supplier<CompletionStage<?>> call) {
    return new SpanReader() {
      @Override
      public CompletionStage<Optional<Trace>> getTrace(TraceId traceId) {
        return (CompletionStage<Optional<Trace>>) call.get();
      }

      @Override
      public CompletionStage<List<TraceSummary>> findTraces(TraceQuery query) {
        return (CompletionStage<List<TraceSummary>>) call.get();
      }

      @Override
      public CompletionStage<List<TraceSummary>> getSummaries(Collection<TraceId> traceIds) {
        return (CompletionStage<List<TraceSummary>>) call.get();
      }

      @Override
      public CompletionStage<List<String>> getServices() {
        return (CompletionStage<List<String>>) call.get();
      }

      @Override
      public CompletionStage<List<Operation>> getOperations(String service) {
        return (CompletionStage<List<Operation>>) call.get();
      }
    };
  }

  /** A store with nothing in it; refuses a blank service as the real one does. */
  private static class EmptyReader implements SpanReader {
    @Override
    public CompletionStage<Optional<Trace>> getTrace(TraceId traceId) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletionStage<List<TraceSummary>> findTraces(TraceQuery query) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<List<TraceSummary>> getSummaries(Collection<TraceId> traceIds) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<List<String>> getServices() {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<List<Operation>> getOperations(String service) {
      if (service == null || service.isBlank()) {
        throw new IllegalArgumentException("service must not be blank");
      }
      return CompletableFuture.completedFuture(List.of());
    }
  }
}
