package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.tailkeep.store.Sampling;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * One block of a written batch's spans; the first goes in one request with the summary row, and
 * carries the batch's sampling decision into the partition's static columns.
 */
final class InsertSpanBlock {
  private final PreparedStatement block;
  /** The same with the decision: two statements rather than unset values, binding by position. */
  private final PreparedStatement blockAndDecision;

  InsertSpanBlock(CqlSession session, String keyspace) {
    String table = keyspace + "." + Tables.SPAN_BLOCKS;
    this.block =
        session.prepare("INSERT INTO " + table + " (trace_id, chunk, part, spans) VALUES (?, ?, ?, ?) USING TTL ?");
    this.blockAndDecision =
        session.prepare(
            "INSERT INTO " + table + " (trace_id, chunk, part, spans, sampling_rule, sampling_probability)"
                + " VALUES (?, ?, ?, ?, ?, ?) USING TTL ?");
  }

  /** {@code sampling} null: the decision already stored stays. */
  BoundStatement bind(ByteBuffer traceId, UUID chunk, SpanBlocks.Block block, Sampling sampling, int ttlSeconds) {
    ByteBuffer spans = ByteBuffer.wrap(block.bytes());
    BoundStatement bound =
        sampling == null
            ? this.block.bind(traceId, chunk, block.part(), spans, ttlSeconds)
            : blockAndDecision.bind(
                traceId, chunk, block.part(), spans, sampling.rule(), sampling.probability(), ttlSeconds);
    return bound.setIdempotent(true);
  }
}
