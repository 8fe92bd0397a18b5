package io.tailkeep.store.cassandra;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers which service and operation names were written lately, so each is rewritten only once
 * per refresh interval (before its TTL runs out) rather than with every span.
 */
final class NameCache {
  private static final int MAX_ENTRIES = 100_000;

  private final ConcurrentHashMap<Object, Long> writtenAt = new ConcurrentHashMap<>();
  private final long refreshNanos;
  private final LongSupplier nanoTime;

  NameCache(long refreshNanos, LongSupplier nanoTime) {
    this.refreshNanos = refreshNanos;
    this.nanoTime = nanoTime;
  }

  /** True when {@code name} should be written now; the caller then writes it. */
  boolean shouldWrite(Object name) {
    long now = nanoTime.getAsLong();
    if (writtenAt.size() >= MAX_ENTRIES) {
      writtenAt.clear(); // high-cardinality names: forget and rewrite rather than grow
    }
    boolean[] due = {false};
    writtenAt.compute(
        name,
        (key, last) -> {
          if (last == null || now - last >= refreshNanos) {
            due[0] = true;
            return now;
          }
          return last;
        });
    return due[0];
  }

  /** Forgets a name whose write failed, so the next batch tries again. */
  void forget(Object name) {
    writtenAt.remove(name);
  }
}
