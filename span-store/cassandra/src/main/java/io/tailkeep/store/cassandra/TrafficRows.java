package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.LatencyHistogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How traffic counts sit in the rows of schema/v3.cql, and in the flat {@code long[]} a read sums
 * them as: calls are {@code [errors, buckets..., sum_micros]} ({@link #CALLS} values), an edge is
 * {@code [failed, client buckets..., client_sum_micros, server buckets..., server_sum_micros]}
 * ({@link #EDGE} values).
 */
final class TrafficRows {
  private static final int HISTOGRAM = LatencyHistogram.BUCKETS + 1;
  static final int CALLS = 1 + HISTOGRAM;
  static final int EDGE = 1 + 2 * HISTOGRAM;

  private TrafficRows() {}

  /** A histogram's buckets as a list column. */
  static List<Long> buckets(LatencyHistogram latency) {
    List<Long> buckets = new ArrayList<>(LatencyHistogram.BUCKETS);
    for (long count : latency.counts()) {
      buckets.add(count);
    }
    return buckets;
  }

  /** The values of calls stored at {@code errors, buckets, sum_micros}, columns {@code first} on. */
  static long[] calls(Row row, int first, String table) {
    long[] values = new long[CALLS];
    values[0] = row.getLong(first);
    histogram(row, first + 1, values, 1, table);
    return values;
  }

  /**
   * The values of an edge stored at {@code failed, client_buckets, client_sum_micros,
   * server_buckets, server_sum_micros}, columns {@code first} on.
   */
  static long[] edge(Row row, int first, String table) {
    long[] values = new long[EDGE];
    values[0] = row.getLong(first);
    histogram(row, first + 1, values, 1, table);
    histogram(row, first + 3, values, 1 + HISTOGRAM, table);
    return values;
  }

  static CallCounts callCounts(long[] values) {
    return new CallCounts(values[0], latency(values, 1));
  }

  static EdgeCalls edgeCalls(String client, String server, long[] values) {
    return new EdgeCalls(client, server, values[0], latency(values, 1), latency(values, 1 + HISTOGRAM));
  }

  /** The span kind of a stored number; one that OTLP does not define fails the read. */
  static SpanKind kind(int number, String table) {
    SpanKind kind = SpanKind.forNumber(number);
    if (kind == null) {
      throw new IllegalStateException(table + ": stored span_kind " + number + " is no OTLP span kind");
    }
    return kind;
  }

  /**
   * Reads a bucket list at column {@code column} and the sum after it into {@code values} from
   * {@code at}. A list of another length was written with other histogram bounds, which cannot be
   * summed with these: the read fails naming the table.
   */
  private static void histogram(Row row, int column, long[] values, int at, String table) {
    List<Long> buckets = row.getList(column, Long.class);
    if (buckets.size() != LatencyHistogram.BUCKETS) {
      throw new IllegalStateException(
          table + ": a stored row has " + buckets.size() + " latency buckets, not "
              + LatencyHistogram.BUCKETS + ": it was written with other histogram bounds");
    }
    for (int i = 0; i < LatencyHistogram.BUCKETS; i++) {
      values[at + i] = buckets.get(i);
    }
    values[at + LatencyHistogram.BUCKETS] = row.getLong(column + 1);
  }

  private static LatencyHistogram latency(long[] values, int at) {
    return new LatencyHistogram(
        Arrays.copyOfRange(values, at, at + LatencyHistogram.BUCKETS), values[at + LatencyHistogram.BUCKETS]);
  }
}
