package io.tailkeep.sampler.rules;

import java.util.Collection;

/**
 * {@code exists: true}: the root span (or some span) has the attribute, on the span or its
 * resource; {@code exists: false}: it has not. On the root scope both need the root span.
 */
record AttributePresenceCondition(AttributeSelector selector, Scope scope, boolean expected)
    implements Condition {

  @Override
  public boolean holds(TraceFacts facts) {
    if (scope == Scope.ROOT && !facts.rootSeen()) {
      return false;
    }
    return (facts.attributeValues(selector, scope) != null) == expected;
  }

  @Override
  public void addAttributeSelectors(Collection<AttributeSelector> into) {
    into.add(selector);
  }
}
