package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.concurrent.CompletionStage;

final class InsertOperationName {
  private final CqlSession session;
  private final PreparedStatement statement;

  InsertOperationName(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.OPERATION_NAMES
                + " (service, operation, span_kind) VALUES (?, ?, ?) USING TTL ?");
  }

  CompletionStage<AsyncResultSet> execute(TraceChunk.ServiceOperation op, int ttl) {
    return session.executeAsync(
        statement.bind(op.service(), op.operation(), op.kind().name(), ttl).setIdempotent(true));
  }
}
