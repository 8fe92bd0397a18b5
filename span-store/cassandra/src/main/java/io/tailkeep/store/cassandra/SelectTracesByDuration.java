package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.concurrent.CompletionStage;

/** Traces of a service (and operation, '' for any) in one bucket, slowest first. */
final class SelectTracesByDuration {
  private final CqlSession session;
  private final PreparedStatement statement;

  SelectTracesByDuration(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "SELECT duration_ns, trace_id, start_ns FROM " + keyspace + "."
                + Tables.TRACES_BY_DURATION
                + " WHERE service = ? AND operation = ? AND bucket = ?"
                + " AND duration_ns >= ? AND duration_ns <= ?");
  }

  CompletionStage<AsyncResultSet> execute(
      String service, String operation, long bucket, long minNanos, long maxNanos, int pageSize) {
    return session.executeAsync(
        statement.bind(service, operation, bucket, minNanos, maxNanos).setPageSize(pageSize));
  }

  static IndexRow read(Row row) {
    return new IndexRow(
        Cql.traceId(row.getByteBuffer(1)), row.getLong(0), row.getLong(2));
  }
}
