package io.tailkeep.store.cassandra;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.BatchSummary;
import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.IndexedTags.ServiceTag;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What one written batch stores: its spans in blocks ({@link SpanBlocks}), and what it contributes
 * to its trace's summary and indexes. Computed from the batch alone, so a write never reads first;
 * the reader merges the chunks of a trace. The writer works from this alone, never from the OTLP spans.
 *
 * <p>Every name that becomes a key is bounded here ({@link IndexKeys}), whoever computed it.
 */
final class TraceChunk {

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
  /** The batch's spans in blocks, ordered by span ID and digest, so a retry writes the same rows. */
  final List<SpanBlocks.Block> blocks;
  final Set<String> services = new LinkedHashSet<>();
  final Set<ServiceOperation> operations = new LinkedHashSet<>();
  final Set<ServiceTag> tags = new LinkedHashSet<>();

  /**
   * A chunk from values computed elsewhere. Names are cut to {@link IndexKeys#MAX_UTF8_BYTES}; a
   * tag whose key or value is longer is left out (a cut value would match other values).
   */
  TraceChunk(
      TraceId traceId,
      UUID id,
      List<SpanBlocks.Block> blocks,
      long startNanos,
      long endNanos,
      int errorCount,
      ServiceOperation first,
      ServiceOperation root,
      Collection<String> services,
      Collection<ServiceOperation> operations,
      Collection<ServiceTag> tags) {
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("a chunk needs at least one span");
    }
    this.traceId = traceId;
    this.id = id;
    this.blocks = List.copyOf(blocks);
    this.startNanos = startNanos;
    this.endNanos = endNanos;
    this.spanCount = this.blocks.stream().mapToInt(SpanBlocks.Block::spanCount).sum();
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
    List<WireSpan> spans = batch.spans();
    long[] spanIds = new long[spans.size()];
    long[] digests = new long[spans.size()];
    Integer[] order = new Integer[spans.size()];
    for (int i = 0; i < order.length; i++) {
      spanIds[i] = spans.get(i).spanId().value();
      digests[i] = digest(spans.get(i));
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) -> spanIds[a] != spanIds[b]
            ? Long.compare(spanIds[a], spanIds[b])
            : Long.compare(digests[a], digests[b]));
    // Identical copies in one batch (same ID and digest) are stored once, as a retry is.
    List<Integer> distinct = new ArrayList<>(order.length);
    List<WireSpan> sorted = new ArrayList<>(order.length);
    for (int k = 0; k < order.length; k++) {
      int i = order[k];
      if (k == 0 || spanIds[i] != spanIds[order[k - 1]] || digests[i] != digests[order[k - 1]]) {
        distinct.add(i);
        sorted.add(spans.get(i));
      }
    }
    BatchSummary summary = batch.summary();
    List<ServiceOperation> operations = new ArrayList<>(summary.operations().size());
    for (BatchSummary.ServiceOperation op : summary.operations()) {
      operations.add(new ServiceOperation(op.service(), op.name(), op.kind()));
    }
    return new TraceChunk(
        batch.traceId(),
        idOf(batch.traceId(), distinct, spanIds, digests),
        SpanBlocks.encode(sorted, SpanBlocks.MAX_BLOCK_BYTES),
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

  /**
   * Derived from the spans' identities (span ID and digest, in {@code order}), so writing the same
   * batch twice, in any order, adds one chunk.
   */
  private static UUID idOf(TraceId traceId, List<Integer> order, long[] spanIds, long[] digests) {
    ByteBuffer key = ByteBuffer.allocate(order.size() * 16);
    for (int i : order) {
      key.putLong(spanIds[i]).putLong(digests[i]);
    }
    byte[] traceHex = traceId.toHex().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[traceHex.length + key.capacity()];
    System.arraycopy(traceHex, 0, all, 0, traceHex.length);
    System.arraycopy(key.array(), 0, all, traceHex.length, key.capacity());
    return UUID.nameUUIDFromBytes(all);
  }

  /**
   * What tells apart two versions of one span ID: a 64-bit FNV-1a of the span's bytes, mixed with
   * its origin's content hash. Equal spans under equal resources and scopes get equal digests.
   */
  private static long digest(WireSpan span) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : span.bytes()) {
      hash ^= b & 0xFF;
      hash *= 0x100000001b3L;
    }
    return hash * 31 + span.origin().hashCode();
  }
}
