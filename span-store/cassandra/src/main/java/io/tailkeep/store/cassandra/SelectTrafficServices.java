package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.tailkeep.store.MinuteWindow;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** Every service's rows by span kind of every node in one hour's partition, summed into steps as pages arrive. */
final class SelectTrafficServices {
  /** What a row is summed by: the service and span kind. */
  record Key(String service, int kind) {}

  private final CqlSession session;
  private final PreparedStatement statement;

  SelectTrafficServices(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "SELECT minute, service, span_kind, errors, buckets, sum_micros FROM " + keyspace + "."
                + Tables.TRAFFIC_SERVICES + " WHERE hour = ? AND minute >= ? AND minute < ?");
  }

  CompletableFuture<StepSums<Key>> execute(Instant hour, MinuteWindow minutes, StepSums<Key> into) {
    return Cql.fold(
        session.executeAsync(statement.bind(hour, minutes.start(), minutes.end())),
        into,
        (sums, row) ->
            sums.add(
                row.getInstant(0),
                new Key(row.getString(1), row.getInt(2)),
                TrafficRows.calls(row, 3, Tables.TRAFFIC_SERVICES)));
  }
}
