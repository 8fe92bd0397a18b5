package io.tailkeep.sampler.rules;

import java.util.Collection;

/** One test a rule makes on a trace's summary. */
interface Condition {

  boolean holds(TraceFacts facts);

  /** Adds the attributes this condition reads, so the summary records exactly those. */
  default void addAttributeSelectors(Collection<AttributeSelector> into) {}
}
