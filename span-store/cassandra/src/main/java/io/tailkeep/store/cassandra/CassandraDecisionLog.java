package io.tailkeep.store.cassandra;

import io.tailkeep.store.DecisionLog;
import io.tailkeep.store.StoredDecision;
import io.tailkeep.store.TraceId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The decision log on Cassandra: one plain insert per decision and one single-partition read per
 * trace, all through the store's in-flight limiter, so a few hundred at once go concurrently
 * without crowding out span writes (and without the coordinator fan-out of an IN query).
 */
final class CassandraDecisionLog implements DecisionLog {
  private final InsertDecision insert;
  private final SelectDecision select;
  private final InFlightLimiter limiter;
  private final int ttlSeconds;

  CassandraDecisionLog(Statements statements, InFlightLimiter limiter, int ttlSeconds) {
    this.insert = statements.insertDecision;
    this.select = statements.selectDecision;
    this.limiter = limiter;
    this.ttlSeconds = ttlSeconds;
  }

  @Override
  public CompletionStage<Void> write(List<StoredDecision> decisions) {
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (StoredDecision decision : checked(decisions, "decisions")) {
      writes.add(limiter.submit(() -> insert.execute(decision, ttlSeconds)).toCompletableFuture());
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
  }

  @Override
  public CompletionStage<Map<TraceId, StoredDecision>> read(Collection<TraceId> traceIds) {
    List<CompletableFuture<Optional<StoredDecision>>> reads = new ArrayList<>();
    for (TraceId traceId : new LinkedHashSet<>(checked(traceIds, "traceIds"))) {
      reads.add(limiter.submit(() -> select.execute(traceId)).toCompletableFuture());
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<TraceId, StoredDecision> found = new HashMap<>();
              for (CompletableFuture<Optional<StoredDecision>> read : reads) {
                read.join().ifPresent(decision -> found.put(decision.traceId(), decision));
              }
              return Map.copyOf(found);
            });
  }

  /** Refuses null and null elements before any request is sent. */
  private static <T> List<T> checked(Collection<T> values, String name) {
    Objects.requireNonNull(values, name);
    for (T value : values) {
      Objects.requireNonNull(value, name + " must not hold null");
    }
    return List.copyOf(values);
  }
}
