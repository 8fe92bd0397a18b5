package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;

final class InsertOperationName {
  private final PreparedStatement statement;

  InsertOperationName(CqlSession session, String keyspace) {
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.OPERATION_NAMES
                + " (service, operation, span_kind) VALUES (?, ?, ?) USING TTL ?");
  }

  /** Partition key (service), as {@link InsertServiceName}'s. */
  BoundStatement bind(TraceChunk.ServiceOperation op, int ttl) {
    return statement.bind(op.service(), op.operation(), op.kind().name(), ttl).setIdempotent(true);
  }
}
