package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.tailkeep.store.traffic.EdgeCalls;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A node's totals of one service-graph edge in one minute; a rewrite replaces the row. */
final class InsertTrafficEdge {
  private final PreparedStatement statement;

  InsertTrafficEdge(CqlSession session, String keyspace) {
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.TRAFFIC_EDGES
                + " (hour, minute, client, server, node, failed, client_buckets, client_sum_micros,"
                + " server_buckets, server_sum_micros) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?");
  }

  /** The row; the edge's names already cut to {@link IndexKeys#bounded} length. */
  BoundStatement bind(Instant minute, String node, EdgeCalls edge, int ttl) {
    return statement
        .boundStatementBuilder()
        .setInstant(0, minute.truncatedTo(ChronoUnit.HOURS))
        .setInstant(1, minute)
        .setString(2, edge.client())
        .setString(3, edge.server())
        .setString(4, node)
        .setLong(5, edge.failed())
        .setList(6, TrafficRows.buckets(edge.clientLatency()), Long.class)
        .setLong(7, edge.clientLatency().sumMicros())
        .setList(8, TrafficRows.buckets(edge.serverLatency()), Long.class)
        .setLong(9, edge.serverLatency().sumMicros())
        .setInt(10, ttl)
        .build()
        .setIdempotent(true);
  }
}
