package io.tailkeep.store;

import io.tailkeep.store.wire.AttributeKeys;
import io.tailkeep.store.wire.SpanFieldReader;
import java.util.List;
import java.util.Objects;

/**
 * Spans of one trace written together: a whole kept trace, or late spans that followed it, with
 * what they add to the trace's summary.
 *
 * @param summary what these spans add to the trace's summary, grown as they arrived
 * @param sampling how the trace was kept; null for spans that carry no decision (late spans)
 */
public record SpanBatch(TraceId traceId, List<WireSpan> spans, BatchSummary summary, Sampling sampling) {

  private static final SpanFieldReader FIELDS = new SpanFieldReader(AttributeKeys.NONE);

  public SpanBatch {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(summary, "summary");
    spans = List.copyOf(Objects.requireNonNull(spans, "spans"));
    if (spans.isEmpty()) {
      throw new IllegalArgumentException("spans must not be empty");
    }
    for (int i = 0; i < spans.size(); i++) {
      if (!spans.get(i).hasTraceId(traceId)) {
        throw new IllegalArgumentException(
            "spans[" + i + "].trace_id " + spans.get(i).traceId() + " is not the batch's traceId "
                + traceId);
      }
    }
    if (summary.spanCount() != spans.size()) {
      throw new IllegalArgumentException(
          "summary counts " + summary.spanCount() + " spans, the batch has " + spans.size());
    }
  }

  /** Spans whose summary is not grown yet: reads each span's fields for it. */
  public static SpanBatch summarizing(List<WireSpan> spans, Sampling sampling) {
    if (spans == null || spans.isEmpty()) {
      throw new IllegalArgumentException("spans must not be empty");
    }
    BatchSummary summary = new BatchSummary();
    for (WireSpan span : spans) {
      summary.add(span, FIELDS.read(span));
    }
    return new SpanBatch(spans.get(0).traceId(), spans, summary, sampling);
  }

  /** Decoded spans, encoded here (tests, benchmarks and tools that make spans with protobuf). */
  public static SpanBatch of(List<OtlpSpan> spans, Sampling sampling) {
    if (spans == null || spans.isEmpty()) {
      throw new IllegalArgumentException("spans must not be empty");
    }
    return summarizing(spans.stream().map(WireSpan::of).toList(), sampling);
  }
}
