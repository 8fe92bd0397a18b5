package io.tailkeep.sampler.rules;

/** {@code error: true}: some span is in error (or answered HTTP 5xx as a server); false: none. */
record ErrorCondition(boolean expected) implements Condition {

  @Override
  public boolean holds(TraceFacts facts) {
    return facts.errorSeen() == expected;
  }
}
