package io.tailkeep.sampler.rules;

import io.tailkeep.store.TraceId;

/** What a rule does with a trace it matches. */
sealed interface Action permits Action.Keep, Action.Drop {

  Decision decide(String ruleName, TraceId traceId);

  /**
   * Keep, in a percent sample chosen by trace ID, under an optional traces-per-second limit. The
   * sample is drawn first, so only sampled traces spend the limit's tokens. The decision's
   * probability is percent / 100; a limit that refuses traces lowers the true probability by an
   * amount the decision cannot know, so a refused trace is simply marked rate-limited.
   */
  record Keep(double percent, TokenBucket rateLimit) implements Action {

    static final double ALL = 100;

    @Override
    public Decision decide(String ruleName, TraceId traceId) {
      if (percent < ALL && !TraceIdSampling.inSample(traceId, percent)) {
        return Decision.dropped(ruleName);
      }
      if (rateLimit != null && !rateLimit.tryAcquire()) {
        return Decision.refusedByRateLimit(ruleName);
      }
      return Decision.kept(ruleName, percent / ALL);
    }
  }

  record Drop() implements Action {

    @Override
    public Decision decide(String ruleName, TraceId traceId) {
      return Decision.dropped(ruleName);
    }
  }
}
