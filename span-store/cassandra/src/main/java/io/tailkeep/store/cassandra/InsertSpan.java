package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.nio.ByteBuffer;

/** One span row; sent through {@link UnloggedBatch} with the rest of its trace's partition. */
final class InsertSpan {
  private final PreparedStatement statement;

  InsertSpan(CqlSession session, String keyspace) {
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.SPANS
                + " (trace_id, span_id, digest, span) VALUES (?, ?, ?, ?) USING TTL ?");
  }

  BoundStatement bind(ByteBuffer traceId, TraceChunk.EncodedSpan span, int ttlSeconds) {
    return statement
        .bind(
            traceId,
            ByteBuffer.wrap(span.spanId().toBytes()),
            span.digest(),
            ByteBuffer.wrap(span.bytes()),
            ttlSeconds)
        .setIdempotent(true);
  }
}
