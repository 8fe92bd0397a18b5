package io.tailkeep.sampler.rules;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A per-key keep probability that aims at {@code perSecond} kept traces a second for each key: the
 * traces of each key are counted over an interval, the counts smoothed into a moving average
 * rate (an exponential moving average, as Honeycomb Refinery's EMA throughput sampler does), and
 * each key's probability for the next interval is {@code perSecond / rate}, at most 1. A key not
 * seen in the last intervals, or never, is kept whole until its rate is known, so a rare key is
 * always kept. At most {@code maxKeys} keys are tracked; traces of keys past that share the
 * budget of one key, {@value #OTHER}, and are counted ({@link #overflowed}). A sampler that sees
 * only a share of all traces (a node on Kafka) aims at that share of the target ({@link
 * TrafficShare}), so the samplers together keep each key's target once.
 *
 * <p>Thread-safe: counting is lock-free; the once-an-interval update takes the lock.
 */
final class KeyedThroughput {

  /** The key traces of untracked keys share once {@code maxKeys} keys are tracked. */
  static final String OTHER = "\u0000other";

  /** Weight of the newest interval in the moving average. */
  private static final double SMOOTHING = 0.5;
  /** A key whose average falls below this many traces a second is forgotten. */
  private static final double FORGOTTEN_RATE = 1e-3;

  private final double perSecond;
  private final long intervalNanos;
  private final int maxKeys;
  private final Ticker ticker;
  private final TrafficShare share;
  private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final LongAdder overflowed = new LongAdder();
  /** Replaced whole at each interval; read without the lock. */
  private volatile Map<String, Double> probabilities = Map.of();
  private final Map<String, Double> averageRates = new HashMap<>(); // guarded by this
  private volatile long intervalEnds;

  KeyedThroughput(double perSecond, Duration interval, int maxKeys, Ticker ticker, TrafficShare share) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("perSecond must be above 0, got " + perSecond);
    }
    this.perSecond = perSecond;
    this.intervalNanos = interval.toNanos();
    this.maxKeys = maxKeys;
    this.ticker = ticker;
    this.share = share;
    this.intervalEnds = ticker.read() + intervalNanos;
  }

  /** Counts one trace of {@code key} and answers the probability to keep it with, in (0, 1]. */
  double probability(String key) {
    long now = ticker.read();
    if (now - intervalEnds >= 0) {
      roll(now);
    }
    String counted = key;
    LongAdder count = counts.get(key);
    if (count == null) {
      if (counts.size() >= maxKeys && !probabilities.containsKey(key)) {
        overflowed.increment();
        counted = OTHER;
      }
      count = counts.computeIfAbsent(counted, k -> new LongAdder());
    }
    count.increment();
    return probabilities.getOrDefault(counted, 1.0);
  }

  /** Traces whose key was past the bound and shared {@value #OTHER}'s budget. */
  long overflowed() {
    return overflowed.sum();
  }

  /** Keys tracked now. */
  int keys() {
    return counts.size();
  }

  private synchronized void roll(long now) {
    if (now - intervalEnds < 0) {
      return; // another thread rolled meanwhile
    }
    long elapsed = now - intervalEnds + intervalNanos; // more than one interval when traffic paused
    double seconds = elapsed / 1e9;
    Map<String, Long> seen = new HashMap<>();
    counts.forEach((key, adder) -> seen.put(key, adder.sumThenReset()));
    for (String key : averageRates.keySet()) {
      seen.putIfAbsent(key, 0L);
    }
    Map<String, Double> next = new HashMap<>();
    double target = perSecond * share.get(); // this sampler's part of the target
    for (Map.Entry<String, Long> entry : seen.entrySet()) {
      double rate = entry.getValue() / seconds;
      Double before = averageRates.get(entry.getKey());
      double average = before == null ? rate : SMOOTHING * rate + (1 - SMOOTHING) * before;
      if (average < FORGOTTEN_RATE) {
        averageRates.remove(entry.getKey());
        counts.remove(entry.getKey());
        continue;
      }
      averageRates.put(entry.getKey(), average);
      next.put(entry.getKey(), Math.min(1.0, target / average));
    }
    probabilities = Map.copyOf(next);
    intervalEnds = now + intervalNanos;
  }
}
