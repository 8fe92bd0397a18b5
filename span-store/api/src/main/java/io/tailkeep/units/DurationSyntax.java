package io.tailkeep.units;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one way durations are written in Tailkeep: a decimal number followed by a unit, in one of two
 * dialects, each limited to a range of units.
 *
 * <ul>
 *   <li>{@link #TAILKEEP}, the config file's, the rules file's: exactly one number and one unit,
 *       the number being digits with an optional fraction ({@code 500ms}, {@code 1.5s}, {@code
 *       2m}); no sign, no bare {@code 0}, no space, units in lower case. A value finer than the
 *       smallest unit is refused rather than rounded ({@code 1.5ns}; {@code 1.0005s} where the
 *       smallest unit is {@code ms}).
 *   <li>{@link #GO}, Go's {@code time.ParseDuration}, which the Jaeger API takes and the native
 *       query API reads: an optional sign, then one or more numbers each with a unit ({@code
 *       1h30m}, {@code 1.5s}, {@code -2us}), a number may be {@code .5} or {@code 1.}, and a bare
 *       {@code 0} (signed or not) needs no unit. As in Go, each number is truncated towards zero to
 *       whole nanoseconds before the terms are added ({@code 1.5ns} is 1 ns).
 * </ul>
 *
 * <p>Units, smallest first: {@code ns}, {@code us} (also {@code µs} and {@code μs}, as Go takes
 * them), {@code ms}, {@code s}, {@code m}, {@code h}, {@code d} (24 h), {@code w} (7 d). Both
 * dialects start with {@code ns} to {@code h}; {@link #units} narrows or widens that. Every value
 * must fit in 64-bit nanoseconds (about 292 years), as in Go.
 *
 * <p>Instances are immutable. Errors are {@link IllegalArgumentException}s whose message completes
 * a sentence that starts with what was being read ("is empty; expected ..."); callers put the name
 * of the setting or parameter in front.
 */
public final class DurationSyntax {

  /** Tailkeep's own dialect, {@code ns} to {@code h}. */
  public static final DurationSyntax TAILKEEP = new DurationSyntax(false, 0, 5);

  /** Go's {@code time.ParseDuration} syntax, {@code ns} to {@code h}. */
  public static final DurationSyntax GO = new DurationSyntax(true, 0, 5);

  private static final List<Unit> UNITS =
      List.of(
          new Unit("ns", 1L),
          new Unit("us", 1_000L),
          new Unit("ms", 1_000_000L),
          new Unit("s", 1_000_000_000L),
          new Unit("m", 60_000_000_000L),
          new Unit("h", 3_600_000_000_000L),
          new Unit("d", 86_400_000_000_000L),
          new Unit("w", 604_800_000_000_000L));
  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger MIN_NANOS = BigInteger.valueOf(Long.MIN_VALUE);

  private final boolean go;
  private final int smallest;
  private final int largest;

  private DurationSyntax(boolean go, int smallest, int largest) {
    this.go = go;
    this.smallest = smallest;
    this.largest = largest;
  }

  /**
   * This dialect with units from {@code smallest} ({@code ns}, {@code us}, {@code ms} or {@code s},
   * so that every value has an exact decimal form) to {@code largest}, e.g. {@code ("ms", "d")}.
   */
  public DurationSyntax units(String smallest, String largest) {
    int from = indexOf(smallest);
    int to = indexOf(largest);
    if (from < 0 || from > indexOf("s") || to < from) {
      throw new IllegalArgumentException(
          "units run from one of ns, us, ms, s to a larger one of " + names(0, UNITS.size() - 1)
              + ", got " + smallest + " to " + largest);
    }
    return new DurationSyntax(go, from, to);
  }

  /** The units this syntax reads, smallest first, for messages: {@code "ns, us, ms, s, m, h"}. */
  public String unitNames() {
    return names(smallest, largest);
  }

  /**
   * Reads {@code text} as a whole.
   *
   * @throws TooLongException when it is well-formed but beyond 64-bit nanoseconds
   * @throws IllegalArgumentException saying what is wrong, without naming what was read
   */
  public Duration parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("is empty; expected " + examples());
    }
    String s = text;
    boolean negative = false;
    if (go && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    int signLength = text.length() - s.length();
    if (go && s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("has no number; expected " + examples());
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      if (!go && i > 0) {
        throw new IllegalArgumentException(
            "has more after " + s.substring(0, i) + "; expected one number and one unit, "
                + examples());
      }
      int numberStart = i;
      i = skipDigits(s, i);
      boolean digitsBefore = i > numberStart;
      boolean digitsAfter = false;
      if (i < s.length() && s.charAt(i) == '.') {
        int fractionStart = i + 1;
        i = skipDigits(s, fractionStart);
        digitsAfter = i > fractionStart;
        if (!go && (!digitsBefore || !digitsAfter)) {
          throw new IllegalArgumentException(
              "has a number without digits on both sides of its point at position "
                  + (signLength + numberStart) + "; expected " + examples());
        }
      }
      if (!digitsBefore && !digitsAfter) {
        throw new IllegalArgumentException(
            "has no number at position " + (signLength + numberStart) + "; expected " + examples());
      }
      String number = s.substring(numberStart, i);
      int unitStart = i;
      while (i < s.length() && !isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String unitName = s.substring(unitStart, i);
      if (unitName.isEmpty()) {
        throw new IllegalArgumentException(
            "has no unit after " + number + "; expected " + examples());
      }
      Unit unit = unit(unitName);
      if (unit == null) {
        throw new IllegalArgumentException(
            "has an unknown unit '" + unitName + "'; units are " + unitNames());
      }
      BigDecimal term = decimal(number).multiply(BigDecimal.valueOf(unit.nanos()));
      // Go truncates each term to whole nanoseconds; Tailkeep's dialect adds exactly (checked below).
      total = total.add(go ? new BigDecimal(term.toBigInteger()) : term);
      if (total.toBigInteger().compareTo(MAX_NANOS.add(BigInteger.ONE)) > 0) {
        throw new TooLongException();
      }
    }
    if (!go && total.remainder(BigDecimal.valueOf(UNITS.get(smallest).nanos())).signum() != 0) {
      throw new IllegalArgumentException(
          "is finer than 1" + UNITS.get(smallest).name() + ", the smallest unit here; expected "
              + examples());
    }
    BigInteger nanos = total.toBigIntegerExact();
    nanos = negative ? nanos.negate() : nanos;
    if (nanos.compareTo(MAX_NANOS) > 0 || nanos.compareTo(MIN_NANOS) < 0) {
      throw new TooLongException();
    }
    return Duration.ofNanos(nanos.longValue());
  }

  /**
   * An exact form of {@code duration} in this syntax's units: the largest of {@code w}, {@code d},
   * {@code h}, {@code m} that divides it ({@code 2h}, {@code 90m}); else the largest of {@code s},
   * {@code ms}, {@code us} it reaches, as a decimal ({@code 1.5s}, {@code 250ms}, {@code
   * 3600.000000001s}); else a decimal of the smallest unit. Zero is {@code 0} in Go's dialect, else
   * {@code 0} and the smallest unit ({@code 0ms}). It reads back as the same duration when that is
   * a whole number of the smallest unit; a negative one gets a leading {@code -}, which only Go's
   * dialect reads.
   *
   * @throws ArithmeticException beyond 64-bit nanoseconds, which {@link #parse} never gives
   */
  public String format(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos == 0) {
      return go ? "0" : "0" + UNITS.get(smallest).name();
    }
    String sign = nanos < 0 ? "-" : "";
    BigInteger magnitude = BigInteger.valueOf(nanos).abs();
    for (int i = largest; i > smallest; i--) {
      Unit unit = UNITS.get(i);
      BigInteger[] quotientAndRemainder =
          magnitude.divideAndRemainder(BigInteger.valueOf(unit.nanos()));
      int powerOfTen = powerOfTen(unit.nanos());
      if (powerOfTen > 0 && quotientAndRemainder[0].signum() > 0) {
        // Powers of ten: the decimal is always exact.
        return sign + decimalOf(magnitude, powerOfTen) + unit.name();
      }
      if (quotientAndRemainder[1].signum() == 0) {
        return sign + quotientAndRemainder[0] + unit.name();
      }
    }
    Unit unit = UNITS.get(smallest);
    return sign + decimalOf(magnitude, powerOfTen(unit.nanos())) + unit.name();
  }

  private String examples() {
    return go
        ? "a Go duration such as 1.5s, 300ms, 1h2m or 250us"
        : "a number and a unit such as 500ms, 1.5s or 2m";
  }

  private static String decimalOf(BigInteger nanos, int scale) {
    return new BigDecimal(nanos, scale).stripTrailingZeros().toPlainString();
  }

  private Unit unit(String name) {
    String canonical = name.equals("\u00b5s") || name.equals("\u03bcs") ? "us" : name;
    int index = indexOf(canonical);
    return index >= smallest && index <= largest ? UNITS.get(index) : null;
  }

  private static int indexOf(String name) {
    for (int i = 0; i < UNITS.size(); i++) {
      if (UNITS.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static String names(int from, int to) {
    return UNITS.subList(from, to + 1).stream().map(Unit::name).collect(Collectors.joining(", "));
  }

  /** The exponent when {@code nanos} is 10, 100, 1000, ...; else 0. */
  private static int powerOfTen(long nanos) {
    int exponent = 0;
    long rest = nanos;
    while (rest > 1 && rest % 10 == 0) {
      rest /= 10;
      exponent++;
    }
    return rest == 1 ? exponent : 0;
  }

  private static BigDecimal decimal(String number) {
    // "1." and ".5" are Go; BigDecimal wants digits on both sides of the point.
    String normalized = number.startsWith(".") ? "0" + number : number;
    return new BigDecimal(normalized.endsWith(".") ? normalized + "0" : normalized);
  }

  private static int skipDigits(String s, int from) {
    int i = from;
    while (i < s.length() && isDigit(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private record Unit(String name, long nanos) {}

  /** A well-formed duration longer than 64-bit nanoseconds hold (about 292 years). */
  public static final class TooLongException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    TooLongException() {
      super("is too long; the longest duration is about 292 years");
    }
  }
}
