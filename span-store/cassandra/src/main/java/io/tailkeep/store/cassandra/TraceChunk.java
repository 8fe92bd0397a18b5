package io.tailkeep.store.cassandra;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.BatchSummary;
import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.IndexedTags.ServiceTag;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.StoredEnvelope;
import io.tailkeep.store.WireSpan;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What one written batch contributes to its trace's summary and indexes: the batch's own summary
 * (grown by the sampler as spans arrived), the spans' stored bytes, and the indexed tags, read
 * here from the kept spans only. Computed from the batch alone, so a write never reads first; the
 * reader merges the chunks of a trace.
 */
final class TraceChunk {

  record EncodedSpan(SpanId spanId, byte[] bytes, long digest) {}

  record ServiceOperation(String service, String operation, SpanKind kind) {}

  final UUID id;
  final long startNanos;
  final long endNanos;
  final int spanCount;
  final int errorCount;
  final String firstService;
  final String firstOperation;
  /** Null when the batch has no root span. */
  final String rootService;

  final String rootOperation;
  final List<EncodedSpan> spans;
  final Set<String> services;
  final Set<ServiceOperation> operations = new LinkedHashSet<>();
  final Set<ServiceTag> tags;

  TraceChunk(SpanBatch batch, IndexedTags tagPolicy) {
    BatchSummary summary = batch.summary();
    List<EncodedSpan> encoded = new ArrayList<>(batch.spans().size());
    for (WireSpan span : batch.spans()) {
      byte[] bytes = StoredEnvelope.encode(span);
      encoded.add(new EncodedSpan(span.spanId(), bytes, SpanCodec.digest(bytes)));
    }
    this.spans = List.copyOf(encoded);
    this.startNanos = summary.startNanos();
    this.endNanos = summary.endNanos();
    this.spanCount = summary.spanCount();
    this.errorCount = summary.errorCount();
    this.firstService = summary.firstService();
    this.firstOperation = summary.firstName();
    this.rootService = summary.rootService();
    this.rootOperation = summary.rootName();
    this.services = summary.services();
    for (BatchSummary.ServiceOperation op : summary.operations()) {
      operations.add(new ServiceOperation(op.service(), op.name(), op.kind()));
    }
    this.tags = tagPolicy.tagsOf(batch);
    this.id = idOf(batch, encoded);
  }

  long durationNanos() {
    return endNanos - startNanos;
  }

  /** Derived from the spans' identities, so writing the same batch twice adds one chunk. */
  private static UUID idOf(SpanBatch batch, List<EncodedSpan> spans) {
    ByteBuffer key = ByteBuffer.allocate(spans.size() * 16);
    spans.stream()
        .map(s -> new long[] {s.spanId().value(), s.digest()})
        .sorted((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]))
        .forEach(pair -> key.putLong(pair[0]).putLong(pair[1]));
    byte[] traceId = batch.traceId().toHex().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[traceId.length + key.capacity()];
    System.arraycopy(traceId, 0, all, 0, traceId.length);
    System.arraycopy(key.array(), 0, all, traceId.length, key.capacity());
    return UUID.nameUUIDFromBytes(all);
  }
}
