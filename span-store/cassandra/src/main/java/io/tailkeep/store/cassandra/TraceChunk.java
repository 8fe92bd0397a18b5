package io.tailkeep.store.cassandra;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What one written batch contributes to its trace's summary and indexes. Computed from the batch
 * alone, so a write never reads first; the reader merges the chunks of a trace.
 */
final class TraceChunk {

  record EncodedSpan(OtlpSpan span, byte[] bytes, long digest) {}

  record ServiceOperation(String service, String operation, SpanKind kind) {}

  record ServiceTag(String service, String key, String value) {}

  final UUID id;
  final long startNanos;
  final long endNanos;
  final int spanCount;
  final int errorCount;
  final OtlpSpan first;
  final OtlpSpan root;
  final List<EncodedSpan> spans;
  final Set<String> services = new LinkedHashSet<>();
  final Set<ServiceOperation> operations = new LinkedHashSet<>();
  final Set<ServiceTag> tags = new LinkedHashSet<>();

  TraceChunk(SpanBatch batch, TagPolicy tagPolicy) {
    List<EncodedSpan> encoded = new ArrayList<>(batch.spans().size());
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    int errors = 0;
    OtlpSpan earliest = null;
    OtlpSpan rootSpan = null;
    for (OtlpSpan span : batch.spans()) {
      byte[] bytes = SpanCodec.encode(span);
      encoded.add(new EncodedSpan(span, bytes, SpanCodec.digest(bytes)));
      start = Math.min(start, span.startEpochNanos());
      end = Math.max(end, span.endEpochNanos());
      if (span.isError()) {
        errors++;
      }
      if (earliest == null || span.startEpochNanos() < earliest.startEpochNanos()) {
        earliest = span;
      }
      if (span.isRoot() && (rootSpan == null || span.startEpochNanos() < rootSpan.startEpochNanos())) {
        rootSpan = span;
      }
      String service = span.serviceName();
      services.add(service);
      operations.add(new ServiceOperation(service, span.name(), span.span().getKind()));
      addTags(service, span.span().getAttributesList(), tagPolicy);
      addTags(service, span.resource().getAttributesList(), tagPolicy);
    }
    this.spans = List.copyOf(encoded);
    this.startNanos = start;
    this.endNanos = end;
    this.spanCount = encoded.size();
    this.errorCount = errors;
    this.first = earliest;
    this.root = rootSpan;
    this.id = idOf(encoded);
  }

  long durationNanos() {
    return endNanos - startNanos;
  }

  private void addTags(String service, List<KeyValue> attributes, TagPolicy tagPolicy) {
    for (KeyValue kv : attributes) {
      tagPolicy
          .indexedValue(kv.getKey(), kv.getValue())
          .ifPresent(value -> tags.add(new ServiceTag(service, kv.getKey(), value)));
    }
  }

  /** Derived from the spans' identities, so writing the same batch twice adds one chunk. */
  private static UUID idOf(List<EncodedSpan> spans) {
    ByteBuffer key = ByteBuffer.allocate(spans.size() * 16);
    spans.stream()
        .map(s -> new long[] {s.span().spanId().value(), s.digest()})
        .sorted((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]))
        .forEach(pair -> key.putLong(pair[0]).putLong(pair[1]));
    byte[] traceId = spans.get(0).span().traceId().toHex().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[traceId.length + key.capacity()];
    System.arraycopy(traceId, 0, all, 0, traceId.length);
    System.arraycopy(key.array(), 0, all, traceId.length, key.capacity());
    return UUID.nameUUIDFromBytes(all);
  }
}
