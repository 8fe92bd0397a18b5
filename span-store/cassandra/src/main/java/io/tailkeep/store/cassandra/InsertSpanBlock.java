package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.nio.ByteBuffer;
import java.util.UUID;

/** One block of a written batch's spans; the first goes in one request with the summary row. */
final class InsertSpanBlock {
  private final PreparedStatement statement;

  InsertSpanBlock(CqlSession session, String keyspace) {
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.SPAN_BLOCKS
                + " (trace_id, chunk, part, spans) VALUES (?, ?, ?, ?) USING TTL ?");
  }

  BoundStatement bind(ByteBuffer traceId, UUID chunk, SpanBlocks.Block block, int ttlSeconds) {
    return statement
        .bind(traceId, chunk, block.part(), ByteBuffer.wrap(block.bytes()), ttlSeconds)
        .setIdempotent(true);
  }
}
