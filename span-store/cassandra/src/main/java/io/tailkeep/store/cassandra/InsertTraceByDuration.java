package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

final class InsertTraceByDuration {
  private final CqlSession session;
  private final PreparedStatement statement;

  InsertTraceByDuration(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.TRACES_BY_DURATION
                + " (service, operation, bucket, duration_ns, trace_id, start_ns)"
                + " VALUES (?, ?, ?, ?, ?, ?) USING TTL ?");
  }

  CompletionStage<AsyncResultSet> execute(
      String service,
      String operation,
      long bucket,
      long durationNanos,
      ByteBuffer traceId,
      long startNanos,
      int ttl) {
    return session.executeAsync(
        statement
            .bind(service, operation, bucket, durationNanos, traceId, startNanos, ttl)
            .setIdempotent(true));
  }
}
