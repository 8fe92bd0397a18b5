package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.data.TupleValue;
import io.tailkeep.store.RuleCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** The rule counts of every node in [start, end) of one hour's partition, not yet summed. */
final class SelectSamplingCounts {
  private final CqlSession session;
  private final PreparedStatement statement;

  SelectSamplingCounts(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "SELECT counts FROM " + keyspace + "." + Tables.SAMPLING_COUNTS
                + " WHERE hour = ? AND minute >= ? AND minute < ?");
  }

  CompletionStage<List<RuleCounts>> execute(Instant hour, Instant start, Instant end) {
    return Cql.readAll(session.executeAsync(statement.bind(hour, start, end)), SelectSamplingCounts::read)
        .thenApply(rows -> rows.stream().flatMap(List::stream).toList());
  }

  private static List<RuleCounts> read(Row row) {
    List<RuleCounts> counts = new ArrayList<>();
    for (Map.Entry<String, TupleValue> entry : row.getMap(0, String.class, TupleValue.class).entrySet()) {
      TupleValue value = entry.getValue();
      counts.add(new RuleCounts(entry.getKey(), value.getLong(0), value.getLong(1)));
    }
    return counts;
  }
}
