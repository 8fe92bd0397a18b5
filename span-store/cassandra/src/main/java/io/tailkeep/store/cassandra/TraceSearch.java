package io.tailkeep.store.cassandra;

import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceQuery.Order;
import io.tailkeep.store.TraceSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Answers a {@link TraceQuery} from the indexes: one index drives (by start, by tag, or by
 * duration), its partitions are merged in order, and each candidate trace is checked against every
 * filter on its summary row. Candidates are taken until {@code limit} traces match or the index
 * runs out, which is what makes the limit exact.
 *
 * <p>Newest-first reads bucket after bucket (a newer bucket only holds newer traces); slowest-first
 * merges the buckets of the whole window at once. Blocking: runs on the store's search threads.
 */
final class TraceSearch {
  private static final int SUMMARY_BATCH = 64;

  private final Statements statements;
  private final TimeBuckets buckets;

  TraceSearch(Statements statements, TimeBuckets buckets) {
    this.statements = statements;
    this.buckets = buckets;
  }

  /**
   * Reads only the buckets between {@code earliestIndexedNanos} (older index rows have expired) and
   * {@code latestNanos} (later than any span can be), so a window like "0 to year 3000" costs no
   * more than the data that can exist.
   */
  List<TraceSummary> run(TraceQuery query, long earliestIndexedNanos, long latestNanos) {
    List<String> services =
        query.service() != null
            ? List.of(query.service())
            : statements.selectServiceNames.execute().toCompletableFuture().join();
    long start = Math.max(query.startEpochNanos(), earliestIndexedNanos);
    long last = Math.min(query.endEpochNanos(), latestNanos);
    if (services.isEmpty() || start > last) {
      return List.of();
    }
    long[] bucketList = buckets.newestFirst(start, last);
    int pageSize = Math.min(Math.max(query.limit() * 2, 100), 5_000);

    List<TraceSummary> found = new ArrayList<>();
    Set<TraceId> seen = new HashSet<>();
    if (query.order() == Order.SLOWEST_FIRST) {
      List<IndexCursor> cursors = new ArrayList<>();
      for (long bucket : bucketList) {
        cursors.addAll(durationCursors(query, services, bucket, pageSize));
      }
      collect(query, cursors, seen, found);
    } else {
      for (long bucket : bucketList) {
        if (found.size() >= query.limit()) {
          break;
        }
        collect(query, startCursors(query, services, bucket, start, pageSize), seen, found);
      }
    }
    Comparator<TraceSummary> order =
        query.order() == Order.SLOWEST_FIRST
            ? Comparator.comparingLong(TraceSummary::durationNanos).reversed()
            : Comparator.comparingLong(TraceSummary::startEpochNanos).reversed();
    found.sort(order.thenComparing(TraceSummary::traceId));
    return found;
  }

  private List<IndexCursor> startCursors(
      TraceQuery query, List<String> services, long bucket, long start, int pageSize) {
    List<IndexCursor> cursors = new ArrayList<>();
    long end = query.endEpochNanos();
    Optional<Map.Entry<String, String>> tag =
        query.tags().entrySet().stream().min(Map.Entry.comparingByKey());
    for (String service : services) {
      if (tag.isPresent()) {
        String key = tag.get().getKey();
        String value = tag.get().getValue();
        cursors.add(
            new IndexCursor(
                statements.selectByTag.execute(service, key, value, bucket, start, end, pageSize),
                SelectTracesByStart::read));
      } else {
        String operation = query.operation() == null ? CassandraSpanWriter.ANY_OPERATION : query.operation();
        cursors.add(
            new IndexCursor(
                statements.selectByStart.execute(service, operation, bucket, start, end, pageSize),
                SelectTracesByStart::read));
      }
    }
    return cursors;
  }

  private List<IndexCursor> durationCursors(
      TraceQuery query, List<String> services, long bucket, int pageSize) {
    List<IndexCursor> cursors = new ArrayList<>();
    String operation = query.operation() == null ? CassandraSpanWriter.ANY_OPERATION : query.operation();
    for (String service : services) {
      cursors.add(
          new IndexCursor(
              statements.selectByDuration.execute(
                  service,
                  operation,
                  bucket,
                  query.minDurationNanos(),
                  query.maxDurationNanos(),
                  pageSize),
              SelectTracesByDuration::read));
    }
    return cursors;
  }

  /** Merges the cursors highest sort key first and keeps the candidates that match. */
  private void collect(
      TraceQuery query, List<IndexCursor> cursors, Set<TraceId> seen, List<TraceSummary> found) {
    PriorityQueue<IndexCursor> heap =
        new PriorityQueue<>(
            Comparator.comparingLong((IndexCursor c) -> c.peek().sortKey())
                .reversed()
                .thenComparing(c -> c.peek().traceId()));
    for (IndexCursor cursor : cursors) {
      if (cursor.peek() != null) {
        heap.add(cursor);
      }
    }
    while (found.size() < query.limit() && !heap.isEmpty()) {
      List<TraceId> candidates = new ArrayList<>();
      while (candidates.size() < SUMMARY_BATCH && !heap.isEmpty()) {
        IndexCursor cursor = heap.poll();
        IndexRow row = cursor.peek();
        cursor.advance();
        if (cursor.peek() != null) {
          heap.add(cursor);
        }
        boolean inWindow =
            row.startNanos() >= query.startEpochNanos() && row.startNanos() <= query.endEpochNanos();
        if (inWindow && seen.add(row.traceId())) {
          candidates.add(row.traceId());
        }
      }
      for (StoredSummary summary : statements.selectSummary.executeAll(candidates).join()) {
        if (found.size() < query.limit() && summary.matches(query)) {
          found.add(summary.toSummary());
        }
      }
    }
  }
}
