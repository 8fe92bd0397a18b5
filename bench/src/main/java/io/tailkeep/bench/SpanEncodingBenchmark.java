package io.tailkeep.bench;

import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.cassandra.TraceChunks;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The Cassandra store's encoding of one kept trace, as its writer does before binding statements
 * ({@code TraceChunk.of}): each span digested, the spans composed into blocks from their bytes, the
 * summary's names bounded, the default tags read from the spans. The traces are those the default
 * rules keep from the traffic model's mix, as the buffer hands them over.
 */
public class SpanEncodingBenchmark extends HotPathBenchmark {

  /** Requests whose kept traces take turns (about 5 % of their traces). */
  @Param("256")
  int requests;

  /** What the store indexes unless configured otherwise. */
  final IndexedTags indexedTags =
      new IndexedTags(IndexedTags.DEFAULT_KEYS, IndexedTags.DEFAULT_MAX_VALUE_LENGTH);

  RoundRobin<SpanBatch> kept;

  @Setup
  public void keepTraces() {
    kept = new RoundRobin<>(HotPathInputs.keptTraces(requests));
  }

  /** A {@code TraceChunk}. */
  @Benchmark
  public Object encode() {
    return TraceChunks.encode(kept.next(), indexedTags);
  }
}
