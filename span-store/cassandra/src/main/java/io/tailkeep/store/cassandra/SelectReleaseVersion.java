package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.concurrent.CompletionStage;

/**
 * The coordinator's own {@code system.local} row: a read that touches no table of ours, answered
 * by whichever node takes it, for readiness checks.
 */
final class SelectReleaseVersion {
  static final String CQL = "SELECT release_version FROM system.local";

  private final CqlSession session;
  private final PreparedStatement statement;

  SelectReleaseVersion(CqlSession session) {
    this.session = session;
    this.statement = session.prepare(CQL);
  }

  CompletionStage<String> execute() {
    return session.executeAsync(statement.bind()).thenApply(page -> page.one().getString(0));
  }
}
