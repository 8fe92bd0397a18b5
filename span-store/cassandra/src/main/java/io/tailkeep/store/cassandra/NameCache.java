package io.tailkeep.store.cassandra;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Remembers which service and operation names were written lately, so each is rewritten only once
 * per refresh interval (before its TTL runs out) rather than with every span. Bounded: with more
 * names than it holds (high cardinality), the least used are forgotten and simply written again.
 */
final class NameCache {
  private static final int MAX_ENTRIES = 100_000;

  private final Cache<Object, Boolean> written;

  NameCache(long refreshNanos, LongSupplier nanoTime) {
    this.written =
        Caffeine.newBuilder()
            .maximumSize(MAX_ENTRIES)
            .expireAfterWrite(Duration.ofNanos(refreshNanos))
            .ticker(nanoTime::getAsLong)
            .executor(Runnable::run) // maintenance on the caller's thread: no pool for a tiny cache
            .build();
  }

  /** True when {@code name} should be written now; the caller then writes it. */
  boolean shouldWrite(Object name) {
    return written.asMap().putIfAbsent(name, Boolean.TRUE) == null;
  }

  /** Forgets a name whose write failed, so the next batch tries again. */
  void forget(Object name) {
    written.invalidate(name);
  }
}
