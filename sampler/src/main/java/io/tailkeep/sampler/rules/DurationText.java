package io.tailkeep.sampler.rules;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the rules file writes them: a number and a unit, e.g. 500ms, 1.5s, 2m. */
final class DurationText {

  static final String UNITS = "ns, us, ms, s, m, h";

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
  private static final Map<String, Long> NANOS_PER_UNIT =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "µs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private DurationText() {}

  /** The duration in nanoseconds, or null when the text is not a duration. */
  static Long parseNanos(String text) {
    Matcher matcher = DURATION.matcher(text);
    if (!matcher.matches()) {
      return null;
    }
    BigDecimal nanos =
        new BigDecimal(matcher.group(1))
            .multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(matcher.group(2))))
            .setScale(0, RoundingMode.HALF_UP);
    try {
      return nanos.longValueExact();
    } catch (ArithmeticException tooLarge) {
      return null;
    }
  }
}
