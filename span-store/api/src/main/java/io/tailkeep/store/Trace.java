package io.tailkeep.store;

import java.util.List;
import java.util.Objects;

/** Every stored span of one trace, in no particular order. */
public record Trace(TraceId traceId, List<OtlpSpan> spans) {
  public Trace {
    Objects.requireNonNull(traceId, "traceId");
    spans = List.copyOf(spans);
  }
}
