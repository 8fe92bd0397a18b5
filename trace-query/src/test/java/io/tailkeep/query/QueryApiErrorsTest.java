package io.tailkeep.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import io.tailkeep.store.Operation;
import io.tailkeep.store.FoundTraces;
import io.tailkeep.store.SpanReader;
import io.tailkeep.store.StoreBusyException;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.store.memory.InMemorySpanStore;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every error the API answers with, over HTTP, with stores that fail on purpose; no Cassandra. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryApiErrorsTest {
  static final String TRACE = "/api/v1/traces/4bf92f3577b34da6a3ce929d0e0e4736";
  static final List<String> EVERY_ENDPOINT =
      List.of(TRACE, "/api/v1/traces", "/api/v1/traces?service=a&minDuration=1s", "/api/v1/services",
          "/api/v1/services/checkout/operations");

  private final InMemorySpanStore store = InMemorySpanStore.builder().build();
  private ApiServer api;

  @BeforeAll
  void start() {
    api = new ApiServer(store.reader(), QueryApiOptions.defaults());
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
        "/api/v1/traces/xyz | traceId | xyz | traceId must be 1 to 32 hex digits, got 'xyz'",
        "/api/v1/traces/4bf92f3577b34da6a3ce929d0e0e47360 | traceId | 4bf92f3577b34da6a3ce929d0e0e47360 | traceId must be 1 to 32 hex digits",
        "/api/v1/traces/0000 | traceId | 0000 | traceId must not be all zeros",
        // An Arabic-Indic digit: Character.digit takes it as hex, HexFormat does not (was a 500).
        "/api/v1/traces/%D9%A3 | traceId | ٣ | traceId must be 1 to 32 hex digits",
        "/api/v1/traces?minDuration=fast | minDuration | fast | minDuration must be a duration like 250ms, 1.5s or 2m, got 'fast'",
        "/api/v1/traces?maxDuration=10 | maxDuration | 10 | maxDuration must be a duration like 250ms, 1.5s or 2m, got '10'",
        "/api/v1/traces?start=yesterday | start | yesterday | start must be an RFC 3339 time",
        "/api/v1/traces?end=2025-02-30T00:00:00Z | end | 2025-02-30T00:00:00Z | end must be an RFC 3339 time",
        "/api/v1/traces?limit=0 | limit | 0 | limit must be a whole number from 1 to 10000, got '0'",
        "/api/v1/traces?limit=10001 | limit | 10001 | limit must be a whole number from 1 to 10000",
        "/api/v1/traces?limit=-3 | limit | -3 | limit must be a whole number",
        "/api/v1/traces?sort=random | sort | random | sort must be 'start' (newest first) or 'duration' (slowest first)",
        "/api/v1/traces?next=bm9wZQ | next | bm9wZQ | next is not a page token from this API",
        "/api/v1/traces?tags=oops | tags | oops | tags must be key:value or a JSON object",
        "/api/v1/traces?minDuration=2s&maxDuration=1s | minDuration | 2s | minDuration 2s is greater than maxDuration 1s",
        "/api/v1/traces?operation=GET | operation | GET | operation 'GET' needs a service",
        "/api/v1/traces?start=2025-03-01T10:00:00Z&end=2025-03-01T09:00:00Z | start | 2025-03-01T10:00:00Z | start 2025-03-01T10:00:00Z is after end",
        "/api/v1/traces?limit=1&limit=2 | limit | 1,2 | limit is given 2 times",
        "/api/v1/traces?errors=yes | errors | yes | errors must be 'true' or 'false', got 'yes'",
        "/api/v1/traces?errors=1 | errors | 1 | errors must be 'true' or 'false', got '1'",
        "/api/v1/traces?service=a&errors=on | errors | on | errors must be 'true' or 'false', got 'on'",
        "/api/v1/traces?errors=true&errors=false | errors | true,false | errors is given 2 times; give it once",
        "/api/v1/traces?errors=true&errors=true | errors | true,true | errors is given 2 times; give it once",
        "/api/v1/services/%20/operations | service | ' ' | service must not be blank",
      })
  void badInputIs400NamingTheParameterAndTheValue(String path, String parameter, String value, String message) {
    ApiServer.Response response = api.get(path);
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.contentType()).isEqualTo("application/json; charset=utf-8");
    JsonObject error = response.error();
    assertThat(error.getInteger("status")).isEqualTo(400);
    assertThat(error.getString("parameter")).isEqualTo(parameter);
    assertThat(error.getString("value")).isEqualTo(value);
    assertThat(error.getString("message")).startsWith(message);
  }

  @Test
  void theIssueExampleComesBackWordForWord() {
    assertThat(api.get("/api/v1/traces?minDuration=fast").json())
        .isEqualTo(new JsonObject("{\"error\":{\"status\":400,\"parameter\":\"minDuration\",\"value\":\"fast\","
            + "\"message\":\"minDuration must be a duration like 250ms, 1.5s or 2m, got 'fast'\"}}"));
  }

  @Test
  void anOffsetWhosePlusWasNotEscapedStillReads() {
    ApiServer.Response response = api.getRaw("/api/v1/traces?start=2025-03-01T10:00:00+01:00&end=2025-03-01T12:00:00Z");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().getJsonObject("query").getString("start")).isEqualTo("2025-03-01T09:00:00.000000000Z");
  }

  @Test
  void anUnknownTraceIs404() {
    ApiServer.Response response = api.get(TRACE);
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json())
        .isEqualTo(new JsonObject().put("error", new JsonObject().put("status", 404)
            .put("message", "trace 4bf92f3577b34da6a3ce929d0e0e4736 not found")));
  }

  @ParameterizedTest
  @CsvSource({
    "/api/v1/traces?service=%zz",
    "/api/v1/traces?start=%",
    "/api/v1/traces?tags=%7B%22a%22%3A",
    "/api/v1/traces?tags=%7B%22a%22%3A%7B%7D%7D",
    "/api/v1/traces?end=99999999999999999999999999",
    "/api/v1/traces?minDuration=99999999999999999999h",
    "/api/v1/traces?limit=99999999999999999999",
    "/api/v1/traces/%00",
  })
  void malformedInputIsNeverA500(String path) {
    ApiServer.Response response = api.getRaw(path);
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.error().getInteger("status")).isEqualTo(400);
  }

  @Test
  void deeplyNestedJsonIsA400NotAStackOverflow() {
    ApiServer.Response tags = api.getRaw("/api/v1/traces?tags=%7B%22a%22%3A" + "%5B".repeat(1_200));
    assertThat(tags.status()).as(tags.body()).isEqualTo(400);
    assertThat(tags.error().getString("parameter")).isEqualTo("tags");
    String deep = "{\"v\":1,\"x\":" + "[".repeat(1_400) + "]".repeat(1_400) + "}";
    String token = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(deep.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    ApiServer.Response next = api.getRaw("/api/v1/traces?next=" + token);
    assertThat(next.status()).as(next.body()).isEqualTo(400);
    assertThat(next.error().getString("parameter")).isEqualTo("next");
  }

  static Stream<Arguments> storageFailures() {
    return Stream.of(
        Arguments.of("AllNodesFailedException", (Supplier<RuntimeException>) () -> AllNodesFailedException.fromErrors(List.of())),
        Arguments.of("NoNodeAvailableException", (Supplier<RuntimeException>) NoNodeAvailableException::new),
        Arguments.of("DriverTimeoutException", (Supplier<RuntimeException>) () -> new DriverTimeoutException("Query timed out after PT2S")),
        Arguments.of("IllegalStateException", (Supplier<RuntimeException>) () -> new IllegalStateException("Session is closed")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("storageFailures")
  void aFailedStorageFutureIs503OnEveryEndpoint(String name, Supplier<RuntimeException> failure) {
    try (ApiServer failing = new ApiServer(new FailingReader(() -> CompletableFuture.failedFuture(failure.get())), QueryApiOptions.defaults())) {
      for (String path : EVERY_ENDPOINT) {
        assertStorageUnavailable(failing.get(path), path);
      }
    }
  }

  @Test
  void aStoreThatThrowsAtTheCallIs503() {
    try (ApiServer failing = new ApiServer(new FailingReader(() -> { throw new NoNodeAvailableException(); }), QueryApiOptions.defaults())) {
      for (String path : EVERY_ENDPOINT) {
        assertStorageUnavailable(failing.get(path), path);
      }
    }
  }

  @Test
  void aStoreThatNeverAnswersIs503AfterTheStorageTimeoutAndItsCallIsCancelled() {
    QueryApiOptions options = QueryApiOptions.builder().storageTimeout(Duration.ofMillis(200)).build();
    List<CompletableFuture<?>> handedOut = new CopyOnWriteArrayList<>();
    Supplier<CompletableFuture<?>> hang =
        () -> {
          CompletableFuture<?> never = new CompletableFuture<>();
          handedOut.add(never);
          return never;
        };
    try (ApiServer hanging = new ApiServer(new FailingReader(hang), options)) {
      for (String path : EVERY_ENDPOINT) {
        ApiServer.Response response = hanging.get(path);
        assertThat(response.status()).as(path).isEqualTo(503);
        assertThat(response.retryAfter()).isNull();
        assertThat(response.error().getString("message"))
            .isEqualTo("the span store did not answer within 200ms; the query was cancelled (a narrower one,"
                + " with a service or a shorter window, is faster)");
      }
    }
    // Every call the API gave up on was cancelled, which stops the store's work (its requests).
    assertThat(handedOut).isNotEmpty().allSatisfy(call -> assertThat(call).isCancelled());
  }

  @Test
  void aBusyStoreIs503WithRetryAfterOnEveryEndpoint() {
    QueryApiOptions options = QueryApiOptions.builder().retryAfter(Duration.ofSeconds(3)).build();
    Supplier<CompletableFuture<?>> busy =
        () -> CompletableFuture.failedFuture(new StoreBusyException("the span store has 10000 reads waiting"));
    try (ApiServer saturated = new ApiServer(new FailingReader(busy), options)) {
      for (String path : EVERY_ENDPOINT) {
        ApiServer.Response response = saturated.get(path);
        assertThat(response.status()).as(path).isEqualTo(503);
        assertThat(response.retryAfter()).as(path).isEqualTo("3");
        assertThat(response.json())
            .isEqualTo(
                new JsonObject()
                    .put(
                        "error",
                        new JsonObject()
                            .put("status", 503)
                            .put("message", "the span store has too many reads under way; try again in 3 s")));
      }
    }
  }

  @Test
  void aTagKeyTheStoreDoesNotIndexIs400NamingTags() {
    try (InMemorySpanStore refusing = InMemorySpanStore.builder().indexedTagKeys(Set.of("http.route")).build();
        ApiServer server = new ApiServer(refusing.reader(), QueryApiOptions.defaults())) {
      ApiServer.Response response = server.get("/api/v1/traces?tags=user.email:a@b.c");
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.error().getString("parameter")).isEqualTo("tags");
      assertThat(response.error().getString("value")).isEqualTo("user.email:a@b.c");
      assertThat(response.error().getString("message"))
          .isEqualTo("tags: key 'user.email' is not indexed; indexed keys are [http.route]");
    }
  }

  private static void assertStorageUnavailable(ApiServer.Response response, String path) {
    assertThat(response.status()).as(path).isEqualTo(503);
    assertThat(response.contentType()).isEqualTo("application/json; charset=utf-8");
    assertThat(response.json())
        .isEqualTo(new JsonObject().put("error", new JsonObject().put("status", 503).put("message", "storage unavailable")));
  }

  /** Every call answers with what {@code answer} gives (a failed or never-completed stage, or a throw). */
  private static final class FailingReader implements SpanReader {
    private final Supplier<CompletableFuture<?>> answer;

    FailingReader(Supplier<CompletableFuture<?>> answer) {
      this.answer = answer;
    }

    @SuppressWarnings("unchecked")
    private <T> CompletionStage<T> answer() {
      return (CompletionStage<T>) answer.get();
    }

    @Override
    public CompletionStage<Optional<Trace>> getTrace(TraceId traceId) {
      return answer();
    }

    @Override
    public CompletionStage<Optional<Trace>> getTrace(TraceId traceId, int maxSpans) {
      return answer();
    }

    @Override
    public CompletionStage<FoundTraces> search(TraceQuery query) {
      return answer();
    }

    @Override
    public CompletionStage<List<TraceSummary>> findTraces(TraceQuery query) {
      return answer();
    }

    @Override
    public CompletionStage<List<TraceSummary>> getSummaries(Collection<TraceId> traceIds) {
      return answer();
    }

    @Override
    public CompletionStage<List<String>> getServices() {
      return answer();
    }

    @Override
    public CompletionStage<List<Operation>> getOperations(String service) {
      return answer();
    }
  }
}
