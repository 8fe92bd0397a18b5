package io.tailkeep.sampler.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DurationTextTest {

  @Test
  void readsNumbersWithUnits() {
    assertThat(DurationText.parseNanos("250ns")).isEqualTo(250L);
    assertThat(DurationText.parseNanos("3us")).isEqualTo(3_000L);
    assertThat(DurationText.parseNanos("3µs")).isEqualTo(3_000L);
    assertThat(DurationText.parseNanos("500ms")).isEqualTo(500_000_000L);
    assertThat(DurationText.parseNanos("1.5s")).isEqualTo(1_500_000_000L);
    assertThat(DurationText.parseNanos("2m")).isEqualTo(120_000_000_000L);
    assertThat(DurationText.parseNanos("1h")).isEqualTo(3_600_000_000_000L);
    assertThat(DurationText.parseNanos("0.0001ms")).isEqualTo(100L);
  }

  @Test
  void refusesWhatIsNotADuration() {
    assertThat(DurationText.parseNanos("500")).isNull();
    assertThat(DurationText.parseNanos("500 ms")).isNull();
    assertThat(DurationText.parseNanos("-1s")).isNull();
    assertThat(DurationText.parseNanos("1d")).isNull();
    assertThat(DurationText.parseNanos(".5s")).isNull();
    assertThat(DurationText.parseNanos("99999999999999h")).isNull();
  }
}
