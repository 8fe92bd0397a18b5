package io.tailkeep.store.cassandra;

import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The CQL requests of one read (a trace, a search), sent through the readers' in-flight limiter and
 * cancelled together when the caller gives up on the read: those waiting in line are never sent,
 * those under way are cancelled in the driver (no retry, no next page).
 */
final class ReadScope {
  private final InFlightLimiter limiter;
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;

  ReadScope(InFlightLimiter limiter) {
    this.limiter = limiter;
  }

  /** Sends {@code request} in its turn; throws once the read is cancelled. */
  <T> CompletableFuture<T> send(Supplier<CompletionStage<T>> request) {
    throwIfCancelled();
    CompletableFuture<T> future = limiter.submit(request).toCompletableFuture();
    pending.add(future);
    future.whenComplete((value, error) -> pending.remove(future));
    if (cancelled) {
      future.cancel(false);
    }
    return future;
  }

  /**
   * {@code result}, with its cancellation cancelling every request of this scope; the way a
   * reader hands out a read.
   */
  <T> CompletableFuture<T> cancelledWith(CompletableFuture<T> result) {
    result.whenComplete(
        (value, error) -> {
          if (result.isCancelled()) {
            cancel();
          }
        });
    return result;
  }

  void cancel() {
    cancelled = true;
    for (CompletableFuture<?> future : pending) {
      future.cancel(false);
    }
  }

  void throwIfCancelled() {
    if (cancelled) {
      throw new CancellationException("the read was cancelled");
    }
  }
}
