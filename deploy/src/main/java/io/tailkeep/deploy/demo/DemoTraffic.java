package io.tailkeep.deploy.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Plans the demo's traffic: how many traces of each kind (their {@link ShopKind.Mix#DEMO} shares),
 * in what order, and when each starts; what each looks like is {@link ShopTraces}' business (the
 * request alone, 1 to 9 spans). The same seed gives the same plan.
 */
final class DemoTraffic {

  /** Fewer traces and some kind would be missing. */
  static final int MIN_TRACES = 10;

  /** Traces start this far apart, so a default run spreads over a few seconds of the UI's timeline. */
  static final long SPACING_MILLIS = 20;

  private DemoTraffic() {}

  /** Traces of each kind for {@code total}: every kind its demo share (at least one), ordinary the rest. */
  static Map<ShopKind, Integer> counts(int total) {
    if (total < MIN_TRACES) {
      throw new IllegalArgumentException("at least " + MIN_TRACES + " traces, got " + total);
    }
    Map<ShopKind, Integer> counts = new EnumMap<>(ShopKind.class);
    int others = 0;
    for (ShopKind kind : ShopKind.values()) {
      if (kind != ShopKind.ORDINARY) {
        int count = Math.max(1, (int) Math.round(total * kind.share(ShopKind.Mix.DEMO)));
        counts.put(kind, count);
        others += count;
      }
    }
    counts.put(ShopKind.ORDINARY, total - others);
    return counts;
  }

  static List<PlannedTrace> plan(int total, long seed) {
    Random random = new Random(seed);
    List<ShopKind> kinds = new ArrayList<>(total);
    counts(total).forEach((kind, count) -> kinds.addAll(Collections.nCopies(count, kind)));
    Collections.shuffle(kinds, random);
    ShopTraces shop = new ShopTraces(random);
    List<PlannedTrace> plan = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      ShopKind kind = kinds.get(i);
      plan.add(new PlannedTrace(kind, shop.trace(kind), i * SPACING_MILLIS));
    }
    return plan;
  }

  /** How long the plan's traces span, from the first start to the last end. */
  static long windowMillis(List<PlannedTrace> plan) {
    return plan.stream()
        .mapToLong(trace -> trace.startOffsetMillis() + TimeUnit.NANOSECONDS.toMillis(trace.root().durationNanos()))
        .max()
        .orElse(0);
  }
}
