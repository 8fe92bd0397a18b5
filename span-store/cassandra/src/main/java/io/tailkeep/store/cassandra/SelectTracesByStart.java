package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.concurrent.CompletionStage;

/** Traces of a service (and operation, '' for any) in one bucket, newest first. */
final class SelectTracesByStart {
  private final CqlSession session;
  private final PreparedStatement statement;

  SelectTracesByStart(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "SELECT start_ns, trace_id FROM " + keyspace + "." + Tables.TRACES_BY_START
                + " WHERE service = ? AND operation = ? AND bucket = ?"
                + " AND start_ns >= ? AND start_ns <= ?");
  }

  CompletionStage<AsyncResultSet> execute(
      String service, String operation, long bucket, long startNanos, long endNanos, int pageSize) {
    return session.executeAsync(
        statement.bind(service, operation, bucket, startNanos, endNanos).setPageSize(pageSize));
  }

  static IndexRow read(Row row) {
    long start = row.getLong(0);
    return new IndexRow(Cql.traceId(row.getByteBuffer(1)), start, start);
  }
}
