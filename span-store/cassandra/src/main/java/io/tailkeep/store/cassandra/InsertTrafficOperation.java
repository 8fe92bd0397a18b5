package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.tailkeep.store.traffic.CallCounts;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A node's totals of one operation in one minute; a rewrite replaces the row. */
final class InsertTrafficOperation {
  private final PreparedStatement statement;

  InsertTrafficOperation(CqlSession session, String keyspace) {
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.TRAFFIC_OPERATIONS
                + " (service, hour, minute, span_name, span_kind, node, errors, buckets, sum_micros)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?");
  }

  /** The row; names already cut to {@link IndexKeys#bounded} length. */
  BoundStatement bind(
      String service, Instant minute, String spanName, int kind, String node, CallCounts counts, int ttl) {
    return statement
        .boundStatementBuilder()
        .setString(0, service)
        .setInstant(1, minute.truncatedTo(ChronoUnit.HOURS))
        .setInstant(2, minute)
        .setString(3, spanName)
        .setInt(4, kind)
        .setString(5, node)
        .setLong(6, counts.errors())
        .setList(7, TrafficRows.buckets(counts.latency()), Long.class)
        .setLong(8, counts.latency().sumMicros())
        .setInt(9, ttl)
        .build()
        .setIdempotent(true);
  }
}
