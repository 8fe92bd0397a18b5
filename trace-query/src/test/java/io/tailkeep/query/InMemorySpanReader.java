package io.tailkeep.query;

import io.tailkeep.store.Operation;
import io.tailkeep.store.SpanReader;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceQuery.Order;
import io.tailkeep.store.TraceSummary;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Summaries in memory, searched with the store's contract: window on start, duration range, service,
 * order (key descending, trace ID ascending) and exactly {@code limit} results. Counts queries.
 */
class InMemorySpanReader implements SpanReader {
  final List<TraceSummary> summaries = new CopyOnWriteArrayList<>();
  final List<TraceQuery> queries = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<Optional<Trace>> getTrace(TraceId traceId) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  @Override
  public CompletionStage<List<TraceSummary>> findTraces(TraceQuery query) {
    queries.add(query);
    Comparator<TraceSummary> order =
        query.order() == Order.SLOWEST_FIRST
            ? Comparator.comparingLong(TraceSummary::durationNanos).reversed()
            : Comparator.comparingLong(TraceSummary::startEpochNanos).reversed();
    return CompletableFuture.completedFuture(
        summaries.stream()
            .filter(s -> s.startEpochNanos() >= query.startEpochNanos() && s.startEpochNanos() <= query.endEpochNanos())
            .filter(s -> s.durationNanos() >= query.minDurationNanos() && s.durationNanos() <= query.maxDurationNanos())
            .filter(s -> query.service() == null || s.services().contains(query.service()))
            .sorted(order.thenComparing(TraceSummary::traceId))
            .limit(query.limit())
            .toList());
  }

  @Override
  public CompletionStage<List<TraceSummary>> getSummaries(Collection<TraceId> traceIds) {
    return CompletableFuture.completedFuture(
        summaries.stream().filter(s -> traceIds.contains(s.traceId())).toList());
  }

  @Override
  public CompletionStage<List<String>> getServices() {
    return CompletableFuture.completedFuture(List.of());
  }

  @Override
  public CompletionStage<List<Operation>> getOperations(String service) {
    return CompletableFuture.completedFuture(List.of());
  }
}
