package io.tailkeep.store.cassandra;

import io.tailkeep.store.FoundTraces;
import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.Operation;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanReader;
import io.tailkeep.store.StoreBusyException;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * Reads spans, summaries and names. Every request goes through the readers' own in-flight limiter
 * (apart from the writers', so reads cannot starve writes nor writes reads), whose line is bounded:
 * past it a read fails at once with {@link StoreBusyException}. Searches run on a few threads with
 * a bounded queue, likewise. Cancelling a returned future cancels the read's requests.
 */
final class CassandraSpanReader implements SpanReader {
  private final Statements statements;
  private final TraceSearch search;
  private final IndexedTags indexedTags;
  private final ExecutorService searchExecutor;
  private final InFlightLimiter limiter;
  /** Spans from hosts whose clocks run ahead are still found; nothing later can exist. */
  private static final Duration FUTURE_SKEW = Duration.ofDays(1);

  private final Clock clock;
  private final Duration indexTtl;

  CassandraSpanReader(
      Statements statements,
      TraceSearch search,
      IndexedTags indexedTags,
      ExecutorService searchExecutor,
      InFlightLimiter limiter,
      Clock clock,
      Duration indexTtl) {
    this.statements = statements;
    this.search = search;
    this.indexedTags = indexedTags;
    this.searchExecutor = searchExecutor;
    this.limiter = limiter;
    this.clock = clock;
    this.indexTtl = indexTtl;
  }

  @Override
  public CompletionStage<Optional<Trace>> getTrace(TraceId traceId) {
    Objects.requireNonNull(traceId, "traceId");
    return read(traceId, Integer.MAX_VALUE);
  }

  @Override
  public CompletionStage<Optional<Trace>> getTrace(TraceId traceId, int maxSpans) {
    Objects.requireNonNull(traceId, "traceId");
    SpanReader.checkMaxSpans(maxSpans);
    return read(traceId, maxSpans);
  }

  /**
   * The trace's blocks and, in a keyspace made before schema v4, its rows in the legacy table, at
   * once. A span written twice in different batches is in two blocks: identical copies are left
   * out here, as the legacy table's key left them out.
   */
  private CompletableFuture<Optional<Trace>> read(TraceId traceId, int maxSpans) {
    ByteBuffer id = ByteBuffer.wrap(traceId.toBytes());
    // One span past the cap tells whether more are stored; the rest stay unread.
    int limit = maxSpans == Integer.MAX_VALUE ? maxSpans : maxSpans + 1;
    ReadScope scope = new ReadScope(limiter);
    CompletableFuture<SelectSpanBlocks.Read> blocks =
        scope.send(() -> statements.selectSpanBlocks.execute(id, limit));
    CompletableFuture<List<OtlpSpan>> legacy =
        statements.selectLegacySpans == null
            ? CompletableFuture.completedFuture(List.of())
            : scope.send(() -> statements.selectLegacySpans.execute(id, limit));
    return scope.cancelledWith(
        blocks.thenCombine(
            legacy,
            (fromBlocks, fromRows) -> {
              List<OtlpSpan> spans = fromBlocks.spans;
              if (!fromRows.isEmpty()) {
                spans = new ArrayList<>(fromBlocks.spans);
                spans.addAll(fromRows);
              }
              spans = Trace.withoutIdenticalCopies(spans);
              if (spans.isEmpty()) {
                return Optional.empty();
              }
              boolean capped = spans.size() > maxSpans;
              // A trace written before schema v5 has no decision beside its blocks: null, so the
              // caller asks its summary (Trace.sampling).
              return Optional.of(
                  new Trace(traceId, capped ? spans.subList(0, maxSpans) : spans, capped, fromBlocks.sampling));
            }));
  }

  @Override
  public CompletionStage<List<TraceSummary>> findTraces(TraceQuery query) {
    CompletableFuture<FoundTraces> found = search(query);
    CompletableFuture<List<TraceSummary>> traces = found.thenApply(FoundTraces::traces);
    traces.whenComplete(
        (value, error) -> {
          if (traces.isCancelled()) {
            found.cancel(false);
          }
        });
    return traces;
  }

  @Override
  public boolean isIndexedTag(String key) {
    return indexedTags.keys().contains(key);
  }

  @Override
  public CompletableFuture<FoundTraces> search(TraceQuery query) {
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
    ReadScope scope = new ReadScope(limiter);
    CompletableFuture<FoundTraces> result = scope.cancelledWith(new CompletableFuture<>());
    try {
      searchExecutor.execute(
          () -> {
            if (result.isDone()) {
              return; // cancelled while it waited for a thread
            }
            try {
              result.complete(search.run(bounded, earliest, latest, epochNanos(now), scope));
            } catch (CompletionException e) {
              result.completeExceptionally(e.getCause() == null ? e : e.getCause());
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          searchExecutor.isShutdown()
              ? new IllegalStateException("the span store is closed")
              : new StoreBusyException("the span store has as many searches waiting as it takes; try again"));
    }
    return result;
  }

  @Override
  public CompletionStage<List<TraceSummary>> getSummaries(Collection<TraceId> traceIds) {
    ReadScope scope = new ReadScope(limiter);
    return scope.cancelledWith(
        statements
            .selectSummary
            .executeAll(List.copyOf(traceIds), scope, false)
            .thenApply(summaries -> summaries.stream().map(StoredSummary::toSummary).toList()));
  }

  @Override
  public CompletionStage<List<String>> getServices() {
    ReadScope scope = new ReadScope(limiter);
    return scope.cancelledWith(
        scope.send(statements.selectServiceNames::execute)
            .thenApply(names -> names.stream().sorted().toList()));
  }

  @Override
  public CompletionStage<List<Operation>> getOperations(String service) {
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException("service must not be blank");
    }
    ReadScope scope = new ReadScope(limiter);
    return scope.cancelledWith(
        scope.send(() -> statements.selectOperationNames.execute(IndexKeys.bounded(service)))
            .thenApply(
                ops ->
                    ops.stream()
                        .sorted(Comparator.comparing(Operation::name).thenComparing(Operation::kind))
                        .toList()));
  }

  /**
   * The coordinator's {@code system.local} row: no table of ours, no scan. Not through the readers'
   * limiter, so a node busy answering searches still reports that Cassandra answers.
   */
  @Override
  public CompletionStage<Void> checkReachable() {
    return statements.selectReleaseVersion.execute().thenApply(version -> null);
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
        query.order(),
        query.errorsOnly());
  }

  private static long epochNanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
