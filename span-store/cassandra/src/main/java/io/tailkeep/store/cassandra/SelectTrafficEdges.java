package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.tailkeep.store.MinuteWindow;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** Every edge's rows of every node in one hour's partition, summed into steps as pages arrive. */
final class SelectTrafficEdges {
  /** What a row is summed by: the edge. */
  record Key(String client, String server) {}

  private final CqlSession session;
  private final PreparedStatement statement;

  SelectTrafficEdges(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "SELECT minute, client, server, failed, client_buckets, client_sum_micros, server_buckets,"
                + " server_sum_micros FROM " + keyspace + "." + Tables.TRAFFIC_EDGES
                + " WHERE hour = ? AND minute >= ? AND minute < ?");
  }

  CompletableFuture<StepSums<Key>> execute(Instant hour, MinuteWindow minutes, StepSums<Key> into) {
    return Cql.fold(
        session.executeAsync(statement.bind(hour, minutes.start(), minutes.end())),
        into,
        (sums, row) ->
            sums.add(
                row.getInstant(0),
                new Key(row.getString(1), row.getString(2)),
                TrafficRows.edge(row, 3, Tables.TRAFFIC_EDGES)));
  }
}
