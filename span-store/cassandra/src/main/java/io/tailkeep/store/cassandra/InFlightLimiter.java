package io.tailkeep.store.cassandra;

import io.tailkeep.store.StoreBusyException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Bounds the CQL requests in flight. A request over the bound waits in line (in memory) instead of
 * piling onto Cassandra; callers bound what they hand in (the sampler's store queue), or the line
 * is bounded ({@code maxWaiting}: the readers') and a request past it fails at once with {@link
 * StoreBusyException}. Cancelling a returned future cancels its request, or drops it from the line.
 */
final class InFlightLimiter {
  private static final ThreadLocal<ArrayDeque<Runnable>> TRAMPOLINE = new ThreadLocal<>();

  private final int maxInFlight;
  private final int maxWaiting;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;
  private long started;

  InFlightLimiter(int maxInFlight) {
    this(maxInFlight, Integer.MAX_VALUE);
  }

  InFlightLimiter(int maxInFlight, int maxWaiting) {
    this.maxInFlight = maxInFlight;
    this.maxWaiting = maxWaiting;
  }

  <T> CompletionStage<T> submit(Supplier<CompletionStage<T>> request) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable start =
        () -> {
          if (result.isDone()) {
            release(); // cancelled while it waited: never sent
            return;
          }
          CompletionStage<T> stage;
          try {
            synchronized (this) {
              started++;
            }
            stage = request.get();
          } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
          }
          CompletionStage<T> sent = stage;
          // The driver stops a request (no retry, no next page) whose future is cancelled.
          result.whenComplete(
              (value, error) -> {
                if (result.isCancelled()) {
                  sent.toCompletableFuture().cancel(false);
                }
              });
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
      } else if (waiting.size() >= maxWaiting) {
        return CompletableFuture.failedFuture(
            new StoreBusyException(
                "the span store has " + waiting.size() + " reads waiting, as many as it takes; try again"));
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

  /** Requests sent so far; those cancelled while they waited are not counted. */
  synchronized long started() {
    return started;
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
