package io.tailkeep.collector;

import io.tailkeep.store.WireSpan;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where the receivers hand validated spans: the sampler's buffer in the all-in-one, Kafka on an
 * ingest node, a list in tests.
 *
 * <p>{@link #offer} runs on gRPC executor threads and on Vert.x event-loop threads, so it must return
 * at once and never block; the exporter is answered when the returned stage completes. Spans it
 * accepts are its responsibility from then on; when it refuses, or the stage fails, the receiver
 * tells the exporter to retry, so nothing is lost silently.
 */
@FunctionalInterface
public interface SpanSink {

  /** Takes all of {@code spans} or none of them; the stage completes once that is settled. */
  CompletionStage<Admission> offer(List<WireSpan> spans);
}
