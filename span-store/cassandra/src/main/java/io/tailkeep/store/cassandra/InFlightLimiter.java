package io.tailkeep.store.cassandra;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Bounds the CQL requests in flight. A request over the bound waits in line (in memory) instead of
 * piling onto Cassandra; callers bound what they hand in (the sampler's store queue).
 */
final class InFlightLimiter {
  private static final ThreadLocal<ArrayDeque<Runnable>> TRAMPOLINE = new ThreadLocal<>();

  private final int maxInFlight;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;

  InFlightLimiter(int maxInFlight) {
    this.maxInFlight = maxInFlight;
  }

  <T> CompletionStage<T> submit(Supplier<CompletionStage<T>> request) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable start =
        () -> {
          CompletionStage<T> stage;
          try {
            stage = request.get();
          } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
          }
          stage.whenComplete(
              (value, error) -> {
                release();
                if (error != null) {
                  result.completeExceptionally(error);
                } else {
                  result.complete(value);
                }
              });
        };
    boolean startNow;
    synchronized (this) {
      startNow = inFlight < maxInFlight;
      if (startNow) {
        inFlight++;
      } else {
        waiting.add(start);
      }
    }
    if (startNow) {
      runFlat(start);
    }
    return result;
  }

  synchronized int inFlight() {
    return inFlight;
  }

  synchronized int waiting() {
    return waiting.size();
  }

  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        inFlight--;
      }
    }
    if (next != null) {
      runFlat(next); // hands the permit straight to the next request in line
    }
  }

  /**
   * Runs tasks one after another instead of nested, so a long line of requests that fail at once
   * cannot overflow the stack.
   */
  private static void runFlat(Runnable task) {
    ArrayDeque<Runnable> pending = TRAMPOLINE.get();
    if (pending != null) {
      pending.add(task);
      return;
    }
    pending = new ArrayDeque<>();
    TRAMPOLINE.set(pending);
    try {
      for (Runnable next = task; next != null; next = pending.poll()) {
        next.run();
      }
    } finally {
      TRAMPOLINE.remove();
    }
  }
}
