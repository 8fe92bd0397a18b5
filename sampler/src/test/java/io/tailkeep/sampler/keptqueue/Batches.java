package io.tailkeep.sampler.keptqueue;

import static io.tailkeep.store.testing.TestSpans.child;
import static io.tailkeep.store.testing.TestSpans.traceId;

import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.util.ArrayList;
import java.util.List;

/** Kept-trace batches for store queue tests. */
final class Batches {

  private Batches() {}

  /** A whole kept trace, trace ID {@code traceId(n)}, with {@code spans} spans. */
  static SpanBatch kept(long n, int spans) {
    return SpanBatch.summarizing(spans(traceId(n), spans), new Sampling("keep-errors", 1));
  }

  static SpanBatch kept(long n) {
    return kept(n, 1);
  }

  /** Late spans of a kept trace: no sampling decision. */
  static SpanBatch late(long n, int spans) {
    return SpanBatch.summarizing(spans(traceId(n), spans), null);
  }

  static TraceId id(long n) {
    return traceId(n);
  }

  private static List<WireSpan> spans(TraceId traceId, int count) {
    List<WireSpan> spans = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      spans.add(child(traceId).build());
    }
    return spans;
  }
}
