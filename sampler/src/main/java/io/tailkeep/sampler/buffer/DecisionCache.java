package io.tailkeep.sampler.buffer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.tailkeep.store.TraceId;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Remembers recent decisions by trace ID, so late spans follow their trace's decision and "why was
 * this trace kept?" has an answer. Bounded by count and by time since the decision; a trace whose
 * decision was forgotten is buffered and decided afresh if more spans come (percent samples decide
 * the same trace ID the same way, so that mostly repeats the first decision).
 */
final class DecisionCache {

  private final Cache<TraceId, RememberedDecision> decisions;

  DecisionCache(long maximumSize, Duration expireAfterWrite, Ticker ticker, Executor executor) {
    Caffeine<Object, Object> builder =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .expireAfterWrite(expireAfterWrite)
            .ticker(ticker);
    if (executor != null) {
      builder.executor(executor);
    }
    this.decisions = builder.build();
  }

  void remember(TraceId traceId, RememberedDecision decision) {
    decisions.put(traceId, decision);
  }

  /** The remembered decision, or null when there is none (never decided, or forgotten). */
  RememberedDecision find(TraceId traceId) {
    return decisions.getIfPresent(traceId);
  }

  Optional<DecisionRecord> why(TraceId traceId) {
    return Optional.ofNullable(find(traceId)).map(RememberedDecision::toRecord);
  }
}
