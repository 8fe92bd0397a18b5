package io.tailkeep.store.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.store.RuleCounts;
import io.tailkeep.store.SamplingCounts;
import io.tailkeep.store.SpanStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * What every store's {@link SamplingCounts} must do; {@link SpanStoreContract} runs it. Tests share
 * the store, so each writes in an hour picked at random from five years and names its rules with a
 * prefix of its own, and looks only at those rules.
 */
public interface SamplingCountsContract {
  Duration MINUTE = Duration.ofMinutes(1);

  SpanStore store();

  @Test
  default void sumsEachRuleOverNodesAndMinutes() {
    String p = rulePrefix();
    Instant m = someHour().plus(Duration.ofMinutes(10));
    write("node-1", m, new RuleCounts(p + "errors", 3, 0), new RuleCounts(p + "baseline", 5, 45));
    write("node-2", m, new RuleCounts(p + "errors", 1, 0), new RuleCounts(p + "baseline", 2, 18),
        new RuleCounts(p + "slow", 4, 0));
    write("node-1", m.plus(MINUTE), new RuleCounts(p + "baseline", 1, 9));

    assertThat(read(p, m, m.plus(MINUTE.multipliedBy(2))))
        .containsExactly(
            new RuleCounts(p + "baseline", 8, 72), new RuleCounts(p + "errors", 4, 0), new RuleCounts(p + "slow", 4, 0));
    assertThat(read(p, m, m.plus(MINUTE)))
        .containsExactly(
            new RuleCounts(p + "baseline", 7, 63), new RuleCounts(p + "errors", 4, 0), new RuleCounts(p + "slow", 4, 0));
  }

  /** Windows around an hour: where the Cassandra store's partitions change. */
  @Test
  default void minutesOutsideTheWindowAreLeftOut() {
    String p = rulePrefix();
    String rule = p + "rule";
    Instant hour = someHour();
    write("node-1", hour.minus(MINUTE), new RuleCounts(rule, 1, 0));
    write("node-1", hour, new RuleCounts(rule, 10, 0));
    write("node-1", hour.plus(MINUTE), new RuleCounts(rule, 100, 0));

    assertThat(read(p, hour, hour.plus(MINUTE))).containsExactly(new RuleCounts(rule, 10, 0));
    assertThat(read(p, hour.minusSeconds(30), hour.plus(MINUTE)))
        .as("a minute that starts before the window is out")
        .containsExactly(new RuleCounts(rule, 10, 0));
    assertThat(read(p, hour.minus(MINUTE), hour.plusSeconds(90)))
        .as("a minute that starts inside the window is in")
        .containsExactly(new RuleCounts(rule, 111, 0));
    assertThat(read(p, hour.minus(MINUTE), hour)).containsExactly(new RuleCounts(rule, 1, 0));
    assertThat(read(p, hour.plus(MINUTE.multipliedBy(2)), hour.plus(Duration.ofHours(2)))).isEmpty();
    assertThat(read(p, hour, hour)).isEmpty();
  }

  @Test
  default void rewritingAMinuteReplacesTheNodesTotals() {
    String p = rulePrefix();
    Instant m = someHour().plus(Duration.ofMinutes(59));
    write("node-1", m, new RuleCounts(p + "a", 5, 10), new RuleCounts(p + "b", 1, 1));
    write("node-2", m, new RuleCounts(p + "a", 1, 1));

    write("node-1", m, new RuleCounts(p + "a", 7, 12));

    assertThat(read(p, m, m.plus(MINUTE))).containsExactly(new RuleCounts(p + "a", 8, 13));
    write("node-1", m, new RuleCounts(p + "a", 7, 12));
    assertThat(read(p, m, m.plus(MINUTE))).as("the same totals again").containsExactly(new RuleCounts(p + "a", 8, 13));
    write("node-1", m);
    assertThat(read(p, m, m.plus(MINUTE))).as("a minute without decisions").containsExactly(new RuleCounts(p + "a", 1, 1));
  }

  @Test
  default void samplingCountsRefuseBadInputAtTheCall() {
    Instant m = someHour();
    List<RuleCounts> one = List.of(new RuleCounts("r", 1, 2));
    assertThatThrownBy(() -> counts().write("node-1", m.plusSeconds(1), one))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minute must be a whole minute, got " + m.plusSeconds(1));
    assertThatThrownBy(() -> counts().write("node-1", null, one)).isInstanceOf(NullPointerException.class).hasMessage("minute");
    assertThatThrownBy(() -> counts().write(" ", m, one)).hasMessage("node must not be blank");
    assertThatThrownBy(() -> counts().write("n".repeat(257), m, one))
        .hasMessageStartingWith("node must be at most 256 characters, got 257");
    assertThatThrownBy(() -> counts().write("node-1", m, List.of(new RuleCounts("r", 1, 0), new RuleCounts("r", 2, 0))))
        .hasMessage("counts hold rule 'r' more than once");
    assertThatThrownBy(() -> counts().write("node-1", m, null)).isInstanceOf(NullPointerException.class).hasMessage("counts");
    assertThatThrownBy(() -> counts().read(m, m.minus(MINUTE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("from must not be after to");
    assertThatThrownBy(() -> counts().read(m, m.plus(Duration.ofDays(31)).plusSeconds(1)))
        .hasMessageStartingWith("window must be at most 31 days");
    assertThatThrownBy(() -> counts().read(Instant.EPOCH.minusSeconds(60), m)).hasMessageStartingWith("from must be between");
    assertThatThrownBy(() -> counts().read(m, null)).isInstanceOf(NullPointerException.class).hasMessage("to");
  }

  @Test
  default void readsTheLongestWindowToItsLastMinute() {
    String p = rulePrefix();
    Instant from = someHour();
    Instant to = from.plus(SamplingCounts.MAX_WINDOW);
    write("node-1", from, new RuleCounts(p + "r", 1, 0));
    write("node-2", to.minus(MINUTE), new RuleCounts(p + "r", 0, 2));
    write("node-1", to, new RuleCounts(p + "r", 4, 0));

    assertThat(read(p, from, to)).containsExactly(new RuleCounts(p + "r", 1, 2));
  }

  private SamplingCounts counts() {
    return store().samplingCounts();
  }

  private void write(String node, Instant minute, RuleCounts... counts) {
    counts().write(node, minute, List.of(counts)).toCompletableFuture().join();
  }

  /** The sums of this test's rules (those starting with {@code prefix}). */
  private List<RuleCounts> read(String prefix, Instant from, Instant to) {
    return counts().read(from, to).toCompletableFuture().join().stream()
        .filter(c -> c.rule().startsWith(prefix))
        .toList();
  }

  private static String rulePrefix() {
    return UUID.randomUUID().toString().substring(0, 8) + "-";
  }

  /** An hour of 2021 to 2025, on the hour. */
  private static Instant someHour() {
    return Instant.parse("2021-01-01T00:00:00Z")
        .plus(Duration.ofHours(ThreadLocalRandom.current().nextInt(5 * 365 * 24)));
  }
}
