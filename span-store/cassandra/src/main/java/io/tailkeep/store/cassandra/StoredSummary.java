package io.tailkeep.store.cassandra;

import io.tailkeep.store.Sampling;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A trace_summaries row: the chunks every write added, merged on read. {@code operations} and
 * {@code tags} are null when the read left them out, as it does unless a query filters on them.
 */
record StoredSummary(
    TraceId traceId,
    List<Chunk> chunks,
    Set<String> services,
    Set<Map.Entry<String, String>> operations,
    Set<Map.Entry<String, String>> tags,
    Sampling sampling) {

  record Chunk(
      long startNanos,
      long endNanos,
      int spanCount,
      int errorCount,
      String firstService,
      String firstOperation,
      String rootService,
      String rootOperation) {}

  long startNanos() {
    return chunks.stream().mapToLong(Chunk::startNanos).min().orElse(0);
  }

  long durationNanos() {
    return chunks.stream().mapToLong(Chunk::endNanos).max().orElse(0) - startNanos();
  }

  int errorCount() {
    return chunks.stream().mapToInt(Chunk::errorCount).sum();
  }

  /** Whether every filter of the query holds; the index that found the trace checked only one. */
  boolean matches(TraceQuery query) {
    long start = startNanos();
    long duration = durationNanos();
    if (start < query.startEpochNanos() || start > query.endEpochNanos()) {
      return false;
    }
    if (duration < query.minDurationNanos() || duration > query.maxDurationNanos()) {
      return false;
    }
    if (!query.matchesErrorCount(errorCount())) {
      return false;
    }
    if (query.service() != null && !services.contains(query.service())) {
      return false;
    }
    if (query.operation() != null
        && !operations.contains(Map.entry(query.service(), query.operation()))) {
      return false;
    }
    for (Map.Entry<String, String> tag : query.tags().entrySet()) {
      if (!tags.contains(Map.entry(tag.getKey(), tag.getValue()))) {
        return false;
      }
    }
    return true;
  }

  TraceSummary toSummary() {
    Chunk rootChunk = chunks.stream().filter(c -> c.rootService() != null).findFirst().orElse(null);
    Chunk firstChunk = chunks.get(0); // chunks are sorted by start
    return new TraceSummary(
        traceId,
        rootChunk != null ? rootChunk.rootService() : firstChunk.firstService(),
        rootChunk != null ? rootChunk.rootOperation() : firstChunk.firstOperation(),
        rootChunk != null,
        startNanos(),
        durationNanos(),
        chunks.stream().mapToInt(Chunk::spanCount).sum(),
        errorCount(),
        services,
        sampling);
  }
}
