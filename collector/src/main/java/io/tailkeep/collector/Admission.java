package io.tailkeep.collector;

import java.time.Duration;
import java.util.Objects;

/**
 * A {@link SpanSink}'s answer: the spans were accepted, or refused because the sink is full now and the
 * exporter should send them again after {@code retryAfter}.
 */
public record Admission(boolean accepted, String reason, Duration retryAfter) {

  private static final Admission ACCEPTED = new Admission(true, "", Duration.ZERO);

  public Admission {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (!accepted && reason.isBlank()) {
      throw new IllegalArgumentException("a refusal needs a reason the exporter can read");
    }
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative, got " + retryAfter);
    }
  }

  public static Admission accept() {
    return ACCEPTED;
  }

  /** Refused for now: the sink cannot take more; {@code reason} goes back to the exporter. */
  public static Admission full(String reason, Duration retryAfter) {
    return new Admission(false, reason, retryAfter);
  }
}
