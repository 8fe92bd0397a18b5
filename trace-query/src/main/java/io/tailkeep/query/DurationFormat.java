package io.tailkeep.query;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them and as Go's {@code time.ParseDuration} (Jaeger's format) reads
 * them: a decimal number and a unit, possibly several in a row: {@code 250ms}, {@code 1.5s},
 * {@code 2m}, {@code 1h30m}, {@code 500us} (or {@code µs}), {@code 100ns}; {@code 0} alone.
 * Fractions of a nanosecond are dropped.
 */
public final class DurationFormat {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
  private static final String EXPECTED = "must be a duration like 250ms, 1.5s or 2m";
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

  private DurationFormat() {}

  /**
   * Parses {@code text}; the {@link IllegalArgumentException} message completes a sentence that
   * starts with the parameter's name, e.g. "must be a duration like 250ms, 1.5s or 2m, got 'fast'".
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException(EXPECTED + ", got nothing");
    }
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.startsWith("-")) {
      throw new IllegalArgumentException("must not be negative, got '" + abbreviate(text) + "'");
    }
    if (s.startsWith("+")) {
      s = s.substring(1);
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(EXPECTED + ", got '" + abbreviate(text) + "'");
      }
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
      at = m.end();
    }
    if (at == 0) {
      throw new IllegalArgumentException(EXPECTED + ", got '" + abbreviate(text) + "'");
    }
    nanos = nanos.setScale(0, RoundingMode.DOWN);
    if (nanos.compareTo(MAX_NANOS) > 0) {
      throw new IllegalArgumentException(
          "must be at most 292 years (" + Long.MAX_VALUE + "ns), got '" + abbreviate(text) + "'");
    }
    return Duration.ofNanos(nanos.longValueExact());
  }

  /** An exact form {@link #parse} reads back: {@code 2h}, {@code 90s}, {@code 1.5s}, {@code 250ms}, {@code 0}. */
  public static String format(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos == 0) {
      return "0";
    }
    if (nanos % 3_600_000_000_000L == 0) {
      return nanos / 3_600_000_000_000L + "h";
    }
    if (nanos % 60_000_000_000L == 0) {
      return nanos / 60_000_000_000L + "m";
    }
    // Powers of ten: the decimal is always exact.
    String[] units = {"s", "ms", "us"};
    int[] scales = {9, 6, 3};
    for (int i = 0; i < units.length; i++) {
      if (nanos >= BigDecimal.ONE.scaleByPowerOfTen(scales[i]).longValue()) {
        return BigDecimal.valueOf(nanos, scales[i]).stripTrailingZeros().toPlainString() + units[i];
      }
    }
    return nanos + "ns";
  }

  private static long unitNanos(String unit) {
    switch (unit) {
      case "ns":
        return 1L;
      case "us":
      case "µs":
      case "μs":
        return 1_000L;
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      case "h":
        return 3_600_000_000_000L;
      default:
        throw new IllegalArgumentException("unknown unit " + unit);
    }
  }

  private static String abbreviate(String s) {
    return InvalidParameterException.abbreviate(s);
  }
}
