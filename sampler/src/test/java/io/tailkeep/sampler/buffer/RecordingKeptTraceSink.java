package io.tailkeep.sampler.buffer;

import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.TraceId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that keeps what it is given. */
final class RecordingKeptTraceSink implements KeptTraceSink {

  final List<SpanBatch> batches = new CopyOnWriteArrayList<>();

  @Override
  public void accept(SpanBatch batch) {
    batches.add(batch);
  }

  List<SpanBatch> of(TraceId traceId) {
    return batches.stream().filter(batch -> batch.traceId().equals(traceId)).toList();
  }

  int spanCount() {
    return batches.stream().mapToInt(batch -> batch.spans().size()).sum();
  }
}
