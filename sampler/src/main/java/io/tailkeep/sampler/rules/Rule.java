package io.tailkeep.sampler.rules;

import java.util.List;

/**
 * One rule of the file: when its conditions hold (all or any of them), its action decides. Its
 * text is each condition and the action as written, in flow style, for the API and the UI.
 */
record Rule(String name, String description, boolean matchAny, List<Condition> conditions,
    Action action, RuleSet.RuleText text) {

  Rule {
    conditions = List.copyOf(conditions);
  }

  /** No conditions means the rule matches every trace, under either match mode. */
  boolean matches(TraceFacts facts) {
    if (conditions.isEmpty()) {
      return true;
    }
    for (Condition condition : conditions) {
      if (condition.holds(facts) == matchAny) {
        return matchAny;
      }
    }
    return !matchAny;
  }
}
