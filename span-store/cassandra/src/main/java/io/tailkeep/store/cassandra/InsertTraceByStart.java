package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

final class InsertTraceByStart {
  private final CqlSession session;
  private final PreparedStatement statement;

  InsertTraceByStart(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.TRACES_BY_START
                + " (service, operation, bucket, start_ns, trace_id) VALUES (?, ?, ?, ?, ?)"
                + " USING TTL ?");
  }

  CompletionStage<AsyncResultSet> execute(
      String service, String operation, long bucket, long startNanos, ByteBuffer traceId, int ttl) {
    return session.executeAsync(
        statement.bind(service, operation, bucket, startNanos, traceId, ttl).setIdempotent(true));
  }
}
