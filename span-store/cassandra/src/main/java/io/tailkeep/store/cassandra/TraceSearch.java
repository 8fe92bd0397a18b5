package io.tailkeep.store.cassandra;

import io.tailkeep.store.FoundTraces;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceQuery.Order;
import io.tailkeep.store.TraceSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>Bounded work: a search reads at most {@code maxPartitions} index partitions (one per service
 * and time bucket; a search without a service covers every service). A wider search is narrowed to
 * its newest buckets, with a warning saying from when on it searched; the answer is exact for that
 * narrower window. Every request goes through the search's {@link ReadScope}: the readers' in-flight
 * limiter, and cancellation.
 */
final class TraceSearch {
  private static final int SUMMARY_BATCH = 64;
  /** Index rows the first pages of one search may hold at once, over all its partitions. */
  private static final int FIRST_PAGE_ROWS = 100_000;
  private static final int MIN_PAGE = 20;
  private static final int MAX_PAGE = 5_000;

  private final Statements statements;
  private final TimeBuckets buckets;
  private final Duration bucketSize;
  private final int maxPartitions;

  TraceSearch(Statements statements, TimeBuckets buckets, Duration bucketSize, int maxPartitions) {
    this.statements = statements;
    this.buckets = buckets;
    this.bucketSize = bucketSize;
    this.maxPartitions = maxPartitions;
  }

  /**
   * Reads only the buckets between {@code earliestIndexedNanos} (older index rows have expired) and
   * {@code latestNanos} (later than any span can be), so a window like "0 to year 3000" costs no
   * more than the data that can exist; and of those at most as many as {@code maxPartitions}
   * allows.
   */
  FoundTraces run(
      TraceQuery query, long earliestIndexedNanos, long latestNanos, long nowNanos, ReadScope scope) {
    List<String> services;
    if (query.service() != null) {
      services = List.of(query.service());
    } else {
      // One more than the search can cover tells that there are too many.
      services = scope.send(() -> statements.selectServiceNames.execute(maxPartitions + 1)).join();
      if (services.size() > maxPartitions) {
        return new FoundTraces(
            List.of(),
            List.of(
                "nothing was searched: a search without a service reads every service's index, and"
                    + " there are more than " + maxPartitions + " services, the most one search reads;"
                    + " name a service"));
      }
    }
    long start = Math.max(query.startEpochNanos(), earliestIndexedNanos);
    long last = Math.min(query.endEpochNanos(), latestNanos);
    if (services.isEmpty() || start > last) {
      return FoundTraces.complete(List.of());
    }
    long[] bucketList = buckets.newestFirst(start, last);
    List<String> warnings = new ArrayList<>();
    long windowStart = query.startEpochNanos();
    long windowEnd = query.endEpochNanos();
    int coverable = maxPartitions / services.size();
    if (bucketList.length > coverable) {
      // Narrowed: the budget goes to the newest buckets up to now, not to the (nearly always empty)
      // ones past now that only hosts with clocks ahead write to.
      last = Math.max(start, Math.min(last, nowNanos));
      bucketList = buckets.newestFirst(start, last);
      if (bucketList.length > coverable) {
        bucketList = Arrays.copyOf(bucketList, coverable);
      }
      long from = Math.max(start, bucketList[bucketList.length - 1] * 1_000_000_000L);
      long to = Math.min(query.endEpochNanos(), buckets.endOf(bucketList[0]));
      warnings.add(narrowedWarning(query, services.size(), from, to));
      start = from;
      windowStart = Math.max(windowStart, from);
      windowEnd = Math.min(windowEnd, to);
    }

    List<TraceSummary> found = new ArrayList<>();
    Set<TraceId> seen = new HashSet<>();
    if (query.order() == Order.SLOWEST_FIRST) {
      int pageSize = pageSize(query, services.size() * bucketList.length);
      List<IndexCursor> cursors = new ArrayList<>();
      for (long bucket : bucketList) {
        cursors.addAll(durationCursors(query, services, bucket, pageSize, scope));
      }
      collect(query, windowStart, windowEnd, cursors, seen, found, scope);
    } else {
      int pageSize = pageSize(query, services.size());
      for (long bucket : bucketList) {
        if (found.size() >= query.limit()) {
          break;
        }
        collect(
            query,
            windowStart,
            windowEnd,
            startCursors(query, services, bucket, start, pageSize, scope),
            seen,
            found,
            scope);
      }
    }
    Comparator<TraceSummary> order =
        query.order() == Order.SLOWEST_FIRST
            ? Comparator.comparingLong(TraceSummary::durationNanos).reversed()
            : Comparator.comparingLong(TraceSummary::startEpochNanos).reversed();
    found.sort(order.thenComparing(TraceSummary::traceId));
    return new FoundTraces(found, warnings);
  }

  /** Rows per first page: enough for the limit, but all the partitions' first pages bounded together. */
  private static int pageSize(TraceQuery query, int cursors) {
    int wanted = Math.max(query.limit() * 2, 100);
    int share = FIRST_PAGE_ROWS / Math.max(1, cursors);
    return Math.max(MIN_PAGE, Math.min(MAX_PAGE, Math.min(wanted, share)));
  }

  private String narrowedWarning(TraceQuery query, int serviceCount, long fromNanos, long toNanos) {
    String what =
        query.service() != null
            ? "this one spans more " + bucketText() + " buckets than that"
            : "without a service it reads every service's index (" + serviceCount + " services), "
                + bucketText() + " bucket by bucket";
    return "only traces starting from " + Instant.ofEpochSecond(0, fromNanos) + " to "
        + Instant.ofEpochSecond(0, toNanos) + " were searched: a search reads at"
        + " most " + maxPartitions + " index partitions, and " + what + "; "
        + (query.service() != null ? "narrow the window" : "name a service or narrow the window")
        + " to search earlier traces";
  }

  private String bucketText() {
    long minutes = bucketSize.toMinutes();
    return minutes % 60 == 0 ? (minutes / 60) + "-hour" : minutes + "-minute";
  }

  private List<IndexCursor> startCursors(
      TraceQuery query, List<String> services, long bucket, long start, int pageSize, ReadScope scope) {
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
                () -> statements.selectByTag.execute(service, key, value, bucket, start, end, pageSize),
                SelectTracesByStart::read,
                scope));
      } else {
        String operation = query.operation() == null ? CassandraSpanWriter.ANY_OPERATION : query.operation();
        cursors.add(
            new IndexCursor(
                () -> statements.selectByStart.execute(service, operation, bucket, start, end, pageSize),
                SelectTracesByStart::read,
                scope));
      }
    }
    return cursors;
  }

  private List<IndexCursor> durationCursors(
      TraceQuery query, List<String> services, long bucket, int pageSize, ReadScope scope) {
    List<IndexCursor> cursors = new ArrayList<>();
    String operation = query.operation() == null ? CassandraSpanWriter.ANY_OPERATION : query.operation();
    for (String service : services) {
      cursors.add(
          new IndexCursor(
              () ->
                  statements.selectByDuration.execute(
                      service,
                      operation,
                      bucket,
                      query.minDurationNanos(),
                      query.maxDurationNanos(),
                      pageSize),
              SelectTracesByDuration::read,
              scope));
    }
    return cursors;
  }

  /** Merges the cursors highest sort key first and keeps the candidates that match. */
  private void collect(
      TraceQuery query,
      long windowStart,
      long windowEnd,
      List<IndexCursor> cursors,
      Set<TraceId> seen,
      List<TraceSummary> found,
      ReadScope scope) {
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
      scope.throwIfCancelled();
      List<TraceId> candidates = new ArrayList<>();
      while (candidates.size() < SUMMARY_BATCH && !heap.isEmpty()) {
        IndexCursor cursor = heap.poll();
        IndexRow row = cursor.peek();
        cursor.advance();
        if (cursor.peek() != null) {
          heap.add(cursor);
        }
        boolean inWindow =
            row.startNanos() >= windowStart && row.startNanos() <= windowEnd;
        if (inWindow && seen.add(row.traceId())) {
          candidates.add(row.traceId());
        }
      }
      boolean operationsAndTags = filtersOnOperationOrTags(query);
      for (StoredSummary summary :
          statements.selectSummary.executeAll(candidates, scope, operationsAndTags).join()) {
        if (found.size() < query.limit() && summary.matches(query)) {
          found.add(summary.toSummary());
        }
      }
    }
  }

  /** Whether checking a candidate needs its summary's operations and tags. */
  private static boolean filtersOnOperationOrTags(TraceQuery query) {
    return query.operation() != null || !query.tags().isEmpty();
  }
}
