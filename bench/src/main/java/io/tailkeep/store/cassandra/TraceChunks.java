package io.tailkeep.store.cassandra;

import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.SpanBatch;

/**
 * The benchmark's way into the Cassandra store's package-private encoding of a kept trace (this
 * class sits in the store's package, in the bench module only): {@link TraceChunk#of}, what {@code
 * CassandraSpanWriter.write} computes from a batch before it binds a single statement. Not a
 * product API.
 */
public final class TraceChunks {

  private TraceChunks() {}

  /** The batch's spans encoded as stored, with its summary and index keys; a {@code TraceChunk}. */
  public static Object encode(SpanBatch batch, IndexedTags indexedTags) {
    return TraceChunk.of(batch, indexedTags);
  }

  /** Spans in an encoded chunk. */
  public static int spanCount(Object chunk) {
    return ((TraceChunk) chunk).spanCount;
  }

  /** Bytes of an encoded chunk's span blocks. */
  public static long encodedBytes(Object chunk) {
    return ((TraceChunk) chunk).blocks.stream().mapToLong(block -> block.bytes().length).sum();
  }

  /** Tag index rows an encoded chunk adds. */
  public static int tagCount(Object chunk) {
    return ((TraceChunk) chunk).tags.size();
  }
}
