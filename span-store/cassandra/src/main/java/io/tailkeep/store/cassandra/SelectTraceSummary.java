package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.data.TupleValue;
import com.datastax.oss.driver.api.core.data.UdtValue;
import com.datastax.oss.driver.api.core.type.reflect.GenericType;
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
  // Made once: the driver resolves a GenericType by reflection, too slow to do per row.
  private static final GenericType<Map<UUID, UdtValue>> CHUNKS =
      GenericType.mapOf(UUID.class, UdtValue.class);
  private static final GenericType<Set<String>> NAMES = GenericType.setOf(String.class);
  private static final GenericType<Set<TupleValue>> PAIRS = GenericType.setOf(TupleValue.class);

  private final CqlSession session;
  /** Every column: what a search needs to check a candidate against all its filters. */
  private final PreparedStatement whole;
  /**
   * Without the operation and tag sets, the biggest part of a big trace's row (a cell each): what
   * a summary shows, and all a search without operation or tag filters checks.
   */
  private final PreparedStatement header;

  SelectTraceSummary(CqlSession session, String keyspace) {
    this.session = session;
    String from = " FROM " + keyspace + "." + Tables.TRACE_SUMMARIES + " WHERE trace_id = ?";
    this.whole =
        session.prepare(
            "SELECT chunks, services, sampling_rule, sampling_probability, operations, tags" + from);
    this.header = session.prepare("SELECT chunks, services, sampling_rule, sampling_probability" + from);
  }

  /**
   * The summaries of these traces, read concurrently through {@code scope}, in the given order;
   * unknown IDs left out. Without {@code operationsAndTags}, their operations and tags are null.
   */
  CompletableFuture<List<StoredSummary>> executeAll(
      Collection<TraceId> traceIds, ReadScope scope, boolean operationsAndTags) {
    List<CompletableFuture<Optional<StoredSummary>>> reads = new ArrayList<>();
    for (TraceId traceId : traceIds) {
      reads.add(scope.send(() -> execute(traceId, operationsAndTags)));
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(
            done ->
                reads.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList());
  }

  private CompletionStage<Optional<StoredSummary>> execute(TraceId traceId, boolean operationsAndTags) {
    return session
        .executeAsync((operationsAndTags ? whole : header).bind(ByteBuffer.wrap(traceId.toBytes())))
        .thenApply(
            page ->
                Optional.ofNullable(page.one())
                    .map(row -> read(traceId, row, operationsAndTags))
                    .filter(summary -> !summary.chunks().isEmpty()));
  }

  private static StoredSummary read(TraceId traceId, Row row, boolean operationsAndTags) {
    // Columns by their place in the SELECT.
    Map<UUID, UdtValue> chunkMap = row.get(0, CHUNKS);
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
    String rule = row.getString(2);
    Sampling sampling = rule == null ? null : new Sampling(rule, row.getDouble(3));
    return new StoredSummary(
        traceId,
        chunks,
        row.get(1, NAMES),
        operationsAndTags ? pairs(row.get(4, PAIRS)) : null,
        operationsAndTags ? pairs(row.get(5, PAIRS)) : null,
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
