package io.tailkeep.ui.jaeger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's time.ParseDuration, case by case; expected values as Go computes them. */
class GoDurationTest {

  @ParameterizedTest(name = "{0} = {1} ns")
  @CsvSource({
    "0, 0",
    "+0, 0",
    "-0, 0",
    "0s, 0",
    "1ns, 1",
    "2us, 2000",
    "2µs, 2000", // micro sign U+00B5
    "2μs, 2000", // Greek mu U+03BC
    "300ms, 300000000",
    "1.5s, 1500000000",
    "1.s, 1000000000",
    ".5s, 500000000",
    "1h2m, 3720000000000",
    "1h2m3.5s, 3723500000000",
    "-1.5h, -5400000000000",
    "+2m, 120000000000",
    "1.0000000001s, 1000000000", // beyond nanoseconds: truncated
    "100ms200us, 100200000",
    "2562047h47m16.854775807s, 9223372036854775807", // the largest
    "-2562047h47m16.854775808s, -9223372036854775808", // the smallest
  })
  void parsesWhatGoParses(String text, long nanos) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(
      strings = {
        "",
        "-",
        "+",
        "1",
        "15",
        "s",
        "ms",
        ".s",
        "1.5.5s",
        "1d",
        "1w",
        "1 s",
        " 1s",
        "1S",
        "1sec",
        "1h-2m",
        "0x1s",
        "2562047h47m16.854775808s",
        "9999999999999999999999h",
        "∞s",
        "NaNs"
      })
  void refusesWhatGoRefuses(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "15|has no unit after 15",
        "5x|has an unknown unit 'x'",
        "ms|has no number",
        "``|is empty",
        "99999999999h|is too long",
      })
  void explainsWhatIsWrong(String text, String message) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({"1h, PT1H", "2d, PT48H", "1w, PT168H", "1d12h, PT36H", "30m, PT30M"})
  void lookbackAlsoTakesDaysAndWeeks(String text, Duration expected) {
    assertThat(GoDuration.parseLookback(text)).isEqualTo(expected);
  }
}
