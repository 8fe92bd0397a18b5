package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.tailkeep.store.StoredDecision;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * Adds a decision to its trace's partition. Keyed by when and where it was decided, so a second
 * node's decision is a row of its own and the same decision again rewrites its own row.
 */
final class InsertDecision {
  private final CqlSession session;
  private final PreparedStatement statement;

  InsertDecision(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.DECISIONS
                + " (trace_id, decided_ns, node, keep, rule, probability, rate_limited, reason,"
                + " rules_version, spans_decided) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?");
  }

  CompletionStage<AsyncResultSet> execute(StoredDecision d, int ttl) {
    return session.executeAsync(
        statement
            .bind(
                ByteBuffer.wrap(d.traceId().toBytes()),
                Cql.epochNanos(d.decidedAt()),
                d.node(),
                d.keep(),
                d.rule(),
                d.probability(),
                d.rateLimited(),
                d.reason(),
                d.rulesVersion(),
                d.spansDecided(),
                ttl)
            .setIdempotent(true));
  }
}
