package io.tailkeep.sampler.rules;

import io.tailkeep.store.TraceId;
import java.util.List;

/** What a rule does with a trace it matches. */
sealed interface Action permits Action.Keep, Action.Drop {

  Decision decide(String ruleName, TraceId traceId, TraceFacts facts);

  /**
   * Keep, in a sample chosen by trace ID, under an optional traces-per-second limit. The sample's
   * probability is percent / 100, lowered per key when {@code perKey} is set: a key's traces are
   * then kept with at most the probability that keeps its target rate ({@link KeyedThroughput}).
   * The sample is drawn first, so only sampled traces spend the limit's tokens. The decision
   * carries the probability it was drawn with; a limit that refuses traces lowers the true
   * probability by an amount the decision cannot know, so a refused trace is marked rate-limited.
   */
  record Keep(double percent, TokenBucket rateLimit, PerKey perKey) implements Action {

    static final double ALL = 100;

    Keep(double percent, TokenBucket rateLimit) {
      this(percent, rateLimit, null);
    }

    @Override
    public Decision decide(String ruleName, TraceId traceId, TraceFacts facts) {
      double probability = percent / ALL;
      if (perKey != null) {
        probability = Math.min(probability, perKey.throughput().probability(perKey.keyOf(facts)));
      }
      if (probability < 1 && !TraceIdSampling.inSample(traceId, probability * ALL)) {
        return Decision.dropped(ruleName);
      }
      if (rateLimit != null && !rateLimit.tryAcquire()) {
        return Decision.refusedByRateLimit(ruleName);
      }
      return Decision.kept(ruleName, probability);
    }
  }

  /**
   * A target of kept traces per second for each distinct key, the key being the root span's
   * values of the {@code by} attributes (span or resource attributes, such as {@code service.name}
   * and {@code http.route}); a trace without one of them has an empty value there.
   */
  record PerKey(List<AttributeSelector> by, KeyedThroughput throughput) {

    public PerKey {
      by = List.copyOf(by);
    }

    String keyOf(TraceFacts facts) {
      StringBuilder key = new StringBuilder();
      for (AttributeSelector selector : by) {
        DistinctValues<Object> values = facts.attributeValues(selector, Scope.ROOT);
        if (values != null && !values.values().isEmpty()) {
          key.append(values.values().get(0));
        }
        key.append('\u0000');
      }
      return key.toString();
    }
  }

  record Drop() implements Action {

    @Override
    public Decision decide(String ruleName, TraceId traceId, TraceFacts facts) {
      return Decision.dropped(ruleName);
    }
  }
}
