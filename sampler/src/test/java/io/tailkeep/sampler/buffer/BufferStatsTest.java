package io.tailkeep.sampler.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The buffer's snapshot: per-rule and per-reason views of one count, and buffers added up. */
class BufferStatsTest {

  private static final BufferStats.Decided KEPT_ERRORS =
      new BufferStats.Decided(true, "keep-errors", DecisionReason.ROOT_GRACE);
  private static final BufferStats.Decided KEPT_ERRORS_EVICTED =
      new BufferStats.Decided(true, "keep-errors", DecisionReason.EVICTED);
  private static final BufferStats.Decided DROPPED_DEFAULT =
      new BufferStats.Decided(false, "default", DecisionReason.IDLE_TIMEOUT);

  private static BufferStats partition(long buffered, Map<BufferStats.Decided, Long> decided, long spansKept) {
    return new BufferStats(buffered, 1, 100 * buffered, decided, spansKept, 2, 3, 4, 5, 6, 7, 8);
  }

  @Test
  void oneCountViewedByRuleAndByReason() {
    BufferStats stats = partition(0, Map.of(KEPT_ERRORS, 3L, KEPT_ERRORS_EVICTED, 2L, DROPPED_DEFAULT, 10L), 0);

    assertThat(stats.tracesKeptByRule()).containsExactly(entry("keep-errors", 5L));
    assertThat(stats.tracesDroppedByRule()).containsExactly(entry("default", 10L));
    assertThat(stats.tracesKept()).isEqualTo(5);
    assertThat(stats.tracesDropped()).isEqualTo(10);
    assertThat(stats.tracesKept("keep-errors")).isEqualTo(5);
    assertThat(stats.tracesKept("default")).isZero();
    assertThat(stats.tracesDecided(DecisionReason.EVICTED)).isEqualTo(2);
    assertThat(stats.tracesDecided(DecisionReason.SHUTDOWN)).isZero();
    assertThat(stats.tracesDecided(DROPPED_DEFAULT)).isEqualTo(10);
  }

  @Test
  void buffersAddUpAndALetGoBufferKeepsOnlyItsCounts() {
    BufferStats first = partition(5, Map.of(KEPT_ERRORS, 3L), 9);
    BufferStats second = partition(7, Map.of(KEPT_ERRORS, 1L, DROPPED_DEFAULT, 4L), 11);

    BufferStats both = first.plus(second);
    assertThat(both.bufferedSpans()).isEqualTo(12);
    assertThat(both.bufferedTraces()).isEqualTo(2);
    assertThat(both.bufferedBytes()).isEqualTo(1_200);
    assertThat(both.tracesDecided()).containsOnly(entry(KEPT_ERRORS, 4L), entry(DROPPED_DEFAULT, 4L));
    assertThat(both.spansKept()).isEqualTo(20);
    assertThat(both.sinkFailures()).isEqualTo(16);

    BufferStats letGo = first.countsOnly();
    assertThat(letGo.bufferedSpans()).isZero();
    assertThat(letGo.bufferedTraces()).isZero();
    assertThat(letGo.bufferedBytes()).isZero();
    assertThat(letGo.tracesKept()).isEqualTo(3);
    assertThat(letGo.spansKept()).isEqualTo(9);
    assertThat(BufferStats.EMPTY.plus(letGo)).isEqualTo(letGo);
  }
}
