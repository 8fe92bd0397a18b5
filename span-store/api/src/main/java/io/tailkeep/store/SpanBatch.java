package io.tailkeep.store;

import java.util.List;
import java.util.Objects;

/**
 * Spans of one trace written together: a whole kept trace, or late spans that followed it.
 *
 * @param sampling how the trace was kept; null for spans that carry no decision (late spans)
 */
public record SpanBatch(TraceId traceId, List<OtlpSpan> spans, Sampling sampling) {

  public SpanBatch {
    Objects.requireNonNull(traceId, "traceId");
    spans = List.copyOf(Objects.requireNonNull(spans, "spans"));
    if (spans.isEmpty()) {
      throw new IllegalArgumentException("spans must not be empty");
    }
    for (int i = 0; i < spans.size(); i++) {
      if (!spans.get(i).traceId().equals(traceId)) {
        throw new IllegalArgumentException(
            "spans[" + i + "].trace_id " + spans.get(i).traceId() + " is not the batch's traceId "
                + traceId);
      }
    }
  }

  public static SpanBatch of(List<OtlpSpan> spans, Sampling sampling) {
    if (spans == null || spans.isEmpty()) {
      throw new IllegalArgumentException("spans must not be empty");
    }
    return new SpanBatch(spans.get(0).traceId(), spans, sampling);
  }
}
