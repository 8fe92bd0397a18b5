package io.tailkeep.sampler.rules;

import java.util.Collection;

/** Holds when the wrapped condition does not, e.g. to leave some services out of a generic rule. */
record NotCondition(Condition negated) implements Condition {

  @Override
  public boolean holds(TraceFacts facts) {
    return !negated.holds(facts);
  }

  @Override
  public void addAttributeSelectors(Collection<AttributeSelector> into) {
    negated.addAttributeSelectors(into);
  }
}
