package io.tailkeep.sampler.rules;

/**
 * The root span's duration, or some span's duration, compared with a threshold. "Some span lasted at
 * least t" is answered by the longest span, "some span lasted less than t" by the shortest.
 */
record DurationCondition(Scope scope, Comparison comparison, long thresholdNanos)
    implements Condition {

  @Override
  public boolean holds(TraceFacts facts) {
    if (scope == Scope.ROOT) {
      return facts.rootSeen() && comparison.test(facts.rootDurationNanos(), thresholdNanos);
    }
    if (facts.spanCount() == 0) {
      return false;
    }
    long observed =
        comparison.isUpperBound() ? facts.minDurationNanos() : facts.maxDurationNanos();
    return comparison.test(observed, thresholdNanos);
  }
}
