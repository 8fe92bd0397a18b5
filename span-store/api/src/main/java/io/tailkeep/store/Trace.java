package io.tailkeep.store;

import java.util.List;
import java.util.Objects;

/**
 * Stored spans of one trace, in no particular order.
 *
 * @param capped true when the read stopped at its span cap ({@link SpanReader#getTrace(TraceId,
 *     int)}) and more spans are stored than {@code spans} holds
 */
public record Trace(TraceId traceId, List<OtlpSpan> spans, boolean capped) {
  public Trace {
    Objects.requireNonNull(traceId, "traceId");
    spans = List.copyOf(spans);
  }

  /** Every stored span of the trace. */
  public Trace(TraceId traceId, List<OtlpSpan> spans) {
    this(traceId, spans, false);
  }
}
