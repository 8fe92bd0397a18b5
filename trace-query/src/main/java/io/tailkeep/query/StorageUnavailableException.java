package io.tailkeep.query;

/**
 * The span store failed, was busy or did not answer in time: rendered as a 503 with this message
 * (never the cause's, which is only logged), and {@code Retry-After} when the store was busy.
 */
final class StorageUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Seconds for {@code Retry-After}; 0 for none. */
  private final long retryAfterSeconds;

  StorageUnavailableException(String message, Throwable cause) {
    this(message, cause, 0);
  }

  StorageUnavailableException(String message, Throwable cause, long retryAfterSeconds) {
    super(message, cause, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
