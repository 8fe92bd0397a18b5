package io.tailkeep.ui.sampling;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Traces kept and dropped by each rule over the last minutes, made from the sampler's counts since
 * start: the counts are sampled every {@code step} and the last {@code steps} differences kept. The
 * sampler itself keeps no history, and these few maps every ten seconds cost it nothing.
 *
 * <p>A count lower than in the sample before means the counter restarted (a new sampler); that
 * step then counts what the new counter holds.
 */
public final class RecentRuleCounts {

  public static final Duration DEFAULT_STEP = Duration.ofSeconds(10);

  /** 90 steps of 10 s: the last 15 minutes. */
  public static final int DEFAULT_STEPS = 90;

  private record Sample(Instant at, Map<String, Long> kept, Map<String, Long> dropped) {}

  /** Counts per step, oldest first, and their sums. */
  public record Series(List<Long> kept, List<Long> dropped) {
    public long keptTotal() {
      return kept.stream().mapToLong(Long::longValue).sum();
    }

    public long droppedTotal() {
      return dropped.stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * What was counted between {@code from} and {@code to} (the oldest and newest samples), by
   * rule; empty before the second sample.
   */
  public record Window(Instant from, Instant to, Duration step, Map<String, Series> byRule) {}

  private final SamplingView view;
  private final Clock clock;
  private final Duration step;
  private final int steps;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  public RecentRuleCounts(SamplingView view, Clock clock, Duration step, int steps) {
    this.view = Objects.requireNonNull(view, "view");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.step = Objects.requireNonNull(step, "step");
    if (step.toMillis() < 1) {
      throw new IllegalArgumentException("step must be at least 1 ms, got " + step);
    }
    if (steps < 1 || steps > 10_000) {
      throw new IllegalArgumentException("steps must be between 1 and 10000, got " + steps);
    }
    this.steps = steps;
  }

  /**
   * Samples {@code view} now and then every {@link #DEFAULT_STEP} on {@code vertx}'s timer, for
   * the last {@link #DEFAULT_STEPS} steps; the timer ends when {@code vertx} closes.
   */
  public static RecentRuleCounts start(Vertx vertx, SamplingView view) {
    RecentRuleCounts counts =
        new RecentRuleCounts(view, Clock.systemUTC(), DEFAULT_STEP, DEFAULT_STEPS);
    counts.sample();
    vertx.setPeriodic(DEFAULT_STEP.toMillis(), timer -> counts.sample());
    return counts;
  }

  /** Takes one sample of the counts since start; the timer calls it, tests call it directly. */
  public void sample() {
    Sample sample =
        new Sample(
            clock.instant(), Map.copyOf(view.keptByRule()), Map.copyOf(view.droppedByRule()));
    synchronized (samples) {
      samples.addLast(sample);
      while (samples.size() > steps + 1) {
        samples.removeFirst();
      }
    }
  }

  /** The counts between the oldest and the newest sample. */
  public Window window() {
    List<Sample> taken;
    synchronized (samples) {
      taken = new ArrayList<>(samples);
    }
    if (taken.size() < 2) {
      Instant at = taken.isEmpty() ? clock.instant() : taken.get(0).at();
      return new Window(at, at, step, Map.of());
    }
    Set<String> names = new TreeSet<>();
    for (Sample sample : taken) {
      names.addAll(sample.kept().keySet());
      names.addAll(sample.dropped().keySet());
    }
    Map<String, Series> byRule = new LinkedHashMap<>();
    for (String name : names) {
      List<Long> kept = new ArrayList<>(taken.size() - 1);
      List<Long> dropped = new ArrayList<>(taken.size() - 1);
      Iterator<Sample> it = taken.iterator();
      Sample before = it.next();
      while (it.hasNext()) {
        Sample after = it.next();
        kept.add(difference(before.kept(), after.kept(), name));
        dropped.add(difference(before.dropped(), after.dropped(), name));
        before = after;
      }
      byRule.put(name, new Series(List.copyOf(kept), List.copyOf(dropped)));
    }
    return new Window(taken.get(0).at(), taken.get(taken.size() - 1).at(), step, byRule);
  }

  private static long difference(Map<String, Long> before, Map<String, Long> after, String name) {
    long then = before.getOrDefault(name, 0L);
    long now = after.getOrDefault(name, 0L);
    return now >= then ? now - then : now;
  }
}
