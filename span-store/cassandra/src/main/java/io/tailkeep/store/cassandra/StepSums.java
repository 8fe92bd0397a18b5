package io.tailkeep.store.cassandra;

import io.tailkeep.store.traffic.Step;
import io.tailkeep.store.traffic.StepWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A traffic read's sums per step and key, which rows are added to as their pages arrive (from the
 * hours read at once, hence thread-safe): it holds one entry per step and key, never the rows.
 *
 * @param <K> what a row is summed by within a step (an operation, a service and kind, an edge)
 */
final class StepSums<K> {
  private record Slot<K>(Instant step, K key) {}

  private final StepWindow window;
  private final int width;
  private final Map<Slot<K>, long[]> sums = new HashMap<>();

  /** @param width how many values a row has ({@link TrafficRows}) */
  StepSums(StepWindow window, int width) {
    this.window = window;
    this.width = width;
  }

  /** Adds a row of {@code minute} (in the window) to its step's sums for {@code key}. */
  synchronized void add(Instant minute, K key, long[] values) {
    long[] sum = sums.computeIfAbsent(new Slot<>(window.stepOf(minute), key), slot -> new long[width]);
    for (int i = 0; i < width; i++) {
      sum[i] = Math.addExact(sum[i], values[i]);
    }
  }

  /** The sums as steps: by step start, then by {@code order} within a step. */
  synchronized <T> List<Step<T>> steps(BiFunction<K, long[], T> counts, Comparator<K> order) {
    List<Map.Entry<Slot<K>, long[]>> entries = new ArrayList<>(sums.entrySet());
    entries.sort(
        Comparator.comparing((Map.Entry<Slot<K>, long[]> e) -> e.getKey().step())
            .thenComparing(e -> e.getKey().key(), order));
    List<Step<T>> steps = new ArrayList<>(entries.size());
    for (Map.Entry<Slot<K>, long[]> e : entries) {
      steps.add(new Step<>(e.getKey().step(), counts.apply(e.getKey().key(), e.getValue())));
    }
    return steps;
  }
}
