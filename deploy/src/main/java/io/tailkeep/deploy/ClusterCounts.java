package io.tailkeep.deploy;

import io.tailkeep.store.RuleCounts;
import io.tailkeep.store.SamplingCounts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-rule counts of the whole cluster, for the sampling page of any node on Kafka: a sampler node
 * writes its own counts per minute to the store (rewriting the running minute as it grows), and
 * every node sums all nodes' rows since it started.
 */
final class ClusterCounts {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterCounts.class);

  private final SamplingCounts store;
  private final String node;
  /** This node's totals since it started, by rule; null on a node without the sampler role. */
  private final Supplier<Map<String, Long>> kept;
  private final Supplier<Map<String, Long>> dropped;
  private final Clock clock;
  private final Instant since;
  private Instant minute;
  private Map<String, Long> keptBefore = Map.of();
  private Map<String, Long> droppedBefore = Map.of();
  private volatile Map<String, Long> clusterKept = Map.of();
  private volatile Map<String, Long> clusterDropped = Map.of();

  ClusterCounts(SamplingCounts store, String node, Supplier<Map<String, Long>> kept,
      Supplier<Map<String, Long>> dropped, Clock clock) {
    this.store = store;
    this.node = node;
    this.kept = kept;
    this.dropped = dropped;
    this.clock = clock;
    this.since = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    this.minute = since;
  }

  /** Writes this node's counts of the running minute (and the last one's, once it ends), then reads the cluster's. */
  void refresh() {
    Instant now = clock.instant();
    if (kept != null) {
      Map<String, Long> keptNow = kept.get();
      Map<String, Long> droppedNow = dropped.get();
      write(minute, keptNow, droppedNow);
      Instant current = now.truncatedTo(ChronoUnit.MINUTES);
      if (current.isAfter(minute)) {
        // What came after the last write of the old minute counts in the new one.
        minute = current;
        keptBefore = keptNow;
        droppedBefore = droppedNow;
      }
    }
    // A read covers at most MAX_WINDOW: a node up longer sums its last 31 days.
    Instant earliest = now.minus(SamplingCounts.MAX_WINDOW).plus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.MINUTES);
    Instant from = since.isBefore(earliest) ? earliest : since;
    store.read(from, now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1)))
        .whenComplete((counts, error) -> {
          if (error != null) {
            LOG.debug("cluster rule counts not read; showing the last ones: {}", error.toString());
            return;
          }
          Map<String, Long> keptSum = new HashMap<>();
          Map<String, Long> droppedSum = new HashMap<>();
          for (RuleCounts c : counts) {
            keptSum.put(c.rule(), c.kept());
            droppedSum.put(c.rule(), c.dropped());
          }
          clusterKept = keptSum;
          clusterDropped = droppedSum;
        });
  }

  private void write(Instant of, Map<String, Long> keptNow, Map<String, Long> droppedNow) {
    List<RuleCounts> counts = new ArrayList<>();
    TreeSet<String> rules = new TreeSet<>(keptNow.keySet());
    rules.addAll(droppedNow.keySet());
    for (String rule : rules) {
      long k = keptNow.getOrDefault(rule, 0L) - keptBefore.getOrDefault(rule, 0L);
      long d = droppedNow.getOrDefault(rule, 0L) - droppedBefore.getOrDefault(rule, 0L);
      if (k > 0 || d > 0) {
        counts.add(new RuleCounts(rule, k, d));
      }
    }
    store.write(node, of, counts).whenComplete((ok, error) -> {
      if (error != null) {
        LOG.debug("rule counts of {} not written; the next refresh rewrites them: {}", of, error.toString());
      }
    });
  }

  Map<String, Long> keptByRule() {
    return clusterKept;
  }

  Map<String, Long> droppedByRule() {
    return clusterDropped;
  }
}
