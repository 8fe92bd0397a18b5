package io.tailkeep.store.wire;

import io.tailkeep.store.ErrorSpans;

/**
 * What the summary of a trace needs of a span beyond its IDs and times, read from its bytes.
 *
 * @param kind the span kind as OTLP numbers it (0 unspecified .. 5 consumer)
 * @param statusCode the status code as OTLP numbers it (0 unset, 1 ok, 2 error)
 * @param httpStatus the HTTP response status attribute, 0 when the span has none
 */
public record SpanFields(String name, int kind, int statusCode, long httpStatus) {

  /** The one definition of an error span ({@link ErrorSpans}). */
  public boolean isError() {
    return ErrorSpans.isError(kind, statusCode, httpStatus);
  }
}
