package io.tailkeep.store.memory;

import io.tailkeep.store.DecisionLog;
import io.tailkeep.store.StoredDecision;
import io.tailkeep.store.TraceId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Each trace's first decided decision, as the Cassandra store answers it: a decision decided
 * earlier replaces the held one, a later one does not; the same node and instant again is the same
 * row rewritten. Nothing expires.
 */
final class InMemoryDecisionLog implements DecisionLog {
  private final ConcurrentMap<TraceId, StoredDecision> decisions = new ConcurrentHashMap<>();
  private volatile boolean closed;

  @Override
  public CompletionStage<Void> write(List<StoredDecision> written) {
    List<StoredDecision> checked = noNulls(written, "decisions");
    if (closed) {
      return InMemorySpanStore.closedStore();
    }
    for (StoredDecision decision : checked) {
      decisions.merge(
          decision.traceId(),
          decision,
          (held, next) -> StoredDecision.FIRST_DECIDED.compare(next, held) <= 0 ? next : held);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Map<TraceId, StoredDecision>> read(Collection<TraceId> traceIds) {
    List<TraceId> checked = noNulls(traceIds, "traceIds");
    if (closed) {
      return InMemorySpanStore.closedStore();
    }
    Map<TraceId, StoredDecision> found = new HashMap<>();
    for (TraceId traceId : checked) {
      StoredDecision decision = decisions.get(traceId);
      if (decision != null) {
        found.put(traceId, decision);
      }
    }
    return CompletableFuture.completedFuture(Map.copyOf(found));
  }

  private static <T> List<T> noNulls(Collection<T> values, String name) {
    Objects.requireNonNull(values, name);
    for (T value : values) {
      Objects.requireNonNull(value, name + " must not hold null");
    }
    return List.copyOf(values);
  }

  void close() {
    closed = true;
    decisions.clear();
  }
}
