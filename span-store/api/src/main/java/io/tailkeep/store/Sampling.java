package io.tailkeep.store;

import java.util.Objects;

/**
 * Why a trace was kept: the rule that kept it and the probability it was kept with. Its adjusted
 * count, the number of traces it stands for, is {@code 1 / probability}.
 */
public record Sampling(String rule, double probability) {

  public Sampling {
    Objects.requireNonNull(rule, "rule");
    if (rule.isBlank()) {
      throw new IllegalArgumentException("sampling rule must not be blank");
    }
    if (!(probability > 0 && probability <= 1)) {
      throw new IllegalArgumentException(
          "sampling probability must be in (0, 1], got " + probability);
    }
  }

  public double adjustedCount() {
    return 1 / probability;
  }
}
