package io.tailkeep.store.cassandra;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.BatchSummary;
import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.IndexedTags.ServiceTag;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.StoredEnvelope;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What one written batch stores: its spans as encoded bytes, and what it contributes to its
 * trace's summary and indexes. Computed from the batch alone, so a write never reads first; the
 * reader merges the chunks of a trace. The writer works from this alone, never from the OTLP spans.
 *
 * <p>Every name that becomes a key is bounded here ({@link IndexKeys}), whoever computed it.
 */
final class TraceChunk {

  /** A span as stored: the envelope bytes, with the span ID and digest that key its row. */
  record EncodedSpan(SpanId spanId, byte[] bytes, long digest) {}

  record ServiceOperation(String service, String operation, SpanKind kind) {
    ServiceOperation bounded() {
      return new ServiceOperation(IndexKeys.bounded(service), IndexKeys.bounded(operation), kind);
    }
  }

  final TraceId traceId;
  final UUID id;
  final long startNanos;
  final long endNanos;
  final int spanCount;
  final int errorCount;
  /** The service and name of the batch's earliest span. */
  final ServiceOperation first;
  /** The service and name of the batch's earliest root span; null when it holds no root. */
  final ServiceOperation root;
  final List<EncodedSpan> spans;
  final Set<String> services = new LinkedHashSet<>();
  final Set<ServiceOperation> operations = new LinkedHashSet<>();
  final Set<ServiceTag> tags = new LinkedHashSet<>();

  /**
   * A chunk from values computed elsewhere. Names are cut to {@link IndexKeys#MAX_UTF8_BYTES}; a
   * tag whose key or value is longer is left out (a cut value would match other values).
   */
  TraceChunk(
      TraceId traceId,
      List<EncodedSpan> spans,
      long startNanos,
      long endNanos,
      int errorCount,
      ServiceOperation first,
      ServiceOperation root,
      Collection<String> services,
      Collection<ServiceOperation> operations,
      Collection<ServiceTag> tags) {
    if (spans.isEmpty()) {
      throw new IllegalArgumentException("a chunk needs at least one span");
    }
    this.traceId = traceId;
    this.spans = List.copyOf(spans);
    this.id = idOf(traceId, this.spans);
    this.startNanos = startNanos;
    this.endNanos = endNanos;
    this.spanCount = this.spans.size();
    this.errorCount = errorCount;
    this.first = first.bounded();
    this.root = root == null ? null : root.bounded();
    services.forEach(service -> this.services.add(IndexKeys.bounded(service)));
    operations.forEach(op -> this.operations.add(op.bounded()));
    for (ServiceTag tag : tags) {
      if (IndexKeys.fits(tag.key()) && IndexKeys.fits(tag.value())) {
        this.tags.add(new ServiceTag(IndexKeys.bounded(tag.service()), tag.key(), tag.value()));
      }
    }
  }

  /**
   * Encodes the batch's spans (composed from their bytes, not re-encoded) and takes its summary as
   * the sampler grew it; tags as {@code indexedTags} reads them from the spans.
   */
  static TraceChunk of(SpanBatch batch, IndexedTags indexedTags) {
    List<EncodedSpan> encoded = new ArrayList<>(batch.spans().size());
    for (WireSpan span : batch.spans()) {
      byte[] bytes = StoredEnvelope.encode(span);
      encoded.add(new EncodedSpan(span.spanId(), bytes, SpanCodec.digest(bytes)));
    }
    BatchSummary summary = batch.summary();
    List<ServiceOperation> operations = new ArrayList<>(summary.operations().size());
    for (BatchSummary.ServiceOperation op : summary.operations()) {
      operations.add(new ServiceOperation(op.service(), op.name(), op.kind()));
    }
    return new TraceChunk(
        batch.traceId(),
        encoded,
        summary.startNanos(),
        summary.endNanos(),
        summary.errorCount(),
        new ServiceOperation(summary.firstService(), summary.firstName(), SpanKind.SPAN_KIND_UNSPECIFIED),
        summary.rootSeen()
            ? new ServiceOperation(summary.rootService(), summary.rootName(), SpanKind.SPAN_KIND_UNSPECIFIED)
            : null,
        summary.services(),
        operations,
        indexedTags.tagsOf(batch));
  }

  long durationNanos() {
    return endNanos - startNanos;
  }

  /** Derived from the spans' identities, so writing the same batch twice adds one chunk. */
  private static UUID idOf(TraceId traceId, List<EncodedSpan> spans) {
    ByteBuffer key = ByteBuffer.allocate(spans.size() * 16);
    spans.stream()
        .map(s -> new long[] {s.spanId().value(), s.digest()})
        .sorted((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]))
        .forEach(pair -> key.putLong(pair[0]).putLong(pair[1]));
    byte[] traceHex = traceId.toHex().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[traceHex.length + key.capacity()];
    System.arraycopy(traceHex, 0, all, 0, traceHex.length);
    System.arraycopy(key.array(), 0, all, traceHex.length, key.capacity());
    return UUID.nameUUIDFromBytes(all);
  }
}
