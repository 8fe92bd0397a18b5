package io.tailkeep.store.cassandra;

import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.Operation;
import io.tailkeep.store.SpanReader;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

final class CassandraSpanReader implements SpanReader {
  private final Statements statements;
  private final TraceSearch search;
  private final IndexedTags indexedTags;
  private final Executor searchExecutor;
  /** Spans from hosts whose clocks run ahead are still found; nothing later can exist. */
  private static final Duration FUTURE_SKEW = Duration.ofDays(1);

  private final Clock clock;
  private final Duration indexTtl;

  CassandraSpanReader(
      Statements statements,
      TraceSearch search,
      IndexedTags indexedTags,
      Executor searchExecutor,
      Clock clock,
      Duration indexTtl) {
    this.statements = statements;
    this.search = search;
    this.indexedTags = indexedTags;
    this.searchExecutor = searchExecutor;
    this.clock = clock;
    this.indexTtl = indexTtl;
  }

  @Override
  public CompletionStage<Optional<Trace>> getTrace(TraceId traceId) {
    Objects.requireNonNull(traceId, "traceId");
    return statements
        .selectSpans
        .execute(ByteBuffer.wrap(traceId.toBytes()))
        .thenApply(spans -> spans.isEmpty() ? Optional.empty() : Optional.of(new Trace(traceId, spans)));
  }

  @Override
  public CompletionStage<List<TraceSummary>> findTraces(TraceQuery query) {
    Objects.requireNonNull(query, "query");
    indexedTags.checkSearchable(query.tags());
    for (Map.Entry<String, String> tag : query.tags().entrySet()) {
      if (!IndexKeys.fits(tag.getValue())) {
        throw new IllegalArgumentException(
            "tags: value of '" + tag.getKey() + "' is longer than the longest indexed ("
                + IndexKeys.MAX_UTF8_BYTES + " bytes of UTF-8)");
      }
    }
    TraceQuery bounded = withBoundedNames(query);
    // Index rows older than the index TTL are gone, and no span starts a day past now (clock skew
    // allowed): no need to read buckets outside that.
    Instant now = clock.instant();
    long earliest = epochNanos(now.minus(indexTtl));
    long latest = epochNanos(now.plus(FUTURE_SKEW));
    return CompletableFuture.supplyAsync(
        () -> search.run(bounded, earliest, latest), searchExecutor);
  }

  @Override
  public CompletionStage<List<TraceSummary>> getSummaries(Collection<TraceId> traceIds) {
    return statements
        .selectSummary
        .executeAll(List.copyOf(traceIds))
        .thenApply(summaries -> summaries.stream().map(StoredSummary::toSummary).toList());
  }

  @Override
  public CompletionStage<List<String>> getServices() {
    return statements.selectServiceNames.execute().thenApply(names -> names.stream().sorted().toList());
  }

  @Override
  public CompletionStage<List<Operation>> getOperations(String service) {
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException("service must not be blank");
    }
    return statements
        .selectOperationNames
        .execute(IndexKeys.bounded(service))
        .thenApply(
            ops ->
                ops.stream()
                    .sorted(Comparator.comparing(Operation::name).thenComparing(Operation::kind))
                    .toList());
  }

  /** The query with its service and operation cut as the writer cut them in the index keys. */
  private static TraceQuery withBoundedNames(TraceQuery query) {
    String service = IndexKeys.bounded(query.service());
    String operation = IndexKeys.bounded(query.operation());
    if (Objects.equals(service, query.service()) && Objects.equals(operation, query.operation())) {
      return query; // the common case: both fit as they are
    }
    return new TraceQuery(
        service,
        operation,
        query.tags(),
        query.minDuration(),
        query.maxDuration(),
        query.start(),
        query.end(),
        query.limit(),
        query.order());
  }

  private static long epochNanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
