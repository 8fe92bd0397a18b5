package io.tailkeep.store.traffic;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.util.Objects;

/** The calls of every operation of a service with one span kind, summed. */
public record ServiceCalls(String service, SpanKind kind, CallCounts counts) {

  public ServiceCalls {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(counts, "counts");
  }
}
