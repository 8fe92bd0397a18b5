package io.tailkeep.sampler.keptqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesFromTheInitialDelayUpToTheCap() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(700));
    assertThat(backoff.delayNanos(1)).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(backoff.delayNanos(2)).isEqualTo(Duration.ofMillis(200).toNanos());
    assertThat(backoff.delayNanos(3)).isEqualTo(Duration.ofMillis(400).toNanos());
    assertThat(backoff.delayNanos(4)).isEqualTo(Duration.ofMillis(700).toNanos());
    assertThat(backoff.delayNanos(5)).isEqualTo(Duration.ofMillis(700).toNanos());
  }

  @Test
  void aLongOutageStaysAtTheCap() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
    assertThat(backoff.delayNanos(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(10).toNanos());
  }

  @Test
  void hugeDurationsDoNotOverflow() {
    Backoff backoff = new Backoff(Duration.ofDays(365L * 1000), Duration.ofDays(365L * 2000));
    assertThat(backoff.delayNanos(1)).isPositive().isEqualTo(Long.MAX_VALUE / 4);
    assertThat(backoff.delayNanos(64)).isEqualTo(Long.MAX_VALUE / 4);
  }

  @Test
  void failuresStartAtOne() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
    assertThatThrownBy(() -> backoff.delayNanos(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failures must be positive, got 0");
  }
}
