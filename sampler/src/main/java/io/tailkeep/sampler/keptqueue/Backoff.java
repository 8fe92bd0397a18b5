package io.tailkeep.sampler.keptqueue;

import java.time.Duration;

/**
 * Exponential backoff without jitter: {@code initial × 2^(failures-1)}, capped at {@code max}.
 *
 * <p>No jitter because one queue pauses as a whole, so a process never sends a herd of retries;
 * separate nodes notice an outage at different moments and drift apart on their own.
 */
final class Backoff {

  /** Longer delays are treated as this: "now + delay" must stay comparable on a nano ticker. */
  private static final long LONGEST_NANOS = Long.MAX_VALUE / 4;

  private final long initialNanos;
  private final long maxNanos;

  Backoff(Duration initial, Duration max) {
    this.initialNanos = nanos(initial);
    this.maxNanos = Math.max(initialNanos, nanos(max));
  }

  /** The pause after {@code failures} consecutive failures (1 for the first). */
  long delayNanos(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be positive, got " + failures);
    }
    // Doubling stops at the cap, so a long outage cannot overflow.
    long delay = initialNanos;
    for (int i = 1; i < failures && delay < maxNanos; i++) {
      delay = delay > maxNanos / 2 ? maxNanos : delay * 2;
    }
    return delay;
  }

  private static long nanos(Duration duration) {
    try {
      return Math.min(duration.toNanos(), LONGEST_NANOS);
    } catch (ArithmeticException tooLong) {
      return LONGEST_NANOS;
    }
  }
}
