package io.tailkeep.store;

import io.tailkeep.store.traffic.TrafficCounts;

/**
 * A storage backend: the spans' writer and reader, the sampling decision log, the per-minute rule
 * counts and the per-minute traffic counts, closed together.
 */
public interface SpanStore extends AutoCloseable {

  SpanWriter writer();

  SpanReader reader();

  DecisionLog decisions();

  SamplingCounts samplingCounts();

  TrafficCounts traffic();

  @Override
  void close();
}
