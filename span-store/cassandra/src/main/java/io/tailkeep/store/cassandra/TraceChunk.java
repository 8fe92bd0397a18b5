package io.tailkeep.store.cassandra;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.TraceId;
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

  record ServiceTag(String service, String key, String value) {}

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

  /** Encodes the batch's spans and summarises them; tags as {@code tagPolicy} indexes them. */
  static TraceChunk of(SpanBatch batch, TagPolicy tagPolicy) {
    List<EncodedSpan> encoded = new ArrayList<>(batch.spans().size());
    Set<String> services = new LinkedHashSet<>();
    Set<ServiceOperation> operations = new LinkedHashSet<>();
    Set<ServiceTag> tags = new LinkedHashSet<>();
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    int errors = 0;
    OtlpSpan earliest = null;
    OtlpSpan rootSpan = null;
    for (OtlpSpan span : batch.spans()) {
      byte[] bytes = SpanCodec.encode(span);
      encoded.add(new EncodedSpan(span.spanId(), bytes, SpanCodec.digest(bytes)));
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
      operations.add(operationOf(span));
      addTags(tags, service, span.span().getAttributesList(), tagPolicy);
      addTags(tags, service, span.resource().getAttributesList(), tagPolicy);
    }
    return new TraceChunk(
        batch.traceId(),
        encoded,
        start,
        end,
        errors,
        operationOf(earliest),
        rootSpan == null ? null : operationOf(rootSpan),
        services,
        operations,
        tags);
  }

  long durationNanos() {
    return endNanos - startNanos;
  }

  private static ServiceOperation operationOf(OtlpSpan span) {
    return new ServiceOperation(span.serviceName(), span.name(), span.span().getKind());
  }

  private static void addTags(
      Set<ServiceTag> tags, String service, List<KeyValue> attributes, TagPolicy tagPolicy) {
    for (KeyValue kv : attributes) {
      tagPolicy
          .indexedValue(kv.getKey(), kv.getValue())
          .ifPresent(value -> tags.add(new ServiceTag(service, kv.getKey(), value)));
    }
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
