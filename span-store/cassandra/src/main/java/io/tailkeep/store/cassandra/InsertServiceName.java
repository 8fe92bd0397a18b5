package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.concurrent.CompletionStage;

final class InsertServiceName {
  private final CqlSession session;
  private final PreparedStatement statement;

  InsertServiceName(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.SERVICE_NAMES
                + " (service) VALUES (?) USING TTL ?");
  }

  CompletionStage<AsyncResultSet> execute(String service, int ttl) {
    return session.executeAsync(statement.bind(service, ttl).setIdempotent(true));
  }
}
