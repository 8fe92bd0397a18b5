package io.tailkeep.store.memory;

import io.tailkeep.store.BatchSummary;
import io.tailkeep.store.DecisionLog;
import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.Operation;
import io.tailkeep.store.SamplingCounts;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanReader;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.SpanWriter;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceQuery.Order;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.store.traffic.TrafficCounts;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * A span store in this process's memory, for tests and trying things out: it keeps every span
 * until closed, and answers searches by scanning every trace. It passes the same contract suite as
 * the Cassandra store (summaries, search semantics, tag policy, late spans, retries); see
 * span-store's README for where the two differ. Its decision log and rule counts follow the same
 * contract; nothing here expires (the store has no clock). Thread-safe; every call completes
 * before it returns. After {@link #close()} the data is gone and calls complete exceptionally.
 */
public final class InMemorySpanStore implements SpanStore {
  private final IndexedTags indexedTags;
  private final ConcurrentMap<TraceId, StoredTrace> traces = new ConcurrentHashMap<>();
  private final Set<String> services = new ConcurrentSkipListSet<>();
  private final ConcurrentMap<String, Set<Operation>> operations = new ConcurrentHashMap<>();
  private final SpanReader reader = new Reader();
  private final InMemoryDecisionLog decisions = new InMemoryDecisionLog();
  private final InMemorySamplingCounts samplingCounts = new InMemorySamplingCounts();
  private final InMemoryTrafficCounts traffic = new InMemoryTrafficCounts();
  private volatile boolean closed;

  private InMemorySpanStore(Builder builder) {
    this.indexedTags = new IndexedTags(builder.indexedTagKeys, builder.maxTagValueLength);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public SpanWriter writer() {
    return this::write;
  }

  @Override
  public SpanReader reader() {
    return reader;
  }

  @Override
  public DecisionLog decisions() {
    return decisions;
  }

  @Override
  public SamplingCounts samplingCounts() {
    return samplingCounts;
  }

  @Override
  public TrafficCounts traffic() {
    return traffic;
  }

  @Override
  public void close() {
    closed = true;
    decisions.close();
    samplingCounts.close();
    traffic.close();
    traces.clear();
    services.clear();
    operations.clear();
  }

  private CompletionStage<Void> write(SpanBatch batch) {
    Objects.requireNonNull(batch, "batch");
    if (closed) {
      return closedStore();
    }
    BatchContribution contribution = BatchContribution.of(batch, indexedTags);
    traces.computeIfAbsent(batch.traceId(), StoredTrace::new).add(batch, contribution);
    services.addAll(contribution.services());
    for (BatchSummary.ServiceOperation op : contribution.operations()) {
      operations
          .computeIfAbsent(op.service(), service -> ConcurrentHashMap.newKeySet())
          .add(new Operation(op.name(), op.kind()));
    }
    return CompletableFuture.completedFuture(null);
  }

  static <T> CompletionStage<T> closedStore() {
    return CompletableFuture.failedFuture(new IllegalStateException("the in-memory span store is closed"));
  }

  private static Comparator<TraceSummary> order(Order order) {
    Comparator<TraceSummary> key =
        order == Order.SLOWEST_FIRST
            ? Comparator.comparingLong(TraceSummary::durationNanos).reversed()
            : Comparator.comparingLong(TraceSummary::startEpochNanos).reversed();
    return key.thenComparing(TraceSummary::traceId);
  }

  private final class Reader implements SpanReader {

    @Override
    public CompletionStage<Optional<Trace>> getTrace(TraceId traceId) {
      Objects.requireNonNull(traceId, "traceId");
      if (closed) {
        return closedStore();
      }
      return getTrace(traceId, Integer.MAX_VALUE);
    }

    @Override
    public CompletionStage<Optional<Trace>> getTrace(TraceId traceId, int maxSpans) {
      Objects.requireNonNull(traceId, "traceId");
      SpanReader.checkMaxSpans(maxSpans);
      if (closed) {
        return closedStore();
      }
      StoredTrace trace = traces.get(traceId);
      return CompletableFuture.completedFuture(trace == null ? Optional.empty() : trace.read(maxSpans));
    }

    @Override
    public CompletionStage<Void> checkReachable() {
      return closed ? closedStore() : CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isIndexedTag(String key) {
      return indexedTags.keys().contains(key);
    }

    @Override
    public CompletionStage<List<TraceSummary>> findTraces(TraceQuery query) {
      Objects.requireNonNull(query, "query");
      indexedTags.checkSearchable(query.tags());
      if (closed) {
        return closedStore();
      }
      return CompletableFuture.completedFuture(
          traces.values().stream()
              .map(StoredTrace::summary)
              .filter(summary -> summary != null && summary.matches(query))
              .map(SearchableSummary::summary)
              .sorted(order(query.order()))
              .limit(query.limit())
              .toList());
    }

    @Override
    public CompletionStage<List<TraceSummary>> getSummaries(Collection<TraceId> traceIds) {
      Objects.requireNonNull(traceIds, "traceIds");
      if (closed) {
        return closedStore();
      }
      return CompletableFuture.completedFuture(
          traceIds.stream()
              .map(traces::get)
              .filter(Objects::nonNull)
              .map(StoredTrace::summary)
              .filter(Objects::nonNull)
              .map(SearchableSummary::summary)
              .toList());
    }

    @Override
    public CompletionStage<List<String>> getServices() {
      if (closed) {
        return closedStore();
      }
      return CompletableFuture.completedFuture(List.copyOf(services));
    }

    @Override
    public CompletionStage<List<Operation>> getOperations(String service) {
      if (service == null || service.isBlank()) {
        throw new IllegalArgumentException("service must not be blank");
      }
      if (closed) {
        return closedStore();
      }
      return CompletableFuture.completedFuture(
          operations.getOrDefault(service, Set.of()).stream()
              .sorted(Comparator.comparing(Operation::name).thenComparing(Operation::kind))
              .toList());
    }
  }

  /** Settings of the tag index, with the same names and defaults as the Cassandra store's. */
  public static final class Builder {
    private Set<String> indexedTagKeys = IndexedTags.DEFAULT_KEYS;
    private int maxTagValueLength = IndexedTags.DEFAULT_MAX_VALUE_LENGTH;

    private Builder() {}

    /** Attribute keys searchable as tags; a search on another key is refused. */
    public Builder indexedTagKeys(Set<String> indexedTagKeys) {
      this.indexedTagKeys = Objects.requireNonNull(indexedTagKeys, "indexedTagKeys");
      return this;
    }

    /** Longer attribute values are stored but not searchable. */
    public Builder maxTagValueLength(int maxTagValueLength) {
      this.maxTagValueLength = maxTagValueLength;
      return this;
    }

    public InMemorySpanStore build() {
      for (String key : indexedTagKeys) {
        if (key == null || key.isBlank()) {
          throw new IllegalArgumentException("invalid indexedTagKeys: " + indexedTagKeys);
        }
      }
      if (maxTagValueLength < 1 || maxTagValueLength > IndexedTags.MAX_VALUE_LENGTH_LIMIT) {
        throw new IllegalArgumentException("invalid maxTagValueLength: " + maxTagValueLength);
      }
      return new InMemorySpanStore(this);
    }
  }
}
