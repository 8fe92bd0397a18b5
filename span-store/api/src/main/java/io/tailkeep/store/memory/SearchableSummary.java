package io.tailkeep.store.memory;

import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import java.util.Map;
import java.util.Set;

/**
 * A trace's summary with what search needs beside it: the (service, span name) pairs and the
 * indexed (key, value) tags of all its spans.
 */
record SearchableSummary(
    TraceSummary summary, Set<Map.Entry<String, String>> operations, Set<Map.Entry<String, String>> tags) {

  SearchableSummary {
    operations = Set.copyOf(operations);
    tags = Set.copyOf(tags);
  }

  /** Whether every filter of the query holds, as span-store's README defines them. */
  boolean matches(TraceQuery query) {
    long start = summary.startEpochNanos();
    long duration = summary.durationNanos();
    if (start < query.startEpochNanos() || start > query.endEpochNanos()) {
      return false;
    }
    if (duration < query.minDurationNanos() || duration > query.maxDurationNanos()) {
      return false;
    }
    if (!query.matchesErrorCount(summary.errorCount())) {
      return false;
    }
    if (query.service() != null && !summary.services().contains(query.service())) {
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
}
