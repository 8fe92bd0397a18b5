package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.data.TupleValue;
import com.datastax.oss.driver.api.core.data.UdtValue;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.TraceId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

final class SelectTraceSummary {
  private final CqlSession session;
  private final PreparedStatement statement;

  SelectTraceSummary(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "SELECT chunks, services, operations, tags, sampling_rule, sampling_probability FROM "
                + keyspace + "." + Tables.TRACE_SUMMARIES + " WHERE trace_id = ?");
  }

  /**
   * The summaries of these traces, read concurrently through {@code scope}, in the given order;
   * unknown IDs left out.
   */
  CompletableFuture<List<StoredSummary>> executeAll(Collection<TraceId> traceIds, ReadScope scope) {
    List<CompletableFuture<Optional<StoredSummary>>> reads = new ArrayList<>();
    for (TraceId traceId : traceIds) {
      reads.add(scope.send(() -> execute(traceId)));
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(
            done ->
                reads.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList());
  }

  CompletionStage<Optional<StoredSummary>> execute(TraceId traceId) {
    return session
        .executeAsync(statement.bind(ByteBuffer.wrap(traceId.toBytes())))
        .thenApply(
            page ->
                Optional.ofNullable(page.one())
                    .map(row -> read(traceId, row))
                    .filter(summary -> !summary.chunks().isEmpty()));
  }

  private static StoredSummary read(TraceId traceId, Row row) {
    Map<UUID, UdtValue> chunkMap = row.getMap("chunks", UUID.class, UdtValue.class);
    List<StoredSummary.Chunk> chunks = new ArrayList<>();
    for (UdtValue c : chunkMap.values()) {
      chunks.add(
          new StoredSummary.Chunk(
              c.getLong("start_ns"),
              c.getLong("end_ns"),
              c.getInt("span_count"),
              c.getInt("error_count"),
              c.getString("first_service"),
              c.getString("first_operation"),
              c.getString("root_service"),
              c.getString("root_operation")));
    }
    chunks.sort(Comparator.comparingLong(StoredSummary.Chunk::startNanos));
    String rule = row.getString("sampling_rule");
    Sampling sampling =
        rule == null ? null : new Sampling(rule, row.getDouble("sampling_probability"));
    return new StoredSummary(
        traceId,
        chunks,
        row.getSet("services", String.class),
        pairs(row.getSet("operations", TupleValue.class)),
        pairs(row.getSet("tags", TupleValue.class)),
        sampling);
  }

  private static Set<Map.Entry<String, String>> pairs(Set<TupleValue> tuples) {
    Set<Map.Entry<String, String>> pairs = new HashSet<>();
    for (TupleValue t : tuples) {
      pairs.add(Map.entry(t.getString(0), t.getString(1)));
    }
    return pairs;
  }
}
