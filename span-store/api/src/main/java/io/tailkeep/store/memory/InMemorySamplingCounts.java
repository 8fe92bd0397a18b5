package io.tailkeep.store.memory;

import io.tailkeep.store.MinuteWindow;
import io.tailkeep.store.RuleCounts;
import io.tailkeep.store.SamplingCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Each node's totals per minute, replaced whole by a rewrite; a read sums the window's. Nothing expires. */
final class InMemorySamplingCounts implements SamplingCounts {
  private record NodeMinute(String node, Instant minute) {}

  private final ConcurrentMap<NodeMinute, List<RuleCounts>> totals = new ConcurrentHashMap<>();
  private volatile boolean closed;

  @Override
  public CompletionStage<Void> write(String node, Instant minute, List<RuleCounts> counts) {
    SamplingCounts.checkWrite(node, minute, counts);
    if (closed) {
      return InMemorySpanStore.closedStore();
    }
    totals.put(new NodeMinute(node, minute), List.copyOf(counts));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<List<RuleCounts>> read(Instant from, Instant to) {
    MinuteWindow window = MinuteWindow.of(from, to);
    if (closed) {
      return InMemorySpanStore.closedStore();
    }
    List<RuleCounts> inWindow = new ArrayList<>();
    for (Map.Entry<NodeMinute, List<RuleCounts>> entry : totals.entrySet()) {
      if (window.contains(entry.getKey().minute())) {
        inWindow.addAll(entry.getValue());
      }
    }
    return CompletableFuture.completedFuture(RuleCounts.sumByRule(inWindow));
  }

  void close() {
    closed = true;
    totals.clear();
  }
}
