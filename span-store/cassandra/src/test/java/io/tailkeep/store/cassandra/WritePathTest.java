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
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
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
    TraceChunk chunk = TraceChunk.of(SpanBatch.of(trace, null), new IndexedTags(Set.of("http.route", "url.path"), 256));

    assertThat(chunk.spanCount).isEqualTo(3);
    assertThat(chunk.startNanos).isEqualTo(1_000);
    assertThat(chunk.durationNanos()).isEqualTo(500);
    assertThat(chunk.root.operation()).isEqualTo("GET /");
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

    assertThat(TraceChunk.of(SpanBatch.of(reversed, null), tags).id)
        .isEqualTo(TraceChunk.of(SpanBatch.of(trace, null), tags).id)
        .isNotEqualTo(TraceChunk.of(SpanBatch.of(trace.subList(0, 3), null), tags).id);
  }

  @Test
  void chunkCutsLongNamesInItsKeysButTheStoredSpanKeepsThemWhole() {
    TraceId traceId = spans.newTraceId();
    String service = "s".repeat(10 * 1024);
    String name = "SELECT " + "x".repeat(64 * 1024);
    List<OtlpSpan> trace = spans.trace(traceId, service, name, 1_000, 500, 2, attr("http.route", "/"));
    TraceChunk chunk = TraceChunk.of(SpanBatch.of(trace, null), new IndexedTags(Set.of("http.route"), 256));

    String cutService = service.substring(0, 1024);
    String cutName = name.substring(0, 1024);
    assertThat(chunk.first.service()).isEqualTo(cutService);
    assertThat(chunk.first.operation()).isEqualTo(cutName);
    assertThat(chunk.root.service()).isEqualTo(cutService);
    assertThat(chunk.root.operation()).isEqualTo(cutName);
    // The children's service, the same name plus "-dep", has the same first KiB: one key for both.
    assertThat(chunk.services).containsExactly(cutService);
    assertThat(chunk.operations).extracting(TraceChunk.ServiceOperation::operation).contains(cutName);
    assertThat(chunk.tags).containsExactly(new IndexedTags.ServiceTag(cutService, "http.route", "/"));

    List<OtlpSpan> stored = new ArrayList<>();
    new SpanBlocks.Decoder().decode(java.nio.ByteBuffer.wrap(chunk.blocks.get(0).bytes()), stored);
    assertThat(stored).containsExactlyInAnyOrderElementsOf(trace);
    assertThat(stored).extracting(OtlpSpan::name).contains(name);
    assertThat(stored).extracting(OtlpSpan::serviceName).contains(service);
  }

  @Test
  void tagValuesLongerThanTheKeyLimitAreNotIndexedEvenUnderMaxTagValueLength() {
    String fits = "é".repeat(512); // 1 024 bytes
    String tooLong = "é".repeat(513); // 513 characters, 1 026 bytes

    assertThat(tagsOf(fits, 4096)).containsExactly(fits);
    assertThat(tagsOf(tooLong, 4096)).isEmpty();
    assertThat(tagsOf(fits, 256)).isEmpty();
  }

  private List<String> tagsOf(String route, int maxTagValueLength) {
    List<OtlpSpan> trace =
        spans.trace(spans.newTraceId(), "web", "GET /", 1_000, 500, 1, attr("http.route", route));
    TraceChunk chunk =
        TraceChunk.of(SpanBatch.of(trace, null), new IndexedTags(Set.of("http.route"), maxTagValueLength));
    return chunk.tags.stream().map(IndexedTags.ServiceTag::value).toList();
  }

  @Test
  void splitKeepsTheOrderAndStartsABatchOnlyWhenTheNextItemWouldPassTheLimit() {
    Random random = new Random(3);
    List<Integer> sizes =
        IntStream.range(0, 2_000)
            .map(i -> random.nextInt(20) == 0 ? 6_000 + random.nextInt(60_000) : 50 + random.nextInt(900))
            .boxed()
            .toList();
    List<List<Integer>> batches = UnloggedBatch.split(sizes, Integer::intValue, 5_120);

    assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(sizes);
    for (int i = 0; i < batches.size(); i++) {
      List<Integer> batch = batches.get(i);
      int bytes = batch.stream().mapToInt(Integer::intValue).sum();
      if (batch.size() > 1) {
        assertThat(bytes).isLessThanOrEqualTo(5_120);
      }
      if (i + 1 < batches.size()) {
        assertThat(bytes + batches.get(i + 1).get(0)).isGreaterThan(5_120); // it could not have joined
      }
    }
    assertThat(batches).anyMatch(b -> b.size() > 5); // small items do share batches
    assertThat(UnloggedBatch.split(List.of(9_000), Integer::intValue, 5_120)).containsExactly(List.of(9_000));
    assertThat(UnloggedBatch.split(List.of(1, 2, 3), Integer::intValue, 1))
        .containsExactly(List.of(1), List.of(2), List.of(3));
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
