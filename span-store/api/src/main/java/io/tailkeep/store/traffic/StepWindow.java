package io.tailkeep.store.traffic;

import io.tailkeep.store.MinuteWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The minutes a traffic read sums ({@link MinuteWindow}: those starting in [{@code from}, {@code
 * to})), cut into steps of whole minutes from the window's first minute; the last step is shorter
 * when the window is not a whole number of steps.
 */
public record StepWindow(MinuteWindow minutes, Duration step) {

  /** The most steps a read answers: a day of minutes. */
  public static final int MAX_STEPS = 1440;

  public StepWindow {
    Objects.requireNonNull(minutes, "minutes");
    Objects.requireNonNull(step, "step");
    if (step.compareTo(Duration.ofMinutes(1)) < 0 || step.toSeconds() % 60 != 0 || step.getNano() != 0) {
      throw new IllegalArgumentException("step must be a whole number of minutes, at least 1, got " + step);
    }
    long steps = stepCount(minutes, step);
    if (steps > MAX_STEPS) {
      throw new IllegalArgumentException(
          "a window of " + Duration.between(minutes.start(), minutes.end()).toMinutes() + " minutes in steps of "
              + step.toMinutes() + " minutes is " + steps + " steps; at most " + MAX_STEPS
              + " are answered: ask for a longer step or a shorter window");
    }
  }

  /** The window of the minutes starting in [{@code from}, {@code to}) in steps of {@code step}. */
  public static StepWindow of(Instant from, Instant to, Duration step) {
    return new StepWindow(MinuteWindow.of(from, to), step);
  }

  /** One step over the whole window: its totals. */
  public static StepWindow whole(Instant from, Instant to) {
    MinuteWindow minutes = MinuteWindow.of(from, to);
    Duration length = Duration.between(minutes.start(), minutes.end());
    return new StepWindow(minutes, length.isZero() ? Duration.ofMinutes(1) : length);
  }

  private static long stepCount(MinuteWindow minutes, Duration step) {
    long length = Duration.between(minutes.start(), minutes.end()).toMinutes();
    long stepMinutes = step.toMinutes();
    return (length + stepMinutes - 1) / stepMinutes;
  }

  public int steps() {
    return (int) stepCount(minutes, step);
  }

  public boolean contains(Instant minute) {
    return minutes.contains(minute);
  }

  /** The start of the step a minute of the window falls in. */
  public Instant stepOf(Instant minute) {
    if (!contains(minute)) {
      throw new IllegalArgumentException(minute + " is outside the window " + minutes);
    }
    long stepMinutes = step.toMinutes();
    long offset = Duration.between(minutes.start(), minute).toMinutes();
    return minutes.start().plus(Duration.ofMinutes(offset - offset % stepMinutes));
  }

  /** Every step's start, in order. */
  public List<Instant> stepStarts() {
    List<Instant> starts = new ArrayList<>(steps());
    for (Instant s = minutes.start(); s.isBefore(minutes.end()); s = s.plus(step)) {
      starts.add(s);
    }
    return starts;
  }
}
