package io.tailkeep.query;

/** The span store failed or did not answer in time: rendered as a 503, the cause only logged. */
final class StorageUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StorageUnavailableException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
