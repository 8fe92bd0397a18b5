package io.tailkeep.sampler.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DecisionTest {

  @Test
  void keepNeedsAProbabilityAboveZero() {
    assertThatThrownBy(() -> new Decision(true, "r", 0, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> new Decision(true, "r", 1.5, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dropHasKeepProbabilityZero() {
    assertThatThrownBy(() -> new Decision(false, "r", 0.5, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keep probability 0");
  }

  @Test
  void rateLimitedMeansDropped() {
    assertThatThrownBy(() -> new Decision(true, "r", 1, true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Decision.refusedByRateLimit("r"))
        .isEqualTo(new Decision(false, "r", 0, true));
  }

  @Test
  void ruleIsRequired() {
    assertThatThrownBy(() -> new Decision(false, " ", 0, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
