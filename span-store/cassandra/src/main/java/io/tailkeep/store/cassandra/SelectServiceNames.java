package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CompletionStage;

final class SelectServiceNames {
  private final CqlSession session;
  private final PreparedStatement statement;

  SelectServiceNames(CqlSession session, String keyspace) {
    this.session = session;
    this.statement = session.prepare("SELECT service FROM " + keyspace + "." + Tables.SERVICE_NAMES);
  }

  CompletionStage<List<String>> execute() {
    return Cql.readAll(session.executeAsync(statement.bind()), row -> row.getString(0));
  }
}
