package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.tailkeep.store.MinuteWindow;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** One service's operation rows of every node in one hour's partition, summed into steps as pages arrive. */
final class SelectTrafficOperations {
  /** What a row is summed by: the operation. */
  record Key(String spanName, int kind) {}

  private final CqlSession session;
  private final PreparedStatement statement;

  SelectTrafficOperations(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "SELECT minute, span_name, span_kind, errors, buckets, sum_micros FROM " + keyspace + "."
                + Tables.TRAFFIC_OPERATIONS + " WHERE service = ? AND hour = ? AND minute >= ? AND minute < ?");
  }

  /** @param service already cut to {@link IndexKeys#bounded} length */
  CompletableFuture<StepSums<Key>> execute(String service, Instant hour, MinuteWindow minutes, StepSums<Key> into) {
    return Cql.fold(
        session.executeAsync(statement.bind(service, hour, minutes.start(), minutes.end())),
        into,
        (sums, row) ->
            sums.add(
                row.getInstant(0),
                new Key(row.getString(1), row.getInt(2)),
                TrafficRows.calls(row, 3, Tables.TRAFFIC_OPERATIONS)));
  }
}
