package io.tailkeep.ui.sampling;

import io.tailkeep.sampler.testing.TestClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.store.TraceId;
import io.tailkeep.ui.sampling.SamplingView.ActiveRules;
import io.tailkeep.ui.sampling.SamplingView.FileStatus;
import io.tailkeep.ui.sampling.SamplingView.RuleText;
import io.tailkeep.ui.sampling.SamplingView.TraceDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class RecentRuleCountsTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private final TestClock clock = new TestClock(T0);
  private final Counters counters = new Counters();
  private final RecentRuleCounts recent =
      new RecentRuleCounts(counters, clock, Duration.ofSeconds(10), 3);

  @Test
  void beforeTwoSamplesNothingIsCounted() {
    assertThat(recent.window().byRule()).isEmpty();
    counters.kept = Map.of("keep-errors", 5L);
    recent.sample();
    RecentRuleCounts.Window window = recent.window();
    assertThat(window.byRule()).isEmpty();
    assertThat(window.from()).isEqualTo(T0);
    assertThat(window.to()).isEqualTo(T0);
  }

  @Test
  void eachStepCountsWhatWasAddedSinceTheSampleBefore() {
    counters.kept = Map.of("keep-errors", 5L);
    recent.sample();
    tick(Map.of("keep-errors", 7L), Map.of("default", 4L));
    tick(Map.of("keep-errors", 7L, "keep-slow", 1L), Map.of("default", 10L));

    RecentRuleCounts.Window window = recent.window();
    assertThat(window.from()).isEqualTo(T0);
    assertThat(window.to()).isEqualTo(T0.plusSeconds(20));
    assertThat(window.byRule().get("keep-errors").kept()).containsExactly(2L, 0L);
    assertThat(window.byRule().get("keep-errors").keptTotal()).isEqualTo(2);
    assertThat(window.byRule().get("keep-slow").kept()).containsExactly(0L, 1L);
    assertThat(window.byRule().get("default").dropped()).containsExactly(4L, 6L);
    assertThat(window.byRule().get("default").droppedTotal()).isEqualTo(10);
  }

  @Test
  void onlyTheLastStepsAreKept() {
    counters.kept = Map.of("r", 0L);
    recent.sample();
    for (long total = 1; total <= 5; total++) {
      tick(Map.of("r", total * 10), Map.of());
    }
    RecentRuleCounts.Window window = recent.window();
    assertThat(window.byRule().get("r").kept()).containsExactly(10L, 10L, 10L);
    assertThat(window.from()).isEqualTo(T0.plusSeconds(20));
    assertThat(window.to()).isEqualTo(T0.plusSeconds(50));
  }

  @Test
  void aCounterThatWentDownRestartedAndCountsFromZero() {
    counters.kept = Map.of("r", 100L);
    recent.sample();
    tick(Map.of("r", 3L), Map.of());
    assertThat(recent.window().byRule().get("r").kept()).containsExactly(3L);
  }

  @Test
  void badSettingsAreRefusedNamingThem() {
    assertThatThrownBy(() -> new RecentRuleCounts(counters, clock, Duration.ZERO, 3))
        .hasMessage("step must be at least 1 ms, got PT0S");
    assertThatThrownBy(() -> new RecentRuleCounts(counters, clock, Duration.ofSeconds(1), 0))
        .hasMessage("steps must be between 1 and 10000, got 0");
  }

  private void tick(Map<String, Long> kept, Map<String, Long> dropped) {
    clock.advance(Duration.ofSeconds(10));
    counters.kept = kept;
    counters.dropped = dropped;
    recent.sample();
  }

  private static final class Counters implements SamplingView {
    final ActiveRules rules = new ActiveRules("rules.yaml", "ab12",
        List.of(new RuleText("keep-errors", "", "all", List.of("error: true"), "keep: {}")), "default", false);
    Map<String, Long> kept = Map.of();
    Map<String, Long> dropped = Map.of();

    @Override
    public ActiveRules rules() {
      return rules;
    }

    @Override
    public Optional<FileStatus> rulesStatus() {
      return Optional.empty();
    }

    @Override
    public CompletionStage<Optional<TraceDecision>> why(TraceId traceId) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public Map<String, Long> keptByRule() {
      return kept;
    }

    @Override
    public Map<String, Long> droppedByRule() {
      return dropped;
    }
  }
}
