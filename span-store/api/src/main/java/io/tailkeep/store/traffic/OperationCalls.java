package io.tailkeep.store.traffic;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.util.Objects;

/** The calls of one operation: spans of a service with one name and kind. */
public record OperationCalls(String service, String spanName, SpanKind kind, CallCounts counts) {

  public OperationCalls {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(spanName, "spanName");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(counts, "counts");
  }
}
