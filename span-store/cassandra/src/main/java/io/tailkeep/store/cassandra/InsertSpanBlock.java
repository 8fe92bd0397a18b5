package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.tailkeep.store.Sampling;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * One block of a written batch's spans; the first goes in one request with the summary row, and
 * carries the batch's sampling decision into the partition's static columns.
 */
final class InsertSpanBlock {
  private final PreparedStatement statement;

  InsertSpanBlock(CqlSession session, String keyspace) {
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.SPAN_BLOCKS
                + " (trace_id, chunk, part, spans, sampling_rule, sampling_probability)"
                + " VALUES (:trace_id, :chunk, :part, :spans, :sampling_rule, :sampling_probability)"
                + " USING TTL :ttl");
  }

  /** {@code sampling} null: the decision already stored stays (the columns are left unset). */
  BoundStatement bind(ByteBuffer traceId, UUID chunk, SpanBlocks.Block block, Sampling sampling, int ttlSeconds) {
    BoundStatementBuilder bound =
        statement
            .boundStatementBuilder()
            .setByteBuffer("trace_id", traceId)
            .setUuid("chunk", chunk)
            .setInt("part", block.part())
            .setByteBuffer("spans", ByteBuffer.wrap(block.bytes()))
            .setInt("ttl", ttlSeconds);
    if (sampling != null) {
      bound.setString("sampling_rule", sampling.rule());
      bound.setDouble("sampling_probability", sampling.probability());
    }
    return bound.build().setIdempotent(true);
  }
}
