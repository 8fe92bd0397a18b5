package io.tailkeep.sampler.buffer;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a {@link TraceBuffer} holds now and has counted since it was built, read at one moment.
 * The buffer's only view of its figures: metrics, the sampling API and tests all read these.
 * Buffers add up ({@link #plus}), so a node with a buffer per partition reports them as one.
 *
 * @param bufferedSpans spans waiting for their trace's decision
 * @param bufferedTraces traces waiting for a decision
 * @param bufferedBytes the buffer's weight: buffered spans' bytes plus the per-trace overhead
 * @param tracesDecided traces decided, by outcome, deciding rule and what made the buffer decide
 * @param spansKept spans of kept traces handed over with their trace (late spans not included)
 * @param spansDropped spans of dropped traces (late spans not included)
 * @param lateSpansKept spans that came after their trace was kept, handed over
 * @param lateSpansDropped spans that came after their trace was dropped
 * @param lateSpansOverCap late spans of kept traces left out because the trace reached the span cap
 * @param evictions traces the buffer evicted for room (each was decided on what it had)
 * @param tracesRateLimited dropped traces a rule would have kept but its rate limit refused
 * @param sinkFailures kept batches lost because the sink threw (a bug if ever non-zero)
 */
public record BufferStats(
    long bufferedSpans,
    long bufferedTraces,
    long bufferedBytes,
    Map<Decided, Long> tracesDecided,
    long spansKept,
    long spansDropped,
    long lateSpansKept,
    long lateSpansDropped,
    long lateSpansOverCap,
    long evictions,
    long tracesRateLimited,
    long sinkFailures) {

  /** Nothing buffered, nothing counted. */
  public static final BufferStats EMPTY = new BufferStats(0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0);

  public BufferStats {
    tracesDecided = Map.copyOf(tracesDecided);
  }

  /** One kind of decision: kept or dropped, by which rule ({@code "default"} too), and why then. */
  public record Decided(boolean keep, String rule, DecisionReason reason) {
    public Decided {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Traces decided this way; 0 if none was. */
  public long tracesDecided(Decided kind) {
    return tracesDecided.getOrDefault(kind, 0L);
  }

  /** Traces decided for this reason (timing rule, cap, eviction or shutdown), kept or dropped. */
  public long tracesDecided(DecisionReason reason) {
    Objects.requireNonNull(reason, "reason");
    long total = 0;
    for (Map.Entry<Decided, Long> entry : tracesDecided.entrySet()) {
      if (entry.getKey().reason() == reason) {
        total += entry.getValue();
      }
    }
    return total;
  }

  public long tracesKept() {
    return sum(byRule(true).values());
  }

  public long tracesDropped() {
    return sum(byRule(false).values());
  }

  public long tracesKept(String rule) {
    return byRule(true).getOrDefault(rule, 0L);
  }

  public long tracesDropped(String rule) {
    return byRule(false).getOrDefault(rule, 0L);
  }

  /** Kept traces per deciding rule name ({@code "default"} for the default), sorted by name. */
  public Map<String, Long> tracesKeptByRule() {
    return byRule(true);
  }

  /** Dropped traces per deciding rule name, sorted by name. */
  public Map<String, Long> tracesDroppedByRule() {
    return byRule(false);
  }

  /** These figures and {@code other}'s added up: the buffers of several partitions as one. */
  public BufferStats plus(BufferStats other) {
    Map<Decided, Long> decided = new HashMap<>(tracesDecided);
    other.tracesDecided.forEach((kind, count) -> decided.merge(kind, count, Long::sum));
    return new BufferStats(
        bufferedSpans + other.bufferedSpans,
        bufferedTraces + other.bufferedTraces,
        bufferedBytes + other.bufferedBytes,
        decided,
        spansKept + other.spansKept,
        spansDropped + other.spansDropped,
        lateSpansKept + other.lateSpansKept,
        lateSpansDropped + other.lateSpansDropped,
        lateSpansOverCap + other.lateSpansOverCap,
        evictions + other.evictions,
        tracesRateLimited + other.tracesRateLimited,
        sinkFailures + other.sinkFailures);
  }

  /**
   * The counts of a buffer that is let go (its partition moved to another node): what it counted
   * stays counted, what it held is no longer here.
   */
  public BufferStats countsOnly() {
    return new BufferStats(
        0, 0, 0, tracesDecided, spansKept, spansDropped, lateSpansKept, lateSpansDropped,
        lateSpansOverCap, evictions, tracesRateLimited, sinkFailures);
  }

  private Map<String, Long> byRule(boolean keep) {
    Map<String, Long> counts = new TreeMap<>();
    tracesDecided.forEach((kind, count) -> {
      if (kind.keep() == keep) {
        counts.merge(kind.rule(), count, Long::sum);
      }
    });
    return counts;
  }

  private static long sum(Iterable<Long> counts) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    return total;
  }
}
