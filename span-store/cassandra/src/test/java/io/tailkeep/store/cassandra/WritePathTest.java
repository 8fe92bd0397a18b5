package io.tailkeep.store.cassandra;

import static io.tailkeep.store.testing.TestSpans.attr;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.testing.TestSpans;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The parts of the write path that need no Cassandra. */
class WritePathTest {
  final TestSpans spans = new TestSpans(1);

  @Test
  void bucketsAreNamedByTheirStartInEpochSeconds() {
    TimeBuckets hours = new TimeBuckets(Duration.ofHours(1));
    long t = 1_700_000_000L * 1_000_000_000L; // 2023-11-14T22:13:20Z
    assertThat(hours.bucketOf(t)).isEqualTo(1_699_999_200L);
    assertThat(hours.newestFirst(t, t + Duration.ofHours(2).toNanos()))
        .containsExactly(1_700_006_400L, 1_700_002_800L, 1_699_999_200L);
    assertThat(hours.bucketOf(-1)).isEqualTo(-3600L);
  }

  @Test
  void chunkSummarisesTheBatchAndIndexesOnlyAllowListedShortTags() {
    TraceId traceId = spans.newTraceId();
    List<OtlpSpan> trace =
        spans.trace(traceId, "web", "GET /", 1_000, 500, 3,
            attr("http.route", "/"), attr("secret", "x"), attr("url.path", "y".repeat(300)));
    TraceChunk chunk = new TraceChunk(SpanBatch.of(trace, null), new IndexedTags(Set.of("http.route", "url.path"), 256));

    assertThat(chunk.spanCount).isEqualTo(3);
    assertThat(chunk.startNanos).isEqualTo(1_000);
    assertThat(chunk.durationNanos()).isEqualTo(500);
    assertThat(chunk.rootOperation).isEqualTo("GET /");
    assertThat(chunk.services).containsExactlyInAnyOrder("web", "web-dep");
    assertThat(chunk.tags).containsExactly(new IndexedTags.ServiceTag("web", "http.route", "/"));
  }

  @Test
  void chunkIdDependsOnTheSpansNotOnTheirOrder() {
    TraceId traceId = spans.newTraceId();
    List<OtlpSpan> trace = spans.trace(traceId, "web", "GET /", 1_000, 500, 4);
    List<OtlpSpan> reversed = new ArrayList<>(trace);
    java.util.Collections.reverse(reversed);
    IndexedTags tags = new IndexedTags(Set.of(), 10);

    assertThat(new TraceChunk(SpanBatch.of(reversed, null), tags).id)
        .isEqualTo(new TraceChunk(SpanBatch.of(trace, null), tags).id)
        .isNotEqualTo(new TraceChunk(SpanBatch.of(trace.subList(0, 3), null), tags).id);
  }

  @Test
  void limiterNeverExceedsItsBoundAndRunsEveryRequest() {
    InFlightLimiter limiter = new InFlightLimiter(3);
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    List<CompletionStage<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int n = i;
      results.add(limiter.submit(() -> {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        pending.add(gate);
        return gate.thenApply(ignored -> n);
      }));
    }
    assertThat(limiter.inFlight()).isEqualTo(3);
    assertThat(limiter.waiting()).isEqualTo(7);
    while (!pending.isEmpty()) {
      pending.remove(0).complete(null);
      assertThat(limiter.inFlight()).isLessThanOrEqualTo(3);
    }
    assertThat(results).allMatch(r -> r.toCompletableFuture().isDone());
    assertThat(limiter.inFlight()).isZero();
  }

  @Test
  void limiterSurvivesALongLineOfRequestsThatFailAtOnce() {
    InFlightLimiter limiter = new InFlightLimiter(1);
    CompletableFuture<Void> first = new CompletableFuture<>();
    limiter.submit(() -> first);
    List<CompletionStage<Void>> failing = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      failing.add(limiter.submit(() -> CompletableFuture.failedFuture(new IllegalStateException("down"))));
    }
    first.complete(null); // releases 100 000 requests that each fail synchronously: no stack overflow
    assertThat(failing).allMatch(f -> f.toCompletableFuture().isCompletedExceptionally());
    assertThat(limiter.inFlight()).isZero();
  }

  @Test
  void nameCacheRewritesANameOnlyAfterTheRefreshInterval() {
    AtomicLong now = new AtomicLong();
    NameCache names = new NameCache(100, now::get);
    assertThat(names.shouldWrite("svc")).isTrue();
    assertThat(names.shouldWrite("svc")).isFalse();
    now.set(99);
    assertThat(names.shouldWrite("svc")).isFalse();
    now.set(100);
    assertThat(names.shouldWrite("svc")).isTrue();
    names.forget("svc");
    assertThat(names.shouldWrite("svc")).isTrue();
  }
}
