package io.tailkeep.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Reads what {@link SpanWriter} stored. Bad input throws {@link IllegalArgumentException} at the
 * call, before any I/O; I/O failures complete the returned stage exceptionally, a store with too
 * many reads waiting with {@link StoreBusyException}. Cancelling a returned stage (its {@code
 * CompletableFuture}) stops the work behind it: no further requests are sent for it.
 */
public interface SpanReader {

  /** Every stored span of the trace, or empty when none is stored. */
  CompletionStage<Optional<Trace>> getTrace(TraceId traceId);

  /**
   * At most {@code maxSpans} stored spans of the trace (which ones is the store's choice), with
   * {@link Trace#capped()} telling whether more are stored; empty when none is stored. The store
   * bounds what it reads, not only what it returns.
   *
   * @throws IllegalArgumentException when {@code maxSpans} is below 1
   */
  default CompletionStage<Optional<Trace>> getTrace(TraceId traceId, int maxSpans) {
    checkMaxSpans(maxSpans);
    // For readers that cannot bound the read; both stores of this project override it.
    return getTrace(traceId)
        .thenApply(
            found ->
                found.map(
                    trace ->
                        trace.spans().size() <= maxSpans
                            ? trace
                            : new Trace(traceId, trace.spans().subList(0, maxSpans), true, trace.sampling())));
  }

  /** Summaries of the matching traces, exactly {@code query.limit()} when that many match. */
  CompletionStage<List<TraceSummary>> findTraces(TraceQuery query);

  /**
   * As {@link #findTraces}, with the store's warnings when it narrowed the search to bound its
   * work (see span-store's README: a search without a service, or over many time buckets).
   */
  default CompletionStage<FoundTraces> search(TraceQuery query) {
    return findTraces(query).thenApply(FoundTraces::complete);
  }

  /**
   * Whether a search may filter on this tag key ({@link IndexedTags}); a query with a key that is
   * not indexed is refused. False also when the reader cannot tell (both stores of this project
   * can). The Jaeger API asks it before reading Jaeger's {@code error=true} as {@link
   * TraceQuery#errorsOnly()}.
   */
  default boolean isIndexedTag(String key) {
    return false;
  }

  /** Summaries of these traces, in the given order; unknown IDs are left out. */
  CompletionStage<List<TraceSummary>> getSummaries(Collection<TraceId> traceIds);

  /** Names of the services that wrote spans, sorted. */
  CompletionStage<List<String>> getServices();

  /** Span names of a service with their span kinds, sorted by name then kind. */
  CompletionStage<List<Operation>> getOperations(String service);

  /**
   * Completes when the store answers a read now: a cheap query that reads no table of spans or
   * names (for readiness checks, asked every few seconds).
   */
  default CompletionStage<Void> checkReachable() {
    return getServices().thenApply(names -> null);
  }

  /** The check of {@link #getTrace(TraceId, int)}'s {@code maxSpans}, for every reader. */
  static void checkMaxSpans(int maxSpans) {
    if (maxSpans < 1) {
      throw new IllegalArgumentException("maxSpans must be at least 1, got " + maxSpans);
    }
  }
}
