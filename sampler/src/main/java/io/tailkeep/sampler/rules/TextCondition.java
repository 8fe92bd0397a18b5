package io.tailkeep.sampler.rules;

import java.util.function.Predicate;

/** The root span's (or some span's) service name or span name passes a string test. */
record TextCondition(TextField field, Scope scope, Predicate<String> test) implements Condition {

  @Override
  public boolean holds(TraceFacts facts) {
    if (scope == Scope.ROOT) {
      if (!facts.rootSeen()) {
        return false;
      }
      return test.test(field == TextField.SERVICE ? facts.rootServiceName() : facts.rootName());
    }
    DistinctValues<String> values =
        field == TextField.SERVICE ? facts.serviceNames() : facts.spanNames();
    return values.anyMatch(test);
  }
}
