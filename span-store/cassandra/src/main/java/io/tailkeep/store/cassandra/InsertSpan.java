package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

final class InsertSpan {
  private final CqlSession session;
  private final PreparedStatement statement;

  InsertSpan(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.SPANS
                + " (trace_id, span_id, digest, span) VALUES (?, ?, ?, ?) USING TTL ?");
  }

  CompletionStage<AsyncResultSet> execute(ByteBuffer traceId, TraceChunk.EncodedSpan span, int ttlSeconds) {
    return session.executeAsync(
        statement
            .bind(
                traceId,
                ByteBuffer.wrap(span.spanId().toBytes()),
                span.digest(),
                ByteBuffer.wrap(span.bytes()),
                ttlSeconds)
            .setIdempotent(true));
  }
}
