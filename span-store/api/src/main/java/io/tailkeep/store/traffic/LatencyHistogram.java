package io.tailkeep.store.traffic;

import java.util.Arrays;
import java.util.List;

/**
 * Durations counted in fixed buckets, as the span metrics and the service graph keep them and
 * Prometheus shows them.
 *
 * <p>The bounds are the default of span metrics' {@code histogram_buckets} as Grafana Tempo's
 * configuration reference gives it: 0.002, 0.004, … 0.512, 1.02, 2.05, 4.10 s, twelve doublings
 * from 2 ms written rounded. (Tempo's code has since defaulted to {@code
 * prometheus.ExponentialBuckets(0.002, 2, 14)}, whose top bounds are 1.024, 2.048, 4.096, 8.192 and
 * 16.384 s; {@code histogram_quantile} reads either the same way, only a sum over both by {@code
 * le} would not line up above 0.512 s.) The service graph uses them too, where Tempo's default is
 * 0.1 to 12.8 s: with 2 ms at the bottom an edge's p50 of a 3 ms database call is worth reading.
 *
 * @param counts how many durations fell in each bucket, not cumulative: {@code counts[i]} those
 *     over bound {@code i - 1} and at most bound {@code i} (Prometheus' {@code le}), the last one
 *     those over the highest bound ({@code +Inf}); {@link #BUCKETS} entries
 * @param sumMicros the durations' sum in microseconds (a long of nanoseconds would overflow after
 *     292 years of summed duration, which a busy series of long spans reaches in weeks)
 */
public record LatencyHistogram(long[] counts, long sumMicros) {

  /** Upper bounds in seconds, without {@code +Inf}. */
  public static final List<Double> BOUNDS_SECONDS =
      List.of(0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.02, 2.05, 4.10);

  /** Buckets, {@code +Inf} included. */
  public static final int BUCKETS = BOUNDS_SECONDS.size() + 1;

  /** The bounds in nanoseconds: every bound is a whole number of them, so comparing is exact. */
  private static final long[] BOUNDS_NANOS =
      BOUNDS_SECONDS.stream().mapToLong(s -> Math.round(s * 1e9)).toArray();

  public LatencyHistogram {
    if (counts.length != BUCKETS) {
      throw new IllegalArgumentException("counts must have " + BUCKETS + " buckets, got " + counts.length);
    }
    counts = counts.clone();
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException("bucket counts must not be negative, got " + Arrays.toString(counts));
      }
    }
    if (sumMicros < 0) {
      throw new IllegalArgumentException("sumMicros must not be negative, got " + sumMicros);
    }
  }

  /** The bucket a duration falls in: the first whose bound it does not exceed. */
  public static int bucketOf(long durationNanos) {
    long[] bounds = BOUNDS_NANOS;
    for (int i = 0; i < bounds.length; i++) {
      if (durationNanos <= bounds[i]) {
        return i; // most spans are short: a scan from the bottom ends early
      }
    }
    return bounds.length;
  }

  /** A duration in whole microseconds, rounded to the nearest so a sum carries no bias. */
  public static long micros(long durationNanos) {
    return (durationNanos + 500) / 1000;
  }

  @Override
  public long[] counts() {
    return counts.clone();
  }

  public long count(int bucket) {
    return counts[bucket];
  }

  /** A histogram that has counted nothing. */
  public static LatencyHistogram empty() {
    return new LatencyHistogram(new long[BUCKETS], 0);
  }

  /** Both histograms' durations counted together. */
  public LatencyHistogram plus(LatencyHistogram other) {
    long[] sum = counts.clone();
    for (int i = 0; i < BUCKETS; i++) {
      sum[i] = Math.addExact(sum[i], other.counts[i]);
    }
    return new LatencyHistogram(sum, Math.addExact(sumMicros, other.sumMicros));
  }

  /**
   * What was counted since {@code earlier}, a snapshot of the same growing histogram; refuses one
   * that is not earlier (a bucket would go negative).
   */
  public LatencyHistogram minus(LatencyHistogram earlier) {
    long[] since = counts.clone();
    for (int i = 0; i < BUCKETS; i++) {
      since[i] -= earlier.counts[i];
    }
    return new LatencyHistogram(since, sumMicros - earlier.sumMicros);
  }

  /** Durations counted. */
  public long total() {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total;
  }

  public double sumSeconds() {
    return sumMicros / 1e6;
  }

  /**
   * The {@code q}-quantile in seconds, estimated as Prometheus' {@code histogram_quantile} does:
   * linearly within the bucket the rank falls in, the first bucket starting at 0; a rank in the
   * {@code +Inf} bucket answers the highest bound. NaN when nothing was counted.
   *
   * @param q between 0 and 1
   */
  public double quantileSeconds(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be between 0 and 1, got " + q);
    }
    long total = total();
    if (total == 0) {
      return Double.NaN;
    }
    double rank = q * total;
    long below = 0;
    for (int i = 0; i < BOUNDS_SECONDS.size(); i++) {
      long inBucket = counts[i];
      if (inBucket > 0 && below + inBucket >= rank) {
        double lower = i == 0 ? 0 : BOUNDS_SECONDS.get(i - 1);
        double upper = BOUNDS_SECONDS.get(i);
        return lower + (upper - lower) * Math.max(0, rank - below) / inBucket;
      }
      below += inBucket;
    }
    return BOUNDS_SECONDS.get(BOUNDS_SECONDS.size() - 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LatencyHistogram other
        && sumMicros == other.sumMicros
        && Arrays.equals(counts, other.counts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(counts) * 31 + Long.hashCode(sumMicros);
  }

  @Override
  public String toString() {
    return "LatencyHistogram{counts=" + Arrays.toString(counts) + ", sumMicros=" + sumMicros + "}";
  }
}
