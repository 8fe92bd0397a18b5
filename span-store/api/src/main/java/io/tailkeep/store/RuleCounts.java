package io.tailkeep.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How many traces a rule kept and dropped: one node's in one minute, or summed ({@link SamplingCounts}). */
public record RuleCounts(String rule, long kept, long dropped) {

  public RuleCounts {
    SamplingNames.check(rule, "rule");
    if (kept < 0 || dropped < 0) {
      throw new IllegalArgumentException(
          "counts of rule '" + rule + "' must not be negative, got kept " + kept + ", dropped " + dropped);
    }
  }

  /** The counts summed per rule, sorted by rule: what {@link SamplingCounts#read} answers. */
  public static List<RuleCounts> sumByRule(Collection<RuleCounts> counts) {
    Map<String, RuleCounts> sums = new TreeMap<>();
    for (RuleCounts c : counts) {
      sums.merge(
          c.rule(),
          c,
          (a, b) -> new RuleCounts(a.rule(), Math.addExact(a.kept(), b.kept()), Math.addExact(a.dropped(), b.dropped())));
    }
    return List.copyOf(sums.values());
  }
}
