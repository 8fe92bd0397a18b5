package io.tailkeep.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationSyntaxTest {

  private static final DurationSyntax CONFIG = DurationSyntax.TAILKEEP.units("ms", "d");
  private static final DurationSyntax LOOKBACK = DurationSyntax.GO.units("ns", "w");

  // Tailkeep's dialect (the rules file's units, ns to h).

  @ParameterizedTest(name = "{0} = {1} ns")
  @CsvSource({
    "250ns, 250",
    "3us, 3000",
    "3µs, 3000",
    "3μs, 3000",
    "500ms, 500000000",
    "1.5s, 1500000000",
    "2m, 120000000000",
    "1h, 3600000000000",
    "0.0001ms, 100",
    "0s, 0",
  })
  void tailkeepReadsOneNumberWithAUnit(String text, long nanos) {
    assertThat(DurationSyntax.TAILKEEP.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(
      strings = {
        "500", "500 ms", "-1s", "+1s", "1d", ".5s", "1.s", "99999999999999h", "", "0", "1h30m", "1S",
        " 1s", "1.5ns", "ms", "1e3ms"
      })
  void tailkeepRefusesWhatIsNotOneNumberWithAUnit(String text) {
    assertThatThrownBy(() -> DurationSyntax.TAILKEEP.parse(text))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "500|has no unit after 500; expected a number and a unit such as 500ms, 1.5s or 2m",
        "1d|has an unknown unit 'd'; units are ns, us, ms, s, m, h",
        ".5s|has a number without digits on both sides of its point at position 0",
        "1h30m|has more after 1h; expected one number and one unit",
        "1.5ns|is finer than 1ns, the smallest unit here",
        "99999999999999h|is too long",
        "``|is empty",
      })
  void tailkeepExplainsWhatIsWrong(String text, String message) {
    assertThatThrownBy(() -> DurationSyntax.TAILKEEP.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void tailkeepNamesItsUnits() {
    assertThat(DurationSyntax.TAILKEEP.unitNames()).isEqualTo("ns, us, ms, s, m, h");
    assertThat(CONFIG.unitNames()).isEqualTo("ms, s, m, h, d");
  }

  // Tailkeep's dialect in the config file's units, ms to d: nothing finer than a millisecond.

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({"500ms, PT0.5S", "1.5s, PT1.5S", "30s, PT30S", "5m, PT5M", "2h, PT2H", "7d, PT168H", "0ms, PT0S"})
  void configUnitsReachDays(String text, Duration expected) {
    assertThat(CONFIG.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"30", "500us", "1w", "1.0005s", "0.5ms", "30 s", "30S"})
  void configUnitsRefuseWhatIsFinerThanAMillisecondOrUnknown(String text) {
    assertThatThrownBy(() -> CONFIG.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unitsRunFromSmallToLarge() {
    assertThatThrownBy(() -> DurationSyntax.TAILKEEP.units("h", "ms"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got h to ms");
    assertThatThrownBy(() -> DurationSyntax.TAILKEEP.units("m", "h"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DurationSyntax.TAILKEEP.units("ns", "y"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // Go's dialect: time.ParseDuration, case by case; expected values as Go computes them.

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
  void goReadsWhatGoReads(String text, long nanos) {
    assertThat(DurationSyntax.GO.parse(text)).isEqualTo(Duration.ofNanos(nanos));
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
  void goRefusesWhatGoRefuses(String text) {
    assertThatThrownBy(() -> DurationSyntax.GO.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(
      strings = {
        "2562047h47m16.854775808s", "9999999999999999999999h", "3000000h", "9223372036854775808ns",
        "99999999999999999999999h"
      })
  void goSaysWhenAValueIsTooLong(String text) {
    assertThatThrownBy(() -> DurationSyntax.GO.parse(text))
        .isInstanceOf(DurationSyntax.TooLongException.class)
        .hasMessage("is too long; the longest duration is about 292 years");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "15|has no unit after 15",
        "5x|has an unknown unit 'x'; units are ns, us, ms, s, m, h",
        "ms|has no number",
        "-1h.m|has no number at position 3",
        "``|is empty",
        "99999999999h|is too long",
      })
  void goExplainsWhatIsWrong(String text, String message) {
    assertThatThrownBy(() -> DurationSyntax.GO.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({"1h, PT1H", "2d, PT48H", "1w, PT168H", "1d12h, PT36H", "30m, PT30M"})
  void goWithDaysAndWeeksReadsJaegerLookbacks(String text, Duration expected) {
    assertThat(LOOKBACK.parse(text)).isEqualTo(expected);
  }

  @Test
  void goWithDaysAndWeeksNamesThemAmongItsUnits() {
    assertThatThrownBy(() -> LOOKBACK.parse("1y"))
        .hasMessage("has an unknown unit 'y'; units are ns, us, ms, s, m, h, d, w");
  }

  // The one formatter.

  @ParameterizedTest(name = "{0} ns = {1}")
  @CsvSource({
    "0, 0",
    "1, 1ns",
    "1500, 1.5us",
    "250000000, 250ms",
    "1500000000, 1.5s",
    "90000000000, 90s",
    "120000000000, 2m",
    "7200000000000, 2h",
    "86400000000000, 24h",
    "3600000000001, 3600.000000001s",
    "-1500000000, -1.5s",
  })
  void goFormatsExactlyAndReadsBack(long nanos, String text) {
    assertThat(DurationSyntax.GO.format(Duration.ofNanos(nanos))).isEqualTo(text);
    assertThat(DurationSyntax.GO.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "PT0S, 0ms",
    "PT0.25S, 250ms",
    "PT1.5S, 1.5s",
    "PT30S, 30s",
    "PT1H, 1h",
    "PT24H, 1d",
    "PT48H, 2d",
    "PT170H, 170h",
  })
  void configUnitsFormatInTheirOwnUnitsAndReadBack(Duration duration, String text) {
    assertThat(CONFIG.format(duration)).isEqualTo(text);
    assertThat(CONFIG.parse(text)).isEqualTo(duration);
  }

  @Test
  void tailkeepFormatsZeroWithItsSmallestUnitAndReadsItBack() {
    assertThat(DurationSyntax.TAILKEEP.format(Duration.ZERO)).isEqualTo("0ns");
    assertThat(DurationSyntax.TAILKEEP.parse("0ns")).isEqualTo(Duration.ZERO);
    assertThat(LOOKBACK.format(Duration.ofDays(14))).isEqualTo("2w");
  }
}
