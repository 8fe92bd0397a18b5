package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.nio.ByteBuffer;

final class InsertTraceByStart {
  private final PreparedStatement statement;

  InsertTraceByStart(CqlSession session, String keyspace) {
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.TRACES_BY_START
                + " (service, operation, bucket, start_ns, trace_id) VALUES (?, ?, ?, ?, ?)"
                + " USING TTL ?");
  }

  /** Partition key (service, operation, bucket), as {@link InsertTraceByDuration}'s. */
  BoundStatement bind(
      String service, String operation, long bucket, long startNanos, ByteBuffer traceId, int ttl) {
    return statement.bind(service, operation, bucket, startNanos, traceId, ttl).setIdempotent(true);
  }
}
