package io.tailkeep.sampler.rules;

/** The number of spans received so far for the trace, compared with a threshold. */
record SpanCountCondition(Comparison comparison, long threshold) implements Condition {

  @Override
  public boolean holds(TraceFacts facts) {
    return comparison.test(facts.spanCount(), threshold);
  }
}
