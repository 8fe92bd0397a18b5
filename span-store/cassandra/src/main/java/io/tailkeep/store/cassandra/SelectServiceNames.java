package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CompletableFuture;

final class SelectServiceNames {
  private final CqlSession session;
  private final PreparedStatement statement;
  private final PreparedStatement limited;

  SelectServiceNames(CqlSession session, String keyspace) {
    this.session = session;
    this.statement = session.prepare("SELECT service FROM " + keyspace + "." + Tables.SERVICE_NAMES);
    this.limited =
        session.prepare("SELECT service FROM " + keyspace + "." + Tables.SERVICE_NAMES + " LIMIT ?");
  }

  CompletableFuture<List<String>> execute() {
    return Cql.readAll(session.executeAsync(statement.bind()), row -> row.getString(0));
  }

  /** At most {@code limit} names, in token order: a search reads only as many as it can cover. */
  CompletableFuture<List<String>> execute(int limit) {
    return Cql.readAll(session.executeAsync(limited.bind(limit)), row -> row.getString(0));
  }
}
