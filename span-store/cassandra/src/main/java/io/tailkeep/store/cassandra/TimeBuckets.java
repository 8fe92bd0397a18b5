package io.tailkeep.store.cassandra;

import java.time.Duration;

/** Splits time into fixed buckets named by their start in epoch seconds. */
final class TimeBuckets {
  private final long bucketNanos;

  TimeBuckets(Duration bucketSize) {
    this.bucketNanos = bucketSize.toNanos();
  }

  long bucketOf(long epochNanos) {
    return Math.floorDiv(epochNanos, bucketNanos) * (bucketNanos / 1_000_000_000L);
  }

  /** The last nanosecond of {@code bucket} (named by its start in epoch seconds). */
  long endOf(long bucket) {
    return bucket * 1_000_000_000L + bucketNanos - 1;
  }

  /** Buckets that hold times in [startNanos, endNanos], newest first. */
  long[] newestFirst(long startNanos, long endNanos) {
    long first = bucketOf(startNanos);
    long last = bucketOf(endNanos);
    long step = bucketNanos / 1_000_000_000L;
    int count = (int) Math.min(Integer.MAX_VALUE - 8, (last - first) / step + 1);
    long[] buckets = new long[count];
    for (int i = 0; i < count; i++) {
      buckets[i] = last - i * step;
    }
    return buckets;
  }
}
