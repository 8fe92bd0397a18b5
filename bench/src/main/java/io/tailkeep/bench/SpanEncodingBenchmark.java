package io.tailkeep.bench;

import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.cassandra.TraceChunks;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Cassandra store's encoding of one kept trace, as its writer does before binding statements
 * ({@code TraceChunk.of}): each span's stored envelope composed from its bytes and digested, the
 * summary's names bounded, the default tags read from the spans. The traces are those the default
 * rules keep from the traffic model's mix, as the buffer hands them over.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SpanEncodingBenchmark {

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
