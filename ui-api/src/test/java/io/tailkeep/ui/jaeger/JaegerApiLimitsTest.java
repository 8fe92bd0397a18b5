package io.tailkeep.ui.jaeger;

import static io.tailkeep.store.testing.TestSpans.nanos;
import static io.tailkeep.ui.jaeger.JaegerApiTest.assertError;
import static io.tailkeep.ui.testing.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.query.QueryApiOptions;
import io.tailkeep.store.FoundTraces;
import io.tailkeep.store.Operation;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanReader;
import io.tailkeep.store.StoreBusyException;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.store.memory.InMemorySpanStore;
import io.tailkeep.store.testing.TestSpans;
import io.tailkeep.ui.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The Jaeger API's bounds: the search limit, the span cap, a busy store, a store that hangs. */
class JaegerApiLimitsTest {
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
  void aSearchLimitAboveTheMaximumIs400NamingLimitAndTheMaximum() {
    try (InMemorySpanStore store = InMemorySpanStore.builder().build();
        TestServer server = TestServer.start(router -> JaegerApi.mount(router, store.reader()))) {
      assertError(
          server.get("/api/traces", "service", "checkout", "limit", "501"),
          400,
          "invalid parameter 'limit': '501' is out of range: 1 to 500 (0 means 20); a search answers whole"
              + " traces, at most 500");
      assertError(server.get("/api/traces", "limit", "10000"), 400, "at most 500");
      json(server.get("/api/traces", "service", "checkout", "limit", "500"), 200);
    }
    QueryApiOptions fifty = QueryApiOptions.builder().maxJaegerLimit(50).build();
    try (InMemorySpanStore store = InMemorySpanStore.builder().build();
        TestServer server = TestServer.start(router -> JaegerApi.mount(router, store.reader(), fifty))) {
      assertError(server.get("/api/traces", "limit", "51"), 400, "is out of range: 1 to 50");
      json(server.get("/api/traces", "limit", "50"), 200);
    }
  }

  @Test
  void aTraceAboveTheSpanCapIsReadToTheCapAndSaysSo() {
    TestSpans spans = new TestSpans(11);
    TraceId traceId = spans.newTraceId();
    long start = nanos(Instant.now().minus(Duration.ofMinutes(5)));
    QueryApiOptions cap = QueryApiOptions.builder().maxTraceSpans(100).build();
    try (InMemorySpanStore store = InMemorySpanStore.builder().build();
        TestServer server = TestServer.start(router -> JaegerApi.mount(router, store.reader(), cap))) {
      store.writer()
          .write(SpanBatch.of(spans.trace(traceId, "batch", "run", start, 1_000_000_000L, 1_000), new Sampling("all", 1.0)))
          .toCompletableFuture()
          .join();

      JsonObject byId = json(server.get("/api/traces/" + traceId.toHex()), 200).getJsonArray("data").getJsonObject(0);
      assertThat(byId.getJsonArray("spans")).hasSize(100);
      assertThat(byId.getJsonArray("warnings").getList())
          .containsExactly("the trace has more than 100 spans, the span cap: only 100 are shown");

      // A search knows the trace's span count from its summary.
      JsonObject found = json(server.get("/api/traces", "service", "batch"), 200);
      JsonObject trace = found.getJsonArray("data").getJsonObject(0);
      assertThat(trace.getJsonArray("spans")).hasSize(100);
      assertThat(trace.getJsonArray("warnings").getList())
          .containsExactly("the trace has 1000 spans, more than the span cap of 100: only 100 are shown, 900 are left out");
      assertThat(found.fieldNames()).containsExactly("data", "total", "limit", "offset", "errors");
    }
  }

  @Test
  void theStoresSearchWarningsComeBesideTheData() {
    SpanReader narrowing =
        reader(
            () ->
                CompletableFuture.completedFuture(
                    new FoundTraces(List.of(), List.of("only traces starting from 2026-12-04T23:00:00Z were searched"))));
    try (TestServer server = TestServer.start(router -> JaegerApi.mount(router, narrowing))) {
      JsonObject body = json(server.get("/api/traces"), 200);
      assertThat(body.getJsonArray("warnings").getList())
          .containsExactly("only traces starting from 2026-12-04T23:00:00Z were searched");
      assertThat(body.getJsonArray("data")).isEmpty();
    }
  }

  @Test
  void aBusyStoreIs503WithRetryAfterOnEveryEndpoint() {
    SpanReader busy = reader(() -> CompletableFuture.failedFuture(new StoreBusyException("10000 reads waiting")));
    QueryApiOptions options = QueryApiOptions.builder().retryAfter(Duration.ofSeconds(2)).build();
    try (TestServer server = TestServer.start(router -> JaegerApi.mount(router, busy, options))) {
      for (String path : EVERY_ENDPOINT) {
        HttpResponse<Buffer> response = server.getRaw(path);
        assertError(response, 503, "span store busy: too many reads under way; try again in 2 s");
        assertThat(response.getHeader("Retry-After")).as(path).isEqualTo("2");
      }
      HttpResponse<Buffer> v3 = server.getRaw("/api/v3/traces/" + TRACE);
      assertThat(json(v3, 503).getJsonObject("error").getString("message")).contains("span store busy");
      assertThat(v3.getHeader("Retry-After")).isEqualTo("2");
    }
  }

  @Test
  void aStoreThatNeverAnswersIs503AfterTheTimeoutAndItsCallIsCancelled() {
    List<CompletableFuture<?>> handedOut = new CopyOnWriteArrayList<>();
    SpanReader hanging =
        reader(
            () -> {
              CompletableFuture<?> never = new CompletableFuture<>();
              handedOut.add(never);
              return never;
            });
    QueryApiOptions options = QueryApiOptions.builder().storageTimeout(Duration.ofSeconds(1)).build();
    try (TestServer server = TestServer.start(router -> JaegerApi.mount(router, hanging, options))) {
      for (String path : EVERY_ENDPOINT) {
        HttpResponse<Buffer> response = server.getRaw(path);
        assertError(
            response,
            503,
            "the span store did not answer within 1s; the query was cancelled (a narrower one, with a service"
                + " or a shorter lookback, is faster)");
        assertThat(response.getHeader("Retry-After")).isNull();
      }
    }
    assertThat(handedOut).hasSize(EVERY_ENDPOINT.size()).allSatisfy(call -> assertThat(call).isCancelled());
  }

  /** A reader where every call does what {@code call} does, the capped read and search included. */
  @SuppressWarnings("unchecked")
  private static SpanReader reader(Supplier<CompletionStage<?>> call) {
    return new SpanReader() {
      @Override
      public CompletionStage<Optional<Trace>> getTrace(TraceId traceId) {
        return (CompletionStage<Optional<Trace>>) call.get();
      }

      @Override
      public CompletionStage<Optional<Trace>> getTrace(TraceId traceId, int maxSpans) {
        return (CompletionStage<Optional<Trace>>) call.get();
      }

      @Override
      public CompletionStage<List<TraceSummary>> findTraces(TraceQuery query) {
        return (CompletionStage<List<TraceSummary>>) call.get();
      }

      @Override
      public CompletionStage<FoundTraces> search(TraceQuery query) {
        return (CompletionStage<FoundTraces>) call.get();
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
}
