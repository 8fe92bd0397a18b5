package io.tailkeep.store.memory;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanBatch;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one written batch contributes to its trace's summary; a trace's summary merges those of
 * its batches. Derived from the batch alone by {@link #of}, the one place to change when batches
 * carry this summary themselves.
 *
 * @param first the earliest span of the batch
 * @param root the earliest root span of the batch; null when the batch has none
 */
record BatchSummary(
    long startNanos,
    long endNanos,
    int spanCount,
    int errorCount,
    SpanName first,
    SpanName root,
    Set<String> services,
    Set<ServiceOperation> operations,
    Set<ServiceTag> tags) {

  /** A span's service and name: what a summary shows of its root. */
  record SpanName(String service, String name) {}

  record ServiceOperation(String service, String name, SpanKind kind) {}

  /** An indexed attribute (of a span or its resource) and the service of the span it was on. */
  record ServiceTag(String service, String key, String value) {}

  BatchSummary {
    services = Set.copyOf(services);
    operations = Set.copyOf(operations);
    tags = Set.copyOf(tags);
  }

  static BatchSummary of(SpanBatch batch, TagPolicy tagPolicy) {
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    int errors = 0;
    OtlpSpan earliest = null;
    OtlpSpan earliestRoot = null;
    Set<String> services = new LinkedHashSet<>();
    Set<ServiceOperation> operations = new LinkedHashSet<>();
    Set<ServiceTag> tags = new LinkedHashSet<>();
    for (OtlpSpan span : batch.spans()) {
      start = Math.min(start, span.startEpochNanos());
      end = Math.max(end, span.endEpochNanos());
      if (span.isError()) {
        errors++;
      }
      // Strictly earlier: on a tie the span that came first in the batch stays.
      if (earliest == null || span.startEpochNanos() < earliest.startEpochNanos()) {
        earliest = span;
      }
      if (span.isRoot()
          && (earliestRoot == null || span.startEpochNanos() < earliestRoot.startEpochNanos())) {
        earliestRoot = span;
      }
      String service = span.serviceName();
      services.add(service);
      operations.add(new ServiceOperation(service, span.name(), span.span().getKind()));
      addTags(tags, service, span.span().getAttributesList(), tagPolicy);
      addTags(tags, service, span.resource().getAttributesList(), tagPolicy);
    }
    return new BatchSummary(
        start,
        end,
        batch.spans().size(),
        errors,
        nameOf(earliest),
        earliestRoot == null ? null : nameOf(earliestRoot),
        services,
        operations,
        tags);
  }

  private static SpanName nameOf(OtlpSpan span) {
    return new SpanName(span.serviceName(), span.name());
  }

  private static void addTags(
      Set<ServiceTag> tags, String service, List<KeyValue> attributes, TagPolicy tagPolicy) {
    for (KeyValue kv : attributes) {
      tagPolicy
          .indexedValue(kv.getKey(), kv.getValue())
          .ifPresent(value -> tags.add(new ServiceTag(service, kv.getKey(), value)));
    }
  }
}
