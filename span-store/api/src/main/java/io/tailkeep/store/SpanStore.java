package io.tailkeep.store;

/** A storage backend: one writer, one reader, closed together. */
public interface SpanStore extends AutoCloseable {

  SpanWriter writer();

  SpanReader reader();

  @Override
  void close();
}
