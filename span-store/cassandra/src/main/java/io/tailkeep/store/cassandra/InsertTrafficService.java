package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.tailkeep.store.traffic.CallCounts;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A node's totals of one service's calls of one span kind in one minute; a rewrite replaces the row. */
final class InsertTrafficService {
  private final PreparedStatement statement;

  InsertTrafficService(CqlSession session, String keyspace) {
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.TRAFFIC_SERVICES
                + " (hour, minute, service, span_kind, node, errors, buckets, sum_micros)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?");
  }

  /** The row; the service already cut to {@link IndexKeys#bounded} length. */
  BoundStatement bind(Instant minute, String service, int kind, String node, CallCounts counts, int ttl) {
    return statement
        .boundStatementBuilder()
        .setInstant(0, minute.truncatedTo(ChronoUnit.HOURS))
        .setInstant(1, minute)
        .setString(2, service)
        .setInt(3, kind)
        .setString(4, node)
        .setLong(5, counts.errors())
        .setList(6, TrafficRows.buckets(counts.latency()), Long.class)
        .setLong(7, counts.latency().sumMicros())
        .setInt(8, ttl)
        .build()
        .setIdempotent(true);
  }
}
