package io.tailkeep.sampler.traffic;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed number of long counters that many threads add to and a scrape sums: each thread adds to
 * its own stripe (a {@code long[]} it allocates, so in its own part of the heap), picked by its
 * thread ID, so two ingest threads counting the same series do not fight over one cache line. Two
 * threads that hash to one stripe stay correct (the adds are atomic), only slower. Like {@link
 * java.util.concurrent.atomic.LongAdder}, for a row of counters with one stripe lookup per update
 * instead of one per counter; a series used by one thread holds one stripe.
 *
 * <p>A sum read while threads add is not a point-in-time view across counters; each counter only
 * grows, and a later sum is never smaller.
 */
final class StripedCounters {

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle STRIPES = MethodHandles.arrayElementVarHandle(long[][].class);

  /** Twice the cores, at least 4, at most 64: few collisions among the threads that ingest. */
  static final int STRIPE_COUNT =
      Math.min(64, Integer.highestOneBit(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()) * 2 - 1));

  private static final int STRIPE_SHIFT = 64 - Integer.numberOfTrailingZeros(STRIPE_COUNT);

  /**
   * Longs left unused before and after a stripe's counters: a cache line each side, so the thread
   * adding to them shares no line with what the heap put next to its array (the array header, the
   * series another thread reads, another stripe).
   */
  static final int PAD = 8;

  private final int width;
  private final long[][] stripes = new long[STRIPE_COUNT][];

  StripedCounters(int width) {
    this.width = width;
  }

  /** The calling thread's stripe, made on its first add. */
  long[] stripe() {
    // Fibonacci hashing: consecutive thread IDs land far apart.
    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19
    int index = (int) ((Thread.currentThread().getId() * 0x9E3779B97F4A7C15L) >>> STRIPE_SHIFT);
    long[] stripe = (long[]) STRIPES.getAcquire(stripes, index);
    return stripe != null ? stripe : newStripe(index);
  }

  private long[] newStripe(int index) {
    long[] fresh = new long[PAD + width + PAD];
    long[] witness = (long[]) STRIPES.compareAndExchangeRelease(stripes, index, null, fresh);
    return witness == null ? fresh : witness;
  }

  static void add(long[] stripe, int counter, long delta) {
    LONGS.getAndAdd(stripe, PAD + counter, delta);
  }

  /** Adds every stripe's counters to {@code into}, which has at least {@code width} entries. */
  void sumInto(long[] into) {
    for (int s = 0; s < STRIPE_COUNT; s++) {
      long[] stripe = (long[]) STRIPES.getAcquire(stripes, s);
      if (stripe != null) {
        for (int i = 0; i < width; i++) {
          into[i] += (long) LONGS.getVolatile(stripe, PAD + i);
        }
      }
    }
  }

  long[] sum() {
    long[] sum = new long[width];
    sumInto(sum);
    return sum;
  }
}
