package io.tailkeep.query;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Points in time on the API: read as RFC 3339 ({@code 2025-03-01T12:00:00.123456789Z},
 * {@code 2025-03-01T13:00:00+01:00}) or as Unix microseconds ({@code 1740830400000000}, Jaeger's
 * form); written as RFC 3339 in UTC with nine fraction digits, and as Unix nanoseconds.
 *
 * <p>Only instants whose Unix nanoseconds fit in a signed 64-bit number are accepted (1677-09-21
 * to 2262-04-11): that is how OTLP and the store count time.
 */
public final class TimeFormat {
  private static final Instant MIN = Instant.ofEpochSecond(0, Long.MIN_VALUE);
  private static final Instant MAX = Instant.ofEpochSecond(0, Long.MAX_VALUE);
  private static final long MAX_MICROS = Long.MAX_VALUE / 1_000;
  private static final Pattern DIGITS = Pattern.compile("\\d+");
  // "+01:00" arrives as " 01:00" when a client does not escape '+' in a query string.
  private static final Pattern UNESCAPED_PLUS_OFFSET = Pattern.compile("(.*\\d) (\\d{2}:\\d{2})");
  private static final String EXPECTED =
      "must be an RFC 3339 time like 2025-03-01T12:00:00Z or Unix microseconds";

  private TimeFormat() {}

  /**
   * Parses {@code text}; the {@link IllegalArgumentException} message completes a sentence that
   * starts with the parameter's name.
   */
  public static Instant parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException(EXPECTED + ", got nothing");
    }
    String s = text.strip();
    Instant instant;
    if (DIGITS.matcher(s).matches()) {
      long micros;
      try {
        micros = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw outOfRange(text);
      }
      if (micros > MAX_MICROS) {
        throw outOfRange(text);
      }
      instant = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
    } else {
      String iso = UNESCAPED_PLUS_OFFSET.matcher(s).replaceFirst("$1+$2").toUpperCase(Locale.ROOT);
      try {
        instant = OffsetDateTime.parse(iso, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(
            EXPECTED + ", got '" + InvalidParameterException.abbreviate(text) + "'");
      }
    }
    if (instant.isBefore(MIN) || instant.isAfter(MAX)) {
      throw outOfRange(text);
    }
    return instant;
  }

  private static IllegalArgumentException outOfRange(String text) {
    return new IllegalArgumentException(
        "must be between " + format(Long.MIN_VALUE) + " and " + format(Long.MAX_VALUE) + ", got '"
            + InvalidParameterException.abbreviate(text) + "'");
  }

  /**
   * RFC 3339 in UTC with nanoseconds: {@code 2025-03-01T12:00:00.123456789Z}, digit by digit (the
   * years of signed 64-bit nanoseconds have 4 digits, so the text always has 30 characters).
   */
  public static String format(long epochNanos) {
    char[] text = new char[30];
    long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
    int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
    long days = Math.floorDiv(seconds, 86_400L);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    LocalDate date = LocalDate.ofEpochDay(days);
    digits(text, 0, date.getYear(), 4);
    text[4] = '-';
    digits(text, 5, date.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, date.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(text, 11, secondOfDay / 3600, 2);
    text[13] = ':';
    digits(text, 14, secondOfDay / 60 % 60, 2);
    text[16] = ':';
    digits(text, 17, secondOfDay % 60, 2);
    text[19] = '.';
    digits(text, 20, nanos, 9);
    text[29] = 'Z';
    return new String(text);
  }

  private static void digits(char[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  public static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
  }

  /** Unix nanoseconds of an instant {@link #parse} accepted. */
  public static long epochNanos(Instant instant) {
    long seconds = instant.getEpochSecond();
    long nanos = instant.getNano();
    if (seconds < 0 && nanos > 0) {
      // Keeps the product in range down to the smallest representable instant.
      seconds += 1;
      nanos -= 1_000_000_000L;
    }
    return Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), nanos);
  }
}
