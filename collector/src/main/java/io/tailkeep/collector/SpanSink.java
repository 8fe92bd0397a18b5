package io.tailkeep.collector;

import io.tailkeep.store.WireSpan;
import java.util.List;

/**
 * Where the receivers hand validated spans: the sampler's buffer in production, a list in tests.
 *
 * <p>{@link #offer} runs on gRPC executor threads and on Vert.x event-loop threads, so it must answer
 * quickly and never block. Spans it accepts are its responsibility from then on; when it refuses, the
 * receiver tells the exporter to retry, so nothing is lost silently.
 */
@FunctionalInterface
public interface SpanSink {

  /** Takes all of {@code spans} or none of them. */
  Admission offer(List<WireSpan> spans);
}
