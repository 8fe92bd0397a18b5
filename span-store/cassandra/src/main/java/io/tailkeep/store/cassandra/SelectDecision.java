package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tailkeep.store.StoredDecision;
import io.tailkeep.store.TraceId;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** A trace's decision: the first row of its partition, the first decided (clustering order). */
final class SelectDecision {
  private final CqlSession session;
  private final PreparedStatement statement;

  SelectDecision(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "SELECT decided_ns, node, keep, rule, probability, rate_limited, reason, rules_version,"
                + " spans_decided FROM " + keyspace + "." + Tables.DECISIONS
                + " WHERE trace_id = ? LIMIT 1");
  }

  CompletionStage<Optional<StoredDecision>> execute(TraceId traceId) {
    return session
        .executeAsync(statement.bind(ByteBuffer.wrap(traceId.toBytes())))
        .thenApply(page -> Optional.ofNullable(page.one()).map(row -> read(traceId, row)));
  }

  private static StoredDecision read(TraceId traceId, Row row) {
    return new StoredDecision(
        traceId,
        row.getBoolean("keep"),
        row.getString("rule"),
        row.getDouble("probability"),
        row.getBoolean("rate_limited"),
        row.getString("reason"),
        row.getString("rules_version"),
        Cql.instant(row.getLong("decided_ns")),
        row.getString("node"),
        row.getInt("spans_decided"));
  }
}
