package io.tailkeep.store.cassandra;

import static io.tailkeep.store.testing.TestSpans.nanos;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.SpanStoreContract;
import io.tailkeep.store.testing.TestCassandra;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The contract on a real Cassandra node, plus what only Cassandra has: TTLs, buckets, schema. */
class CassandraSpanStoreTest extends SpanStoreContract {
  static final String KEYSPACE = "contract_test";
  static final Duration SPAN_TTL = Duration.ofDays(2);
  static final Duration INDEX_TTL = Duration.ofDays(1);

  private CqlSession cql;

  @Override
  protected SpanStore openStore() {
    CassandraEndpoint node = TestCassandra.shared();
    cql =
        CqlSession.builder()
            .addContactPoint(node.contactPoint())
            .withLocalDatacenter(node.localDatacenter())
            .build();
    return storage(node).open();
  }

  static CassandraStorage storage(CassandraEndpoint node) {
    return CassandraStorage.builder()
        .contactPoints(List.of(node.contactPoint()))
        .localDatacenter(node.localDatacenter())
        .keyspace(KEYSPACE)
        .spanTtl(SPAN_TTL)
        .indexTtl(INDEX_TTL)
        .build();
  }

  @AfterAll
  void closeCql() {
    if (cql != null) {
      cql.close();
    }
  }

  @Test
  void setsTheSpanTtlOnSpansAndSummariesAndTheIndexTtlOnIndexes() {
    TraceId traceId = spans.newTraceId();
    write(spans.trace(traceId, service("ttl"), "op", nanos(hourAgo3.plusSeconds(5)), 10 * MS, 3),
        new Sampling("ttl-rule", 1.0));
    ByteBuffer id = ByteBuffer.wrap(traceId.toBytes());

    for (Row row : cql.execute("SELECT TTL(span) FROM " + KEYSPACE + ".spans WHERE trace_id = ?", id)) {
      assertThat(row.getInt(0)).isBetween((int) SPAN_TTL.toSeconds() - 600, (int) SPAN_TTL.toSeconds());
    }
    Row summary =
        cql.execute("SELECT TTL(sampling_rule) FROM " + KEYSPACE + ".trace_summaries WHERE trace_id = ?", id).one();
    assertThat(summary.getInt(0)).isBetween((int) SPAN_TTL.toSeconds() - 600, (int) SPAN_TTL.toSeconds());

    long bucket = hourAgo3.getEpochSecond();
    List<Row> index =
        cql.execute(
                "SELECT TTL(start_ns), trace_id FROM " + KEYSPACE + ".traces_by_duration"
                    + " WHERE service = ? AND operation = '' AND bucket = ?",
                service("ttl"),
                bucket)
            .all();
    assertThat(index).hasSize(1);
    assertThat(index.get(0).getInt(0)).isBetween((int) INDEX_TTL.toSeconds() - 600, (int) INDEX_TTL.toSeconds());
  }

  @Test
  void indexesEachTraceInTheHourBucketOfItsStart() {
    TraceId traceId = spans.newTraceId();
    write(spans.trace(traceId, service("bucket"), "op", nanos(hourAgo3.plusSeconds(3599)), 5000 * MS, 2), null);

    List<Row> rows =
        cql.execute(
                "SELECT bucket FROM " + KEYSPACE + ".traces_by_start WHERE service = ? AND operation = ''"
                    + " AND bucket IN (?, ?)",
                service("bucket"),
                hourAgo3.getEpochSecond(),
                hourAgo3.getEpochSecond() + 3600)
            .all();
    assertThat(rows).extracting(r -> r.getLong(0)).containsExactly(hourAgo3.getEpochSecond());
  }

  @Test
  void opensAgainOnAnExistingSchemaAndRecordsItsVersion() {
    try (SpanStore again = storage(TestCassandra.shared()).open()) {
      assertThat(again.reader().getServices().toCompletableFuture().join()).isNotNull();
    }
    List<Row> versions = cql.execute("SELECT version FROM " + KEYSPACE + ".schema_version").all();
    assertThat(versions).extracting(r -> r.getInt(0)).containsExactly(Schema.VERSION);
    String replication =
        cql.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", KEYSPACE)
            .one()
            .getMap(0, String.class, String.class)
            .toString();
    assertThat(replication).contains("SimpleStrategy");
    String compaction =
        cql.execute(
                "SELECT compaction FROM system_schema.tables WHERE keyspace_name = ? AND table_name = 'spans'",
                KEYSPACE)
            .one()
            .getMap(0, String.class, String.class)
            .toString();
    assertThat(compaction).contains("TimeWindowCompactionStrategy");
  }
}
