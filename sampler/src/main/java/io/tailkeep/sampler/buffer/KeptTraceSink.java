package io.tailkeep.sampler.buffer;

import io.tailkeep.store.SpanBatch;

/**
 * Where the buffer hands kept traces: a whole trace with its {@code sampling}, or late spans of a
 * kept trace with {@code sampling == null}. Called from the thread that decided (the scheduler, an
 * offering thread, or Caffeine's maintenance executor for evicted traces), never under a lock of
 * the buffer. It should only enqueue; a sink that throws loses the batch, which is counted in
 * {@link TraceBuffer#sinkFailures()}.
 */
@FunctionalInterface
public interface KeptTraceSink {

  void accept(SpanBatch batch);
}
