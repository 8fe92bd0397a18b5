package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.data.TupleValue;
import com.datastax.oss.driver.api.core.data.UdtValue;
import com.datastax.oss.driver.api.core.type.MapType;
import com.datastax.oss.driver.api.core.type.SetType;
import com.datastax.oss.driver.api.core.type.TupleType;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import io.tailkeep.store.Sampling;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Adds a chunk to a trace's summary; sets and maps only grow, so no read comes first. Sent in the
 * first of the trace's {@link UnloggedBatch}es: the row has the spans' partition key.
 */
final class UpdateTraceSummary {
  private final PreparedStatement statement;
  private final UserDefinedType chunkType;
  private final TupleType pairType;

  UpdateTraceSummary(CqlSession session, String keyspace) {
    this.statement =
        session.prepare(
            "UPDATE " + keyspace + "." + Tables.TRACE_SUMMARIES + " USING TTL :ttl"
                + " SET chunks = chunks + :chunks, services = services + :services,"
                + " operations = operations + :operations, tags = tags + :tags,"
                + " sampling_rule = :sampling_rule, sampling_probability = :sampling_probability"
                + " WHERE trace_id = :trace_id");
    var variables = statement.getVariableDefinitions();
    this.chunkType = (UserDefinedType) ((MapType) variables.get("chunks").getType()).getValueType();
    this.pairType = (TupleType) ((SetType) variables.get("operations").getType()).getElementType();
  }

  BoundStatement bind(ByteBuffer traceId, TraceChunk chunk, Sampling sampling, int ttlSeconds) {
    UdtValue chunkValue =
        chunkType
            .newValue()
            .setLong("start_ns", chunk.startNanos)
            .setLong("end_ns", chunk.endNanos)
            .setInt("span_count", chunk.spanCount)
            .setInt("error_count", chunk.errorCount)
            .setString("first_service", chunk.first.service())
            .setString("first_operation", chunk.first.operation())
            .setString("root_service", chunk.root == null ? null : chunk.root.service())
            .setString("root_operation", chunk.root == null ? null : chunk.root.operation());
    Set<TupleValue> operations = new LinkedHashSet<>();
    chunk.operations.forEach(op -> operations.add(pairType.newValue(op.service(), op.operation())));
    Set<TupleValue> tags = new LinkedHashSet<>();
    chunk.tags.forEach(tag -> tags.add(pairType.newValue(tag.key(), tag.value())));

    BoundStatementBuilder bound =
        statement
            .boundStatementBuilder()
            .setInt("ttl", ttlSeconds)
            .setMap("chunks", Map.of(chunk.id, chunkValue), UUID.class, UdtValue.class)
            .setSet("services", chunk.services, String.class)
            .setSet("operations", operations, TupleValue.class)
            .setSet("tags", tags, TupleValue.class)
            .setByteBuffer("trace_id", traceId);
    // Late spans carry no decision: leaving these unset keeps the decision already stored.
    if (sampling != null) {
      bound.setString("sampling_rule", sampling.rule());
      bound.setDouble("sampling_probability", sampling.probability());
    }
    return bound.build().setIdempotent(true);
  }
}
