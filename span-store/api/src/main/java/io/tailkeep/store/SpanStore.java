package io.tailkeep.store;

/**
 * A storage backend: the spans' writer and reader, the sampling decision log and the per-minute
 * rule counts, closed together.
 */
public interface SpanStore extends AutoCloseable {

  SpanWriter writer();

  SpanReader reader();

  DecisionLog decisions();

  SamplingCounts samplingCounts();

  @Override
  void close();
}
