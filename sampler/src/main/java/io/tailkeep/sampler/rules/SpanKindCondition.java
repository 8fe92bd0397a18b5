package io.tailkeep.sampler.rules;

/** The root span's kind, or some span's kind, is one of the accepted kinds (a bit set). */
record SpanKindCondition(Scope scope, int acceptedKindBits) implements Condition {

  @Override
  public boolean holds(TraceFacts facts) {
    if (scope == Scope.ROOT) {
      return facts.rootSeen() && (facts.rootKind().bit() & acceptedKindBits) != 0;
    }
    return facts.anySpanKind(acceptedKindBits);
  }
}
