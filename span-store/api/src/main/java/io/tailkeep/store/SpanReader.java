package io.tailkeep.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Reads what {@link SpanWriter} stored. Bad input throws {@link IllegalArgumentException} at the
 * call, before any I/O; I/O failures complete the returned stage exceptionally.
 */
public interface SpanReader {

  /** Every stored span of the trace, or empty when none is stored. */
  CompletionStage<Optional<Trace>> getTrace(TraceId traceId);

  /** Summaries of the matching traces, exactly {@code query.limit()} when that many match. */
  CompletionStage<List<TraceSummary>> findTraces(TraceQuery query);

  /** Summaries of these traces, in the given order; unknown IDs are left out. */
  CompletionStage<List<TraceSummary>> getSummaries(Collection<TraceId> traceIds);

  /** Names of the services that wrote spans, sorted. */
  CompletionStage<List<String>> getServices();

  /** Span names of a service with their span kinds, sorted by name then kind. */
  CompletionStage<List<Operation>> getOperations(String service);
}
