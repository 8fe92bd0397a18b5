package io.tailkeep.deploy.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Plans the demo's traffic: how many traces of each kind, in what order, what each looks like and
 * when it starts. The same seed gives the same plan.
 */
final class DemoTraffic {

  /** Fewer traces and some kind would be missing. */
  static final int MIN_TRACES = 10;

  /** Traces start this far apart, so a default run spreads over a few seconds of the UI's timeline. */
  static final long SPACING_MILLIS = 20;

  private DemoTraffic() {}

  /** Traces of each kind for {@code total}: every kind its share (at least one), ordinary the rest. */
  static Map<DemoKind, Integer> counts(int total) {
    if (total < MIN_TRACES) {
      throw new IllegalArgumentException("at least " + MIN_TRACES + " traces, got " + total);
    }
    Map<DemoKind, Integer> counts = new EnumMap<>(DemoKind.class);
    int others = 0;
    for (DemoKind kind : DemoKind.values()) {
      if (kind != DemoKind.ORDINARY) {
        int count = Math.max(1, (int) Math.round(total * kind.trafficShare));
        counts.put(kind, count);
        others += count;
      }
    }
    counts.put(DemoKind.ORDINARY, total - others);
    return counts;
  }

  static List<PlannedTrace> plan(int total, long seed) {
    Random random = new Random(seed);
    List<DemoKind> kinds = new ArrayList<>(total);
    counts(total).forEach((kind, count) -> kinds.addAll(Collections.nCopies(count, kind)));
    Collections.shuffle(kinds, random);
    DemoTraces shapes = new DemoTraces(random);
    List<PlannedTrace> plan = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      DemoKind kind = kinds.get(i);
      plan.add(new PlannedTrace(kind, shapes.shape(kind), i * SPACING_MILLIS));
    }
    return plan;
  }

  /** How long the plan's traces span, from the first start to the last end. */
  static long windowMillis(List<PlannedTrace> plan) {
    return plan.stream()
        .mapToLong(trace -> trace.startOffsetMillis() + trace.root().durationMillis)
        .max()
        .orElse(0);
  }
}
