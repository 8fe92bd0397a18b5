package io.tailkeep.store;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The minutes that {@link SamplingCounts#read} sums: those that start at or after {@code from} and
 * before {@code to}, so {@code [start, end)} as whole minutes. Two adjacent windows never count a
 * minute twice.
 *
 * @param start the first minute in the window
 * @param end the first minute after it; equal to {@code start} when the window holds no minute
 */
public record MinuteWindow(Instant start, Instant end) {
  /** The instants a window or a minute may name: what every store can hold. */
  private static final Instant EARLIEST = Instant.EPOCH;
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:00Z");

  public MinuteWindow {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (!isWholeMinute(start) || !isWholeMinute(end) || end.isBefore(start)) {
      throw new IllegalArgumentException(
          "a minute window runs from a whole minute to a later one, got " + start + " .. " + end);
    }
  }

  /**
   * The window of the minutes starting in [{@code from}, {@code to}); refuses {@code from} after
   * {@code to} and windows longer than {@link SamplingCounts#MAX_WINDOW}, naming them.
   */
  public static MinuteWindow of(Instant from, Instant to) {
    checkRange(from, "from");
    checkRange(to, "to");
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("from must not be after to, got " + from + " .. " + to);
    }
    if (Duration.between(from, to).compareTo(SamplingCounts.MAX_WINDOW) > 0) {
      throw new IllegalArgumentException(
          "window must be at most " + SamplingCounts.MAX_WINDOW.toDays() + " days, got " + from + " .. " + to);
    }
    return new MinuteWindow(firstMinuteAtOrAfter(from), firstMinuteAtOrAfter(to));
  }

  public boolean contains(Instant minute) {
    return !minute.isBefore(start) && minute.isBefore(end);
  }

  public boolean isEmpty() {
    return start.equals(end);
  }

  /** Refuses null and instants before 1970 or after the year 9999, naming the argument. */
  public static void checkRange(Instant instant, String field) {
    Objects.requireNonNull(instant, field);
    if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
      throw new IllegalArgumentException(
          field + " must be between " + EARLIEST + " and " + LATEST + ", got " + instant);
    }
  }

  public static boolean isWholeMinute(Instant instant) {
    return instant.getNano() == 0 && Math.floorMod(instant.getEpochSecond(), 60) == 0;
  }

  private static Instant firstMinuteAtOrAfter(Instant instant) {
    Instant floor = instant.truncatedTo(ChronoUnit.MINUTES);
    return floor.equals(instant) ? floor : floor.plus(Duration.ofMinutes(1));
  }
}
