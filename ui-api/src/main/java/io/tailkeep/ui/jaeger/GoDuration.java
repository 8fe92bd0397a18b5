package io.tailkeep.ui.jaeger;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;

/**
 * Go's duration syntax ({@code time.ParseDuration}), which Jaeger's API takes for {@code
 * minDuration} and {@code maxDuration}: an optional sign, then one or more decimal numbers each
 * with a unit, as in {@code 300ms}, {@code 1.5s}, {@code 1h2m} or {@code -2us}. Units are {@code
 * ns}, {@code us} (or {@code µs}, {@code μs}), {@code ms}, {@code s}, {@code m} and {@code h}; a
 * bare {@code 0} needs none. The value must fit in 64-bit nanoseconds, as in Go.
 *
 * <p>{@link #parseLookback} also takes {@code d} and {@code w}, which Jaeger UI's lookback uses
 * ({@code 2d}, {@code 7d}) although Go durations have no such units.
 */
final class GoDuration {

  static final String EXAMPLES = "a Go duration such as 1.5s, 300ms, 1h2m or 250us";

  private static final long NANOS_PER_HOUR = 3_600_000_000_000L;
  private static final Map<String, Long> UNITS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L, // micro sign, as Go spells it
          "\u03bcs", 1_000L, // Greek small letter mu, which Go also takes
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", NANOS_PER_HOUR);
  private static final Map<String, Long> LOOKBACK_UNITS =
      Map.of("d", 24 * NANOS_PER_HOUR, "w", 7 * 24 * NANOS_PER_HOUR);

  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger MIN_NANOS = BigInteger.valueOf(Long.MIN_VALUE);

  private GoDuration() {}

  /**
   * Parses a Go duration.
   *
   * @throws IllegalArgumentException saying what is wrong (without naming a parameter)
   */
  static Duration parse(String text) {
    return parse(text, false);
  }

  /** As {@link #parse}, and also days ({@code d}) and weeks ({@code w}). */
  static Duration parseLookback(String text) {
    return parse(text, true);
  }

  private static Duration parse(String text, boolean daysAndWeeks) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("is empty; expected " + EXAMPLES);
    }
    String s = text;
    boolean negative = false;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("has no number; expected " + EXAMPLES);
    }
    BigInteger total = BigInteger.ZERO;
    int i = 0;
    while (i < s.length()) {
      int numberStart = i;
      while (i < s.length() && isDigit(s.charAt(i))) {
        i++;
      }
      boolean digitsBefore = i > numberStart;
      boolean digitsAfter = false;
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fractionStart = i;
        while (i < s.length() && isDigit(s.charAt(i))) {
          i++;
        }
        digitsAfter = i > fractionStart;
      }
      if (!digitsBefore && !digitsAfter) {
        throw new IllegalArgumentException(
            "has no number at position "
                + (offset(text, s) + numberStart)
                + "; expected "
                + EXAMPLES);
      }
      String number = s.substring(numberStart, i);
      int unitStart = i;
      while (i < s.length() && !isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String unit = s.substring(unitStart, i);
      if (unit.isEmpty()) {
        throw new IllegalArgumentException(
            "has no unit after " + number + "; expected " + EXAMPLES);
      }
      Long nanosPerUnit = UNITS.get(unit);
      if (nanosPerUnit == null && daysAndWeeks) {
        nanosPerUnit = LOOKBACK_UNITS.get(unit);
      }
      if (nanosPerUnit == null) {
        throw new IllegalArgumentException(
            "has an unknown unit '"
                + unit
                + "'; units are ns, us, ms, s, m, h"
                + (daysAndWeeks ? ", d, w" : ""));
      }
      // Each term is truncated to whole nanoseconds, as Go does.
      total =
          total.add(toBigDecimal(number).multiply(BigDecimal.valueOf(nanosPerUnit)).toBigInteger());
      if (total.compareTo(MAX_NANOS.add(BigInteger.ONE)) > 0) {
        throw new IllegalArgumentException("is too long; the longest duration is about 292 years");
      }
    }
    BigInteger nanos = negative ? total.negate() : total;
    if (nanos.compareTo(MAX_NANOS) > 0 || nanos.compareTo(MIN_NANOS) < 0) {
      throw new IllegalArgumentException("is too long; the longest duration is about 292 years");
    }
    return Duration.ofNanos(nanos.longValue());
  }

  private static BigDecimal toBigDecimal(String number) {
    // "1." and ".5" are valid Go; BigDecimal wants digits on both sides of the point.
    String normalized = number.startsWith(".") ? "0" + number : number;
    if (normalized.endsWith(".")) {
      normalized = normalized + "0";
    }
    return new BigDecimal(normalized);
  }

  private static int offset(String text, String unsigned) {
    return text.length() - unsigned.length();
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
