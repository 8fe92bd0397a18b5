package io.tailkeep.sampler.buffer;

import static io.tailkeep.store.testing.TestSpans.child;
import static io.tailkeep.store.testing.TestSpans.root;
import static io.tailkeep.store.testing.TestSpans.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.store.TraceId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Late spans follow the remembered decision; the decision cache forgets after its expiry. */
class LateSpansTest {

  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  private final TestClock ticker = new TestClock();
  private final RecordingKeptTraceSink sink = new RecordingKeptTraceSink();
  private final TraceBuffer buffer =
      TraceBuffer.builder()
          .rules(RulesFile.loadDefault(ticker))
          .sink(sink)
          .ticker(ticker)
          .clock(Clock.fixed(NOW, ZoneOffset.UTC))
          .executor(Runnable::run)
          .decisionCacheExpiry(Duration.ofMinutes(1))
          .build();

  @Test
  void lateSpansOfAKeptTraceReachTheSinkWithoutASamplingDecision() {
    TraceId trace = traceId(1);
    buffer.offer(List.of(root(trace).error().build()));
    ticker.advanceMillis(2_000);
    buffer.decideDue();

    buffer.offer(List.of(child(trace).build(), child(trace).build()));

    assertThat(sink.of(trace)).hasSize(2);
    assertThat(sink.of(trace).get(1).spans()).hasSize(2);
    assertThat(sink.of(trace).get(1).sampling()).isNull();
    assertThat(buffer.stats().lateSpansKept()).isEqualTo(2);
    assertThat(buffer.stats().bufferedTraces()).isZero();
    assertThat(buffer.why(trace))
        .contains(
            new DecisionRecord(
                trace, true, "keep-errors", 1.0, false, DecisionReason.ROOT_GRACE, NOW, 1, 2,
                buffer.rules().version()));
  }

  @Test
  void lateSpansOfAKeptTraceStopAtTheSpanCapAsBufferedOnesDo() {
    TraceBuffer capped =
        TraceBuffer.builder()
            .rules(RulesFile.loadDefault(ticker))
            .sink(sink)
            .ticker(ticker)
            .executor(Runnable::run)
            .maxSpansPerTrace(4)
            .build();
    TraceId trace = traceId(3);
    capped.offer(List.of(root(trace).error().build(), child(trace).build()));
    ticker.advanceMillis(2_000);
    capped.decideDue();

    capped.offer(List.of(child(trace).build()));
    capped.offer(List.of(child(trace).build(), child(trace).build(), child(trace).build()));
    capped.offer(List.of(child(trace).build()));

    assertThat(sink.of(trace)).extracting(batch -> batch.spans().size()).containsExactly(2, 1, 1);
    assertThat(capped.stats().lateSpansKept()).isEqualTo(2);
    assertThat(capped.stats().lateSpansOverCap()).isEqualTo(3);
    assertThat(capped.why(trace).orElseThrow().lateSpans()).as("late spans seen").isEqualTo(5);
  }

  @Test
  void spansOfATraceDecidedElsewhereFollowThatDecision() {
    TraceId keptElsewhere = traceId(5);
    TraceId droppedElsewhere = traceId(6);
    Instant then = NOW.minusSeconds(30);
    buffer.follow(new DecisionRecord(keptElsewhere, true, "keep-slow", 1.0, false, DecisionReason.ROOT_GRACE, then, 4, 0, "ab12"));
    buffer.follow(new DecisionRecord(droppedElsewhere, false, "baseline", 0, false, DecisionReason.IDLE_TIMEOUT, then, 2, 0, "ab12"));

    // An error span would be kept here; the decision taken elsewhere wins.
    buffer.offer(List.of(child(droppedElsewhere).error().build()));
    buffer.offer(List.of(child(keptElsewhere).build()));

    assertThat(buffer.stats().bufferedTraces()).isZero();
    assertThat(sink.of(droppedElsewhere)).isEmpty();
    assertThat(sink.of(keptElsewhere)).singleElement().satisfies(batch -> assertThat(batch.sampling()).isNull());
    assertThat(buffer.why(keptElsewhere).orElseThrow().lateSpans()).isEqualTo(1);
    assertThat(buffer.why(droppedElsewhere).orElseThrow().rule()).isEqualTo("baseline");
    assertThat(buffer.remembers(keptElsewhere)).isTrue();
    assertThat(buffer.remembers(traceId(99))).isFalse();
  }

  @Test
  void lateSpansOfADroppedTraceAreCountedNotStored() {
    TraceId trace = traceId(2);
    buffer.offer(List.of(root(trace).healthCheck().build()));
    ticker.advanceMillis(2_000);
    buffer.decideDue();

    buffer.offer(List.of(child(trace).build()));
    buffer.offer(List.of(child(trace).error().build()));

    assertThat(sink.batches).isEmpty();
    assertThat(buffer.stats().lateSpansDropped()).isEqualTo(2);
    assertThat(buffer.stats().bufferedTraces()).isZero();
    DecisionRecord why = buffer.why(trace).orElseThrow();
    assertThat(why.keep()).isFalse();
    assertThat(why.rule()).isEqualTo("drop-health-checks");
    assertThat(why.probability()).isZero();
    assertThat(why.lateSpans()).isEqualTo(2);
  }

  @Test
  void aForgottenDecisionLetsLateSpansStartANewBufferedTrace() {
    TraceId trace = traceId(3);
    buffer.offer(List.of(root(trace).healthCheck().build()));
    ticker.advanceMillis(2_000);
    buffer.decideDue();
    ticker.advanceMillis(59_000);
    assertThat(buffer.why(trace)).isPresent();

    ticker.advanceMillis(1_000);
    assertThat(buffer.why(trace)).isEmpty();
    buffer.offer(List.of(child(trace).build()));

    assertThat(buffer.stats().lateSpansDropped()).isZero();
    assertThat(buffer.stats().bufferedTraces()).isEqualTo(1);
    assertThat(buffer.stats().bufferedSpans()).isEqualTo(1);
  }

  @Test
  void whyIsEmptyForATraceNeverDecided() {
    assertThat(buffer.why(traceId(4))).isEmpty();
    buffer.offer(List.of(root(traceId(4)).build()));
    assertThat(buffer.why(traceId(4))).isEmpty();
  }

  @Test
  void aSinkThatThrowsIsCountedAndOtherTracesAreStillDecided() {
    TraceBuffer failing =
        TraceBuffer.builder()
            .rules(RulesFile.loadDefault(ticker))
            .sink(
                batch -> {
                  throw new IllegalStateException("queue full");
                })
            .ticker(ticker)
            .executor(Runnable::run)
            .build();
    failing.offer(List.of(root(traceId(5)).error().build(), root(traceId(6)).error().build()));
    ticker.advanceMillis(2_000);

    assertThat(failing.decideDue()).isEqualTo(2);
    assertThat(failing.stats().sinkFailures()).isEqualTo(2);
    assertThat(failing.stats().tracesKept()).isEqualTo(2);
  }
}
