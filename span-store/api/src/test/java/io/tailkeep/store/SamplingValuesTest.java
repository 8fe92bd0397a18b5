package io.tailkeep.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The values of the decision log and the rule counts: what they refuse, how they order and sum. */
class SamplingValuesTest {
  static final TraceId TRACE = TraceId.fromHex("0af7651916cd43dd8448eb211c80319c");
  static final Instant AT = Instant.parse("2025-03-04T05:06:07Z");

  static StoredDecision decision(boolean keep, double probability, Instant at, String node) {
    return new StoredDecision(TRACE, keep, "rule", probability, false, "ROOT_GRACE", "v1", at, node, 3);
  }

  @Test
  void aDecisionRefusesBadFieldsNamingThem() {
    assertThatThrownBy(() -> decision(true, 0, AT, "n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("probability of a kept trace must be above 0, got 0");
    assertThat(decision(false, 0, AT, "n").probability()).as("a drop may have probability 0").isZero();
    assertThatThrownBy(() -> decision(false, 1.5, AT, "n")).hasMessage("probability must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> decision(false, -0.1, AT, "n")).hasMessage("probability must be in [0, 1], got -0.1");
    assertThatThrownBy(() -> decision(true, Double.NaN, AT, "n")).hasMessage("probability must be in [0, 1], got NaN");
    assertThatThrownBy(() -> decision(true, 1, AT, " ")).hasMessage("node must not be blank");
    assertThatThrownBy(() -> decision(true, 1, AT, "x".repeat(300)))
        .hasMessageStartingWith("node must be at most 256 characters, got 300: 'xxxx");
    assertThatThrownBy(() -> decision(true, 1, null, "n")).isInstanceOf(NullPointerException.class).hasMessage("decidedAt");
    assertThatThrownBy(() -> decision(true, 1, Instant.EPOCH.minusNanos(1), "n"))
        .hasMessageStartingWith("decidedAt must be between 1970-01-01T00:00:00Z and 2262-04-11T23:47:16.854775807Z");
    assertThatThrownBy(() -> new StoredDecision(null, true, "r", 1, false, "R", "v", AT, "n", 1))
        .isInstanceOf(NullPointerException.class).hasMessage("traceId");
    assertThatThrownBy(() -> new StoredDecision(TRACE, true, "", 1, false, "R", "v", AT, "n", 1))
        .hasMessage("rule must not be blank");
    assertThatThrownBy(() -> new StoredDecision(TRACE, true, "r", 1, false, null, "v", AT, "n", 1))
        .isInstanceOf(NullPointerException.class).hasMessage("reason");
    assertThatThrownBy(() -> new StoredDecision(TRACE, true, "r", 1, false, "R", " ", AT, "n", 1))
        .hasMessage("rulesVersion must not be blank");
    assertThatThrownBy(() -> new StoredDecision(TRACE, true, "r", 1, false, "R", "v", AT, "n", -1))
        .hasMessage("spansDecided must not be negative, got -1");
  }

  @Test
  void theFirstDecidedComesFirstThenTheNodeAsUtf8Bytes() {
    StoredDecision early = decision(true, 1, AT, "z");
    StoredDecision late = decision(false, 0.5, AT.plusNanos(1), "a");
    // U+FF5A sorts before U+1F600 as UTF-8 bytes (EF.. < F0..) but after it as UTF-16 (FF5A > D83D)
    StoredDecision fullwidth = decision(true, 1, AT, "\uFF5A");
    StoredDecision emoji = decision(true, 1, AT, "\uD83D\uDE00");
    List<StoredDecision> sorted = new ArrayList<>(List.of(late, emoji, early, fullwidth));

    sorted.sort(StoredDecision.FIRST_DECIDED);

    assertThat(sorted).containsExactly(early, fullwidth, emoji, late);
  }

  @Test
  void ruleCountsRefuseNegativeCountsAndSumPerRuleSorted() {
    assertThatThrownBy(() -> new RuleCounts("r", -1, 0))
        .hasMessage("counts of rule 'r' must not be negative, got kept -1, dropped 0");
    assertThatThrownBy(() -> new RuleCounts(null, 1, 0)).isInstanceOf(NullPointerException.class).hasMessage("rule");

    assertThat(RuleCounts.sumByRule(List.of(
            new RuleCounts("slow", 1, 0), new RuleCounts("baseline", 2, 18), new RuleCounts("slow", 3, 1))))
        .containsExactly(new RuleCounts("baseline", 2, 18), new RuleCounts("slow", 4, 1));
    assertThat(RuleCounts.sumByRule(List.of())).isEmpty();
  }

  @Test
  void aMinuteWindowHoldsTheMinutesStartingInIt() {
    Instant hour = Instant.parse("2025-03-04T05:00:00Z");
    MinuteWindow window = MinuteWindow.of(hour.plusSeconds(30), hour.plusSeconds(150));

    assertThat(window).isEqualTo(new MinuteWindow(hour.plusSeconds(60), hour.plusSeconds(180)));
    assertThat(window.contains(hour)).isFalse();
    assertThat(window.contains(hour.plusSeconds(60))).isTrue();
    assertThat(window.contains(hour.plusSeconds(120))).isTrue();
    assertThat(window.contains(hour.plusSeconds(180))).isFalse();
    assertThat(MinuteWindow.of(hour.plusNanos(1), hour.plusSeconds(60)).isEmpty()).isTrue();
    assertThatThrownBy(() -> new MinuteWindow(hour.plusSeconds(1), hour.plusSeconds(60)))
        .hasMessageStartingWith("a minute window runs from a whole minute to a later one");
    assertThatThrownBy(() -> MinuteWindow.of(hour, Instant.parse("+10000-01-01T00:00:00Z")))
        .hasMessageStartingWith("to must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:00Z");
  }
}
