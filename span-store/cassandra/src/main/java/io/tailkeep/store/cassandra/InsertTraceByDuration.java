package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.nio.ByteBuffer;

final class InsertTraceByDuration {
  private final PreparedStatement statement;

  InsertTraceByDuration(CqlSession session, String keyspace) {
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.TRACES_BY_DURATION
                + " (service, operation, bucket, duration_ns, trace_id, start_ns)"
                + " VALUES (?, ?, ?, ?, ?, ?) USING TTL ?");
  }

  /** Partition key (service, operation, bucket), as {@link InsertTraceByStart}'s. */
  BoundStatement bind(
      String service,
      String operation,
      long bucket,
      long durationNanos,
      ByteBuffer traceId,
      long startNanos,
      int ttl) {
    return statement
        .bind(service, operation, bucket, durationNanos, traceId, startNanos, ttl)
        .setIdempotent(true);
  }
}
