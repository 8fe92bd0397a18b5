package io.tailkeep.store;

import java.util.Objects;

/**
 * A {@link SpanWriter}'s answer for a batch it can never store as it is (the store found it
 * invalid, or too large): retrying the same batch cannot help, so the caller sets it aside instead
 * of retrying it. Errors that can pass (the store unreachable, overloaded, timing out) are never
 * reported this way.
 *
 * <p>{@link #splittingMayHelp()} says the batch was refused for its size as a whole: its spans
 * written in smaller batches may be stored. A writer says so only when nothing of the batch's
 * summary was stored yet, so parts written later add up to the same trace.
 */
public final class BatchRejectedException extends RuntimeException {

  private final String reason;
  private final boolean splittingMayHelp;

  /**
   * @param reason what the store found wrong, short enough for a log line and the API
   * @param splittingMayHelp the batch is too large as a whole; smaller parts may be stored
   * @param cause the store's own error, if any
   */
  public BatchRejectedException(String reason, boolean splittingMayHelp, Throwable cause) {
    super(Objects.requireNonNull(reason, "reason"), cause);
    this.reason = reason;
    this.splittingMayHelp = splittingMayHelp;
  }

  public String reason() {
    return reason;
  }

  public boolean splittingMayHelp() {
    return splittingMayHelp;
  }
}
