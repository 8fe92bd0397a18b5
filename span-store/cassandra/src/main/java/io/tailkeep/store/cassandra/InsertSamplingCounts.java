package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.data.TupleValue;
import com.datastax.oss.driver.api.core.type.MapType;
import com.datastax.oss.driver.api.core.type.TupleType;
import io.tailkeep.store.RuleCounts;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Writes a node's totals of one minute as one frozen map: the row is replaced whole. */
final class InsertSamplingCounts {
  private final CqlSession session;
  private final PreparedStatement statement;
  private final TupleType countsType;

  InsertSamplingCounts(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.SAMPLING_COUNTS
                + " (hour, minute, node, counts) VALUES (?, ?, ?, ?) USING TTL ?");
    this.countsType =
        (TupleType) ((MapType) statement.getVariableDefinitions().get("counts").getType()).getValueType();
  }

  CompletionStage<AsyncResultSet> execute(String node, Instant minute, List<RuleCounts> counts, int ttl) {
    Map<String, TupleValue> byRule = new HashMap<>();
    for (RuleCounts c : counts) {
      byRule.put(c.rule(), countsType.newValue(c.kept(), c.dropped()));
    }
    return session.executeAsync(
        statement
            .boundStatementBuilder()
            .setInstant(0, minute.truncatedTo(ChronoUnit.HOURS))
            .setInstant(1, minute)
            .setString(2, node)
            .setMap(3, byRule, String.class, TupleValue.class)
            .setInt(4, ttl)
            .build()
            .setIdempotent(true));
  }
}
