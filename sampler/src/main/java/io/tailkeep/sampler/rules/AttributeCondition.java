package io.tailkeep.sampler.rules;

import java.util.Collection;
import java.util.function.Predicate;

/**
 * A span or resource attribute of the root span (or of some span) passes a value test. A span
 * without the attribute never passes, whatever the operator (not_equals included).
 */
record AttributeCondition(AttributeSelector selector, Scope scope, Predicate<Object> test)
    implements Condition {

  @Override
  public boolean holds(TraceFacts facts) {
    DistinctValues<Object> values = facts.attributeValues(selector, scope);
    return values != null && values.anyMatch(test);
  }

  @Override
  public void addAttributeSelectors(Collection<AttributeSelector> into) {
    into.add(selector);
  }
}
