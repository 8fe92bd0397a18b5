package io.tailkeep.deploy;

import io.opentelemetry.api.trace.SpanContext;
import io.tailkeep.store.TraceId;
import java.util.HashSet;
import java.util.Set;

/**
 * A trace the SDK made and handed to its exporters: its ID, the hex IDs of every span, and the root
 * span's context (for sending late spans under it).
 */
record SentTrace(String kind, TraceId traceId, Set<String> spanIds, SpanContext root) {

  SentTrace {
    spanIds = Set.copyOf(spanIds);
  }

  /** The same trace with one more span. */
  SentTrace plus(String spanId) {
    Set<String> more = new HashSet<>(spanIds);
    more.add(spanId);
    return new SentTrace(kind, traceId, more, root);
  }

  int spanCount() {
    return spanIds.size();
  }

  @Override
  public String toString() {
    return kind + " " + traceId + " (" + spanIds.size() + " spans)";
  }
}
