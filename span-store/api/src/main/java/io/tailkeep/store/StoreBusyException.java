package io.tailkeep.store;

/**
 * The store has as many reads waiting as it takes; nothing of this one was started. Asking again a
 * little later can succeed (an HTTP API answers 503 with {@code Retry-After}).
 */
public final class StoreBusyException extends RuntimeException {
  public StoreBusyException(String message) {
    super(message, null, false, false);
  }
}
