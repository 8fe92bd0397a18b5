package io.tailkeep.store.wire;

import io.tailkeep.store.ErrorSpans;

/**
 * What the summary of a trace needs of a span beyond its IDs and times, read from its bytes.
 *
 * @param kind the span kind as OTLP numbers it (0 unspecified .. 5 consumer)
 * @param statusCode the status code as OTLP numbers it (0 unset, 1 ok, 2 error)
 * @param httpStatus the HTTP response status attribute, 0 when the span has none
 * @param rawEndNanos the end as sent ({@link #endNanos()} mends an end before the start)
 * @param peer for a CLIENT span read with peer keys, the server its attributes name ("" when they
 *     name none, {@link SpanFieldReader}); null for other spans and readers without peer keys
 */
public record SpanFields(
    String name, int kind, int statusCode, long httpStatus, long startNanos, long rawEndNanos, String peer) {

  /** The end, or the start when the end is missing or before it. */
  public long endNanos() {
    return Math.max(startNanos, rawEndNanos);
  }

  /** End minus start; zero when the end is missing or before the start. */
  public long durationNanos() {
    return endNanos() - startNanos;
  }

  /** The one definition of an error span ({@link ErrorSpans}). */
  public boolean isError() {
    return ErrorSpans.isError(kind, statusCode, httpStatus);
  }
}
