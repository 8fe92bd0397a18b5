package io.tailkeep.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationFormatTest {

  @ParameterizedTest
  @CsvSource({
    "250ms, 250000000",
    "1.5s, 1500000000",
    "2m, 120000000000",
    "1h, 3600000000000",
    "1h30m, 5400000000000",
    "500us, 500000",
    "500µs, 500000",
    "100ns, 100",
    "0, 0",
    "0s, 0",
    ".5s, 500000000",
    "1.s, 1000000000",
    "1.5ns, 1",
    "' 2S ', 2000000000",
    "+3ms, 3000000",
    "0.0000001ms, 0",
  })
  void parsesUnitsFractionsAndCompounds(String text, long nanos) {
    assertThat(DurationFormat.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @ValueSource(strings = {"fast", "", "250", "1.5", "ms", "1 s", "1sec", "1d", "1..5s", "1s2", "s1", "1e3ms"})
  void refusesWhatIsNotADuration(String text) {
    assertThatThrownBy(() -> DurationFormat.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be a duration like 250ms, 1.5s or 2m, got '" + text + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1s", "-0"})
  void refusesNegativeDurations(String text) {
    assertThatThrownBy(() -> DurationFormat.parse(text)).hasMessageContaining("must not be negative");
  }

  @ParameterizedTest
  @ValueSource(strings = {"300y", "3000000h", "9223372036854775808ns", "99999999999999999999999h"})
  void refusesDurationsBeyondWhatNanosecondsHold(String text) {
    assertThatThrownBy(() -> DurationFormat.parse(text))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "1, 1ns",
    "1500, 1.5us",
    "250000000, 250ms",
    "1500000000, 1.5s",
    "120000000000, 2m",
    "7200000000000, 2h",
    "3600000000001, 3600.000000001s",
  })
  void formatsExactlyAndReadsBack(long nanos, String text) {
    assertThat(DurationFormat.format(Duration.ofNanos(nanos))).isEqualTo(text);
    assertThat(DurationFormat.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }
}
