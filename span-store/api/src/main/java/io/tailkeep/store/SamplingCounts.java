package io.tailkeep.store;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * How many traces each rule kept and dropped, per sampler node and minute, for the cluster-wide
 * counts of the sampling page. Each node writes its own absolute totals of a minute (as often as
 * it likes while the minute runs); a read sums them over nodes and minutes.
 *
 * <p>Bad input throws at the call, before any I/O; I/O failures complete the stage exceptionally.
 */
public interface SamplingCounts {

  /** The longest window a read sums over. */
  Duration MAX_WINDOW = Duration.ofDays(31);

  /**
   * Stores the node's totals for that minute, replacing whatever the node wrote for it before: a
   * rule left out of a rewrite is gone. Writing the same totals again is harmless.
   *
   * @param minute the minute's start: a whole minute
   * @param counts one entry per rule; empty when the node decided nothing that minute
   */
  CompletionStage<Void> write(String node, Instant minute, List<RuleCounts> counts);

  /**
   * The counts of every node summed per rule over the minutes that start in [{@code from}, {@code
   * to}) ({@link MinuteWindow}), sorted by rule; rules without counts there are absent.
   */
  CompletionStage<List<RuleCounts>> read(Instant from, Instant to);

  /** The checks every store makes of a {@link #write}'s arguments, naming what is wrong. */
  static void checkWrite(String node, Instant minute, List<RuleCounts> counts) {
    SamplingNames.check(node, "node");
    MinuteWindow.checkRange(minute, "minute");
    if (!MinuteWindow.isWholeMinute(minute)) {
      throw new IllegalArgumentException("minute must be a whole minute, got " + minute);
    }
    Objects.requireNonNull(counts, "counts");
    Set<String> rules = new HashSet<>();
    for (RuleCounts c : counts) {
      Objects.requireNonNull(c, "counts must not hold null");
      if (!rules.add(c.rule())) {
        throw new IllegalArgumentException("counts hold rule '" + c.rule() + "' more than once");
      }
    }
  }
}
