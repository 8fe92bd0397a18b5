package io.tailkeep.sampler.buffer;

import static io.tailkeep.store.testing.TestSpans.child;
import static io.tailkeep.store.testing.TestSpans.root;
import static io.tailkeep.store.testing.TestSpans.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each timing path, on a fake ticker with the default rules and the default timings. */
class DecisionTimingTest {

  private final TestClock ticker = new TestClock();
  private final RecordingKeptTraceSink sink = new RecordingKeptTraceSink();
  private final TraceBuffer buffer =
      TraceBuffer.builder()
          .rules(RulesFile.loadDefault(ticker))
          .sink(sink)
          .ticker(ticker)
          .executor(Runnable::run)
          .build();

  @Test
  void rootThenQuietForTheGracePeriodDecides() {
    TraceId trace = traceId(1);
    buffer.offer(List.of(child(trace).error().build(), root(trace).build()));

    ticker.advanceMillis(1_999);
    assertThat(buffer.decideDue()).isZero();
    assertThat(buffer.stats().bufferedTraces()).isEqualTo(1);

    ticker.advanceMillis(1);
    assertThat(buffer.decideDue()).isEqualTo(1);
    assertThat(sink.batches).hasSize(1);
    SpanBatch kept = sink.batches.get(0);
    assertThat(kept.traceId()).isEqualTo(trace);
    assertThat(kept.spans()).hasSize(2);
    assertThat(kept.sampling()).isEqualTo(new Sampling("keep-errors", 1.0));
    assertThat(buffer.why(trace).orElseThrow().reason()).isEqualTo(DecisionReason.ROOT_GRACE);
    assertThat(buffer.stats().tracesDecided(DecisionReason.ROOT_GRACE)).isEqualTo(1);
    assertThat(buffer.stats().bufferedTraces()).isZero();
    assertThat(buffer.stats().bufferedSpans()).isZero();
    assertThat(buffer.stats().bufferedBytes()).isZero();
  }

  @Test
  void aSpanAfterTheRootRestartsTheGracePeriod() {
    TraceId trace = traceId(2);
    buffer.offer(List.of(root(trace).error().build()));
    ticker.advanceMillis(1_500);
    buffer.offer(List.of(child(trace).build()));

    ticker.advanceMillis(1_500); // 3 s after the root, 1.5 s after the last span
    assertThat(buffer.decideDue()).isZero();

    ticker.advanceMillis(500);
    assertThat(buffer.decideDue()).isEqualTo(1);
    assertThat(sink.of(trace).get(0).spans()).hasSize(2);
    assertThat(buffer.why(trace).orElseThrow().reason()).isEqualTo(DecisionReason.ROOT_GRACE);
  }

  @Test
  void withoutARootTheIdleTimeoutDecides() {
    TraceId trace = traceId(3);
    buffer.offer(List.of(child(trace).error().build()));
    ticker.advanceMillis(5_000);
    buffer.offer(List.of(child(trace).build()));

    ticker.advanceMillis(9_999);
    assertThat(buffer.decideDue()).isZero();

    ticker.advanceMillis(1);
    assertThat(buffer.decideDue()).isEqualTo(1);
    assertThat(sink.of(trace).get(0).spans()).hasSize(2);
    assertThat(buffer.why(trace).orElseThrow().reason()).isEqualTo(DecisionReason.IDLE_TIMEOUT);
    assertThat(buffer.stats().tracesDecided(DecisionReason.IDLE_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void spansStillArrivingAtTheMaximumWaitDoNotDelayTheDecision() {
    TraceId trace = traceId(4);
    buffer.offer(List.of(root(trace).error().build()));
    for (int second = 1; second < 30; second++) {
      ticker.advanceMillis(1_000);
      buffer.offer(List.of(child(trace).build()));
      assertThat(buffer.decideDue()).as("at %d s", second).isZero();
    }

    ticker.advanceMillis(1_000);
    assertThat(buffer.decideDue()).isEqualTo(1);
    assertThat(sink.of(trace).get(0).spans()).hasSize(30);
    assertThat(buffer.why(trace).orElseThrow().reason()).isEqualTo(DecisionReason.MAX_WAIT);
  }

  @Test
  void theReasonIsTheTimingRuleWhoseDeadlinePassedFirst() {
    TraceId graceFirst = traceId(5);
    TraceId idle = traceId(6);
    buffer.offer(List.of(root(graceFirst).build(), child(idle).build()));

    ticker.advanceMillis(60_000); // every deadline has passed by now
    assertThat(buffer.decideDue()).isEqualTo(2);

    assertThat(buffer.why(graceFirst).orElseThrow().reason()).isEqualTo(DecisionReason.ROOT_GRACE);
    assertThat(buffer.why(idle).orElseThrow().reason()).isEqualTo(DecisionReason.IDLE_TIMEOUT);
  }

  @Test
  void aTraceReachingTheSpanCapIsDecidedAtOnceAndTheRestAreLeftOut() {
    TestClock time = new TestClock();
    RecordingKeptTraceSink kept = new RecordingKeptTraceSink();
    TraceBuffer capped =
        TraceBuffer.builder()
            .rules(RulesFile.loadDefault(time))
            .sink(kept)
            .ticker(time)
            .executor(Runnable::run)
            .maxSpansPerTrace(5)
            .build();
    TraceId trace = traceId(7);

    capped.offer(spans(trace, 3));
    assertThat(kept.batches).isEmpty();
    capped.offer(List.of(child(trace).error().build()));
    capped.offer(spans(trace, 3)); // the fifth span reaches the cap; two are left over

    // The two over the cap follow as late spans, which the same cap leaves out (counted).
    assertThat(kept.batches).hasSize(1);
    assertThat(kept.batches.get(0).spans()).hasSize(5);
    assertThat(kept.batches.get(0).sampling()).isEqualTo(new Sampling("keep-errors", 1.0));
    DecisionRecord why = capped.why(trace).orElseThrow();
    assertThat(why.reason()).isEqualTo(DecisionReason.SPAN_CAP);
    assertThat(why.spansDecided()).isEqualTo(5);
    assertThat(why.lateSpans()).isEqualTo(2);
    assertThat(capped.stats().lateSpansKept()).isZero();
    assertThat(capped.stats().lateSpansOverCap()).isEqualTo(2);
    assertThat(capped.stats().bufferedTraces()).isZero();
    assertThat(capped.stats().bufferedSpans()).isZero();
  }

  @Test
  void aTraceOverTheCapInOneOfferIsDecidedWithoutAWait() {
    TestClock time = new TestClock();
    TraceBuffer capped =
        TraceBuffer.builder()
            .rules(RulesFile.loadDefault(time))
            .sink(sink)
            .ticker(time)
            .executor(Runnable::run)
            .maxSpansPerTrace(2)
            .build();
    TraceId trace = traceId(8);

    capped.offer(List.of(root(trace).healthCheck().build(), child(trace).build(), child(trace).build()));

    assertThat(capped.stats().tracesDropped("drop-health-checks")).isEqualTo(1);
    assertThat(capped.stats().spansDropped()).isEqualTo(2);
    assertThat(capped.stats().lateSpansDropped()).isEqualTo(1);
    assertThat(capped.stats().tracesDecided(DecisionReason.SPAN_CAP)).isEqualTo(1);
    assertThat(sink.batches).isEmpty();
  }

  @Test
  void spansOfSeveralTracesInOneOfferAreBufferedPerTrace() {
    TraceId first = traceId(9);
    TraceId second = traceId(10);
    buffer.offer(
        List.of(root(first).error().build(), root(second).healthCheck().build(), child(first).build()));

    assertThat(buffer.stats().bufferedTraces()).isEqualTo(2);
    assertThat(buffer.stats().bufferedSpans()).isEqualTo(3);
    ticker.advanceMillis(2_000);
    assertThat(buffer.decideDue()).isEqualTo(2);

    assertThat(sink.of(first).get(0).spans()).hasSize(2);
    assertThat(sink.of(second)).isEmpty();
    assertThat(buffer.stats().tracesKeptByRule()).containsExactly(java.util.Map.entry("keep-errors", 1L));
    assertThat(buffer.stats().tracesDroppedByRule())
        .containsExactly(java.util.Map.entry("drop-health-checks", 1L));
    assertThat(buffer.stats().tracesKept()).isEqualTo(1);
    assertThat(buffer.stats().tracesDropped()).isEqualTo(1);
    assertThat(buffer.stats().spansKept()).isEqualTo(2);
    assertThat(buffer.stats().spansDropped()).isEqualTo(1);
  }

  private static List<WireSpan> spans(TraceId trace, int count) {
    return java.util.stream.IntStream.range(0, count).mapToObj(i -> child(trace).build()).toList();
  }
}
