package io.tailkeep.deploy;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for something the running server does on its own threads (decide, write, reload) by
 * asking again until it holds or a deadline passes. The deadline only bounds a wait; it is never
 * what a test asserts.
 */
final class Poll {

  private static final long INTERVAL_MILLIS = 25;

  private Poll() {}

  /** Returns once {@code done} holds; fails naming {@code what} at the deadline. */
  static void until(Duration timeout, String what, BooleanSupplier done) {
    until(timeout, what, done::getAsBoolean, Boolean::booleanValue);
  }

  /** Returns the first value of {@code value} that satisfies {@code done}; fails with the last one. */
  static <T> T until(Duration timeout, String what, Supplier<T> value, Predicate<? super T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last;
    while (true) {
      last = value.get();
      if (done.test(last)) {
        return last;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("waited " + timeout + " for " + what + "; last seen: " + last);
      }
      try {
        Thread.sleep(INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }
}
