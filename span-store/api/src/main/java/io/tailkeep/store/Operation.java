package io.tailkeep.store;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.util.Objects;

/** A span name seen for a service, with the kind of span that carried it. */
public record Operation(String name, SpanKind kind) {
  public Operation {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
  }
}
