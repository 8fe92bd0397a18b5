package io.tailkeep.sampler.buffer;

import static io.tailkeep.store.testing.TestSpans.child;
import static io.tailkeep.store.testing.TestSpans.root;
import static io.tailkeep.store.testing.TestSpans.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A full buffer evicts traces by deciding them on what they have, never throwing spans away. */
class EvictionTest {

  private static final int OVERHEAD = 100;

  private final TestClock ticker = new TestClock();
  private final RecordingKeptTraceSink sink = new RecordingKeptTraceSink();

  private TraceBuffer buffer(long maximumWeightBytes) {
    return TraceBuffer.builder()
        .rules(RulesFile.loadDefault(ticker))
        .sink(sink)
        .ticker(ticker)
        .executor(Runnable::run)
        .maximumWeightBytes(maximumWeightBytes)
        .traceOverheadBytes(OVERHEAD)
        .build();
  }

  @Test
  void theWeightIsTheHeapTheSpansHoldPlusTheTraceOverheadAndGrowsWithEachSpan() {
    TraceBuffer buffer = buffer(1_000_000);
    TraceId trace = traceId(1);
    WireSpan first = root(trace).build();
    WireSpan second = child(trace).attribute("note", "x".repeat(300)).build();

    buffer.offer(List.of(first));
    long firstBytes = buffer.stats().bufferedBytes() - OVERHEAD;
    // The span's record in a slab, its index, its origin (a test span has one of its own) and the
    // summary's new service and operation.
    assertThat(firstBytes)
        .isGreaterThan(first.bytes().length + first.origin().resource().length)
        .isGreaterThan(recordBytes(first) + first.origin().shareBytes());
    assertThat(buffer.cacheWeightedSize()).isEqualTo(buffer.stats().bufferedBytes());

    buffer.offer(List.of(second));
    assertThat(buffer.stats().bufferedBytes() - OVERHEAD - firstBytes).isGreaterThanOrEqualTo(recordBytes(second));
    assertThat(buffer.cacheWeightedSize()).isEqualTo(buffer.stats().bufferedBytes());
  }

  @Test
  void theSlabsRoomThatNoTraceHoldsComesOffTheBoundAndFreeSlabsAreKeptWithinIt() {
    long bound = 64L << 20;
    TraceBuffer buffer = buffer(bound);
    // Four slabs' worth of traces, then decided: their slabs are freed.
    String note = "n".repeat(4_000);
    for (int n = 0; n < 4 * SpanSlabs.SLAB_BYTES / 4_000; n++) {
      buffer.offer(List.of(root(traceId(1_000 + n)).attribute("note", note).build()));
    }
    ticker.advanceMillis(2_000);
    buffer.decideDue();
    assertThat(buffer.stats().bufferedTraces()).isZero();

    long unused = buffer.slabUnusedBytes();
    assertThat(unused).isPositive(); // the end of the slab being filled
    assertThat(buffer.cacheMaximumWeight()).isEqualTo(bound - unused);
    assertThat(buffer.maximumWeightBytes()).isEqualTo(bound);
    // The freed slabs are kept for reuse: the buffer's bound has room for them.
    assertThat(buffer.slabHeldBytes()).isGreaterThanOrEqualTo(3L * SpanSlabs.SLAB_BYTES);

    // A bound with no room to spare keeps none.
    buffer.resize(SpanSlabs.SLAB_BYTES);
    assertThat(buffer.slabHeldBytes()).isEqualTo(SpanSlabs.SLAB_BYTES);
  }

  private static long recordBytes(WireSpan span) {
    return TraceSpans.HEADER_BYTES + TraceSpans.INDEX_BYTES + span.bytes().length;
  }

  @Test
  void shrinkingTheBoundDecidesTheOldestTracesAndTellsTheListener() {
    List<DecisionRecord> told = new ArrayList<>();
    TraceBuffer buffer =
        TraceBuffer.builder()
            .rules(RulesFile.loadDefault(ticker))
            .sink(sink)
            .ticker(ticker)
            .executor(Runnable::run)
            .decisionListener((decision, waited) -> told.add(decision))
            .traceOverheadBytes(OVERHEAD)
            .build();
    for (int n = 10; n < 20; n++) {
      buffer.offer(List.of(root(traceId(n)).build()));
    }
    assertThat(buffer.stats().bufferedTraces()).isEqualTo(10);

    long half = buffer.stats().bufferedBytes() / 2;
    buffer.resize(half);

    assertThat(buffer.maximumWeightBytes()).isEqualTo(half);
    assertThat(buffer.stats().bufferedBytes()).isLessThanOrEqualTo(half);
    assertThat(buffer.stats().bufferedTraces()).isBetween(1L, 5L);
    assertThat(buffer.stats().evictions()).isEqualTo(10 - buffer.stats().bufferedTraces());
    assertThat(told).hasSize((int) buffer.stats().evictions())
        .allSatisfy(decision -> assertThat(decision.reason()).isEqualTo(DecisionReason.EVICTED));
    assertThat(told).extracting(DecisionRecord::traceId).doesNotHaveDuplicates();
  }

  @Test
  void aMustKeepTraceEvictedIsStillKept() {
    TraceBuffer buffer = buffer(2_000);
    TraceId trace = traceId(2);
    // Heavier than the whole buffer: Caffeine evicts it as soon as it is in.
    WireSpan big = root(trace).error().attribute("payload", "x".repeat(3_000)).build();

    buffer.offer(List.of(big, child(trace).build()));

    assertThat(buffer.stats().evictions()).isEqualTo(1);
    assertThat(sink.of(trace)).hasSize(1);
    assertThat(sink.of(trace).get(0).spans()).hasSize(2);
    assertThat(sink.of(trace).get(0).sampling()).isEqualTo(new Sampling("keep-errors", 1.0));
    assertThat(buffer.why(trace).orElseThrow().reason()).isEqualTo(DecisionReason.EVICTED);
    assertThat(buffer.stats().bufferedTraces()).isZero();
    assertThat(buffer.stats().bufferedBytes()).isZero();

    // Its late spans follow the eviction's decision.
    buffer.offer(List.of(child(trace).build()));
    assertThat(sink.of(trace)).hasSize(2);
    assertThat(buffer.stats().lateSpansKept()).isEqualTo(1);
  }

  @Test
  void aSmallBufferEvictsByDecidingAndEverySpanEndsSomewhere() {
    WireSpan sample = root(traceId(0)).error().build();
    long perTrace = OVERHEAD + weightOf(sample);
    TraceBuffer buffer = buffer(10 * perTrace);
    int traces = 100;

    for (int i = 1; i <= traces; i++) {
      buffer.offer(List.of(root(traceId(i)).error().build()));
    }

    assertThat(buffer.stats().evictions()).isGreaterThanOrEqualTo(traces - 10);
    assertThat(buffer.stats().bufferedBytes()).isLessThanOrEqualTo(10 * perTrace);
    assertThat(buffer.stats().bufferedBytes()).isEqualTo(buffer.cacheWeightedSize());
    assertThat(buffer.stats().tracesDecided(DecisionReason.EVICTED)).isEqualTo(buffer.stats().evictions());
    // Every evicted trace was an error trace, so every one was kept and handed over.
    assertThat(buffer.stats().tracesKept("keep-errors")).isEqualTo(buffer.stats().evictions());
    assertThat(sink.batches).hasSize((int) buffer.stats().evictions());
    assertThat(buffer.stats().bufferedSpans() + sink.spanCount()).isEqualTo(traces);

    long stillBuffered = buffer.stats().bufferedTraces();
    assertThat(stillBuffered).isPositive();
    assertThat(buffer.decideAll()).isEqualTo(stillBuffered);
    assertThat(buffer.stats().tracesDecided(DecisionReason.SHUTDOWN)).isEqualTo(stillBuffered);
    assertThat(sink.spanCount()).isEqualTo(traces);
    assertThat(buffer.stats().bufferedTraces()).isZero();
    assertThat(buffer.stats().bufferedBytes()).isZero();
  }

  @Test
  void evictedTracesThatNoRuleKeepsAreCountedAsDropped() {
    WireSpan sample = root(traceId(0)).healthCheck().build();
    TraceBuffer buffer = buffer(3 * (OVERHEAD + weightOf(sample)));

    for (int i = 1; i <= 20; i++) {
      buffer.offer(List.of(root(traceId(i)).healthCheck().build()));
    }

    assertThat(buffer.stats().evictions()).isGreaterThanOrEqualTo(17);
    assertThat(buffer.stats().tracesDropped("drop-health-checks")).isEqualTo(buffer.stats().evictions());
    assertThat(buffer.stats().spansDropped() + buffer.stats().bufferedSpans()).isEqualTo(20);
    assertThat(sink.batches).isEmpty();
  }

  /** A one-span trace's weight without the trace overhead: the span and what its summary holds. */
  private long weightOf(WireSpan span) {
    TraceBuffer probe = buffer(1_000_000);
    probe.offer(List.of(span));
    return probe.stats().bufferedBytes() - OVERHEAD;
  }
}
