package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;

final class InsertServiceName {
  private final PreparedStatement statement;

  InsertServiceName(CqlSession session, String keyspace) {
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.SERVICE_NAMES
                + " (service) VALUES (?) USING TTL ?");
  }

  /** Partition key (service), as {@link InsertOperationName}'s. */
  BoundStatement bind(String service, int ttl) {
    return statement.bind(service, ttl).setIdempotent(true);
  }
}
