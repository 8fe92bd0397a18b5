package io.tailkeep.deploy;

import io.tailkeep.store.SpanReader;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** What Cassandra holds, read through the span store's reader. */
final class StoredTraces {

  private static final long READ_TIMEOUT_SECONDS = 30;

  private final SpanReader reader;

  StoredTraces(SpanReader reader) {
    this.reader = reader;
  }

  Optional<Trace> get(TraceId traceId) {
    return join(reader.getTrace(traceId).toCompletableFuture());
  }

  /** Hex IDs of the stored spans of a trace; empty when none is stored. */
  Set<String> spanIds(TraceId traceId) {
    return get(traceId)
        .map(trace -> trace.spans().stream().map(span -> span.spanId().toHex()).collect(Collectors.toSet()))
        .orElse(Set.of());
  }

  /** Waits until exactly the sent spans of {@code trace} are stored. */
  void awaitComplete(SentTrace trace, Duration timeout) {
    Poll.until(
        timeout,
        "all " + trace.spanCount() + " spans of " + trace + " in Cassandra, got",
        () -> spanIds(trace.traceId()),
        trace.spanIds()::equals);
  }

  TraceSummary summary(TraceId traceId) {
    List<TraceSummary> summaries = join(reader.getSummaries(List.of(traceId)).toCompletableFuture());
    if (summaries.size() != 1) {
      throw new AssertionError("expected one summary of " + traceId + ", got " + summaries);
    }
    return summaries.get(0);
  }

  List<TraceSummary> find(TraceQuery query) {
    return join(reader.findTraces(query).toCompletableFuture());
  }

  private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
    try {
      return future.get(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted reading Cassandra", e);
    } catch (Exception e) {
      throw new AssertionError("reading Cassandra failed: " + e, e);
    }
  }
}
