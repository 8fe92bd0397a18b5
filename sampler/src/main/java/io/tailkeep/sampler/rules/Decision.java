package io.tailkeep.sampler.rules;

import io.tailkeep.store.Sampling;
import java.util.Objects;
import java.util.Optional;

/**
 * What the rules decided for one trace.
 *
 * @param keep whether the trace is stored
 * @param rule the name of the rule that decided, {@value #DEFAULT_RULE} when none matched, or
 *     {@value #RULES_FAILED} when a rule failed on the trace
 * @param probability the probability the trace was kept with: 1 for an unconditional keep, {@code
 *     percent / 100} for a baseline, and always 0 for a drop
 * @param rateLimited whether the deciding rule would have kept the trace but its traces-per-second
 *     limit refused it (the trace is then dropped)
 */
public record Decision(boolean keep, String rule, double probability, boolean rateLimited) {

  /** The rule name a decision carries when no rule matched and the rule set's default decided. */
  public static final String DEFAULT_RULE = "default";

  /** The rule name a decision carries when a rule failed (threw) on the trace: it is kept. */
  public static final String RULES_FAILED = "rules_failed";

  public Decision {
    Objects.requireNonNull(rule, "rule");
    if (rule.isBlank()) {
      throw new IllegalArgumentException("decision rule must not be blank");
    }
    if (keep && !(probability > 0 && probability <= 1)) {
      throw new IllegalArgumentException("a keep needs a probability in (0, 1], got " + probability);
    }
    if (keep && rateLimited) {
      throw new IllegalArgumentException("a rate-limited trace is dropped, not kept");
    }
    if (!keep && probability != 0) {
      throw new IllegalArgumentException("a drop has keep probability 0, got " + probability);
    }
  }

  static Decision kept(String rule, double probability) {
    return new Decision(true, rule, probability, false);
  }

  static Decision dropped(String rule) {
    return new Decision(false, rule, 0, false);
  }

  static Decision refusedByRateLimit(String rule) {
    return new Decision(false, rule, 0, true);
  }

  /** The rule and probability to store with a kept trace; empty for a drop. */
  public Optional<Sampling> sampling() {
    return keep ? Optional.of(new Sampling(rule, probability)) : Optional.empty();
  }
}
