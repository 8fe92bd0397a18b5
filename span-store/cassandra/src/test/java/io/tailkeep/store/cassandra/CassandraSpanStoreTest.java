package io.tailkeep.store.cassandra;

import static io.tailkeep.store.testing.TestSpans.nanos;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.RuleCounts;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.StoredDecision;
import io.tailkeep.store.StoredEnvelope;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.SpanStoreContract;
import io.tailkeep.store.testing.TestCassandra;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.LatencyHistogram;
import io.tailkeep.store.traffic.OperationCalls;
import io.tailkeep.store.traffic.Step;
import io.tailkeep.store.traffic.StepWindow;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The contract on a real Cassandra node (span store, decision log, rule counts), plus what only
 * Cassandra has: TTLs, buckets, schema and its upgrade.
 */
class CassandraSpanStoreTest extends SpanStoreContract {
  static final String KEYSPACE = "contract_test";
  static final Duration SPAN_TTL = Duration.ofDays(2);
  static final Duration INDEX_TTL = Duration.ofDays(1);
  static final Duration DECISION_TTL = Duration.ofMinutes(30);

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
    return storage(node, KEYSPACE);
  }

  static CassandraStorage storage(CassandraEndpoint node, String keyspace) {
    return CassandraStorage.builder()
        .contactPoints(List.of(node.contactPoint()))
        .localDatacenter(node.localDatacenter())
        .keyspace(keyspace)
        .spanTtl(SPAN_TTL)
        .indexTtl(INDEX_TTL)
        .decisionTtl(DECISION_TTL)
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

    List<Row> blocks = cql.execute("SELECT TTL(spans) FROM " + KEYSPACE + ".span_blocks WHERE trace_id = ?", id).all();
    assertThat(blocks).hasSize(1);
    assertThat(blocks.get(0).getInt(0)).isBetween((int) SPAN_TTL.toSeconds() - 600, (int) SPAN_TTL.toSeconds());
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
    assertThat(versions).extracting(r -> r.getInt(0)).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
    String replication =
        cql.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", KEYSPACE)
            .one()
            .getMap(0, String.class, String.class)
            .toString();
    assertThat(replication).contains("SimpleStrategy");
    String compaction =
        cql.execute(
                "SELECT compaction FROM system_schema.tables WHERE keyspace_name = ? AND table_name = 'span_blocks'",
                KEYSPACE)
            .one()
            .getMap(0, String.class, String.class)
            .toString();
    assertThat(compaction).contains("TimeWindowCompactionStrategy");
    // A keyspace made at v4 has no legacy table of a row per span.
    assertThat(cql.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", KEYSPACE).all())
        .extracting(r -> r.getString(0))
        .contains("span_blocks")
        .doesNotContain("spans");
    String decisionsCompaction =
        cql.execute(
                "SELECT compaction FROM system_schema.tables WHERE keyspace_name = ? AND table_name = 'decisions'",
                KEYSPACE)
            .one()
            .getMap(0, String.class, String.class)
            .toString();
    // 30 minutes / 30: one-minute windows
    assertThat(decisionsCompaction)
        .contains("TimeWindowCompactionStrategy")
        .contains("compaction_window_unit=MINUTES")
        .contains("compaction_window_size=1");
    for (String table : List.of("traffic_operations", "traffic_services", "traffic_edges")) {
      String trafficCompaction =
          cql.execute(
                  "SELECT compaction FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
                  KEYSPACE,
                  table)
              .one()
              .getMap(0, String.class, String.class)
              .toString();
      // the index TTL, one day, / 30: below an hour, so one-hour windows
      assertThat(trafficCompaction)
          .as(table)
          .contains("TimeWindowCompactionStrategy")
          .contains("compaction_window_unit=HOURS")
          .contains("compaction_window_size=1");
    }
  }

  @Test
  void setsTheDecisionTtlOnDecisionsAndTheSpanTtlOnRuleCounts() {
    TraceId traceId = spans.newTraceId();
    store.decisions().write(List.of(new StoredDecision(traceId, false, "baseline", 0.1, false, "ROOT_GRACE",
        "v1", Instant.now(), "sampler-1", 3))).toCompletableFuture().join();
    Instant minute = Instant.parse("2020-06-01T10:17:00Z"); // an hour no contract test writes in
    store.samplingCounts().write("ttl-node", minute, List.of(new RuleCounts("ttl-rule", 1, 2)))
        .toCompletableFuture().join();

    Row decision = cql.execute("SELECT TTL(keep) FROM " + KEYSPACE + ".decisions WHERE trace_id = ?",
        ByteBuffer.wrap(traceId.toBytes())).one();
    assertThat(decision.getInt(0))
        .isBetween((int) DECISION_TTL.toSeconds() - 600, (int) DECISION_TTL.toSeconds());
    Row counts = cql.execute("SELECT TTL(counts), minute FROM " + KEYSPACE + ".sampling_counts"
        + " WHERE hour = ? AND minute = ? AND node = 'ttl-node'", Instant.parse("2020-06-01T10:00:00Z"), minute).one();
    assertThat(counts.getInt(0)).isBetween((int) SPAN_TTL.toSeconds() - 600, (int) SPAN_TTL.toSeconds());
  }

  /** No lightweight transaction: a second decision is a row of its own, and the first decided answers. */
  @Test
  void aSecondDecisionIsStoredBesideTheFirst() {
    TraceId traceId = spans.newTraceId();
    Instant at = Instant.parse("2025-05-06T07:08:09.000000001Z");
    StoredDecision first = new StoredDecision(traceId, true, "keep-errors", 1, false, "ROOT_GRACE", "v1", at, "old-owner", 9);
    StoredDecision second =
        new StoredDecision(traceId, false, "baseline", 0.1, false, "MAX_WAIT", "v1", at.plusSeconds(40), "new-owner", 11);
    store.decisions().write(List.of(second)).toCompletableFuture().join();
    store.decisions().write(List.of(first)).toCompletableFuture().join();
    store.decisions().write(List.of(first)).toCompletableFuture().join();

    List<Row> rows = cql.execute("SELECT node, decided_ns, keep FROM " + KEYSPACE + ".decisions WHERE trace_id = ?",
        ByteBuffer.wrap(traceId.toBytes())).all();
    assertThat(rows).extracting(r -> r.getString(0) + " " + r.getLong(1) + " " + r.getBoolean(2))
        .containsExactly("old-owner " + (at.getEpochSecond() * 1_000_000_000L + 1) + " true",
            "new-owner " + (at.getEpochSecond() * 1_000_000_000L + 40_000_000_001L) + " false");
    assertThat(store.decisions().read(List.of(traceId)).toCompletableFuture().join())
        .isEqualTo(Map.of(traceId, first));
  }

  /**
   * A keyspace made by a version that had only schema v1 gets v2 to v5 when opened, and works; the
   * spans it holds a row each stay readable, beside those written in blocks since.
   */
  @Test
  void aKeyspaceAtSchemaVersion1GetsVersions2To5WhenOpenedAndKeepsItsSpansReadable() {
    String keyspace = "upgrade_test";
    CassandraStorage storage = storage(TestCassandra.shared(), keyspace);
    ddl("CREATE KEYSPACE " + keyspace + " WITH replication = " + storage.replication.toCql());
    ddl("CREATE TABLE " + keyspace + ".schema_version (version int PRIMARY KEY, applied_at timestamp)");
    for (String statement : Schema.statements(1, storage)) {
      ddl(statement);
    }
    cql.execute("INSERT INTO " + keyspace + ".schema_version (version, applied_at) VALUES (1, toTimestamp(now()))");
    // The span table v1 made before v4 moved spans to blocks, holding two spans of a trace.
    ddl("CREATE TABLE " + keyspace + ".spans (trace_id blob, span_id blob, digest bigint, span blob,"
        + " PRIMARY KEY (trace_id, span_id, digest))");
    TraceId old = spans.newTraceId();
    List<OtlpSpan> oldTrace = spans.trace(old, service("legacy"), "op", nanos(hourAgo3.plusSeconds(60)), 10 * MS, 3);
    for (OtlpSpan span : oldTrace.subList(0, 2)) {
      cql.execute("INSERT INTO " + keyspace + ".spans (trace_id, span_id, digest, span) VALUES (?, ?, ?, ?)",
          ByteBuffer.wrap(old.toBytes()), ByteBuffer.wrap(span.spanId().toBytes()), 1L,
          ByteBuffer.wrap(StoredEnvelope.encode(WireSpan.of(span))));
    }

    try (SpanStore upgraded = storage.open()) {
      // A late span and a copy of one already stored, written after the upgrade: each read once.
      upgraded.writer().write(SpanBatch.of(oldTrace.subList(1, 3), null)).toCompletableFuture().join();
      assertThat(upgraded.reader().getTrace(old).toCompletableFuture().join().orElseThrow().spans())
          .containsExactlyInAnyOrderElementsOf(oldTrace);
      assertThat(upgraded.reader().getTrace(old, 2).toCompletableFuture().join().orElseThrow().capped()).isTrue();
      // Its decision, if any, is in the summary row only: the trace read cannot tell.
      assertThat(upgraded.reader().getTrace(old).toCompletableFuture().join().orElseThrow().sampling()).isNull();
      TraceId kept = spans.newTraceId();
      upgraded.writer()
          .write(SpanBatch.of(spans.trace(kept, service("new"), "op", nanos(hourAgo3), MS, 2), new Sampling("slow", 1.0)))
          .toCompletableFuture()
          .join();
      assertThat(upgraded.reader().getTrace(kept).toCompletableFuture().join().orElseThrow().sampling())
          .isEqualTo(new Sampling("slow", 1.0));
      TraceId traceId = spans.newTraceId();
      StoredDecision decision =
          new StoredDecision(traceId, true, "slow", 1, false, "ROOT_GRACE", "v1", Instant.now(), "sampler-1", 2);
      upgraded.decisions().write(List.of(decision)).toCompletableFuture().join();
      assertThat(upgraded.decisions().read(List.of(traceId)).toCompletableFuture().join())
          .isEqualTo(Map.of(traceId, decision));
      Instant minute = Instant.parse("2020-06-01T11:00:00Z");
      upgraded.samplingCounts().write("n", minute, List.of(new RuleCounts("slow", 1, 0))).toCompletableFuture().join();
      assertThat(upgraded.samplingCounts().read(minute, minute.plusSeconds(60)).toCompletableFuture().join())
          .containsExactly(new RuleCounts("slow", 1, 0));
      OperationCalls operation =
          new OperationCalls("api", "GET /", SpanKind.SPAN_KIND_SERVER, new CallCounts(0, oneCall()));
      upgraded.traffic().write("n", minute, List.of(operation), List.of()).toCompletableFuture().join();
      assertThat(upgraded.traffic().operations("api", StepWindow.whole(minute, minute.plusSeconds(60)))
              .toCompletableFuture().join())
          .containsExactly(new Step<>(minute, operation));
    }
    assertThat(cql.execute("SELECT version FROM " + keyspace + ".schema_version").all())
        .extracting(r -> r.getInt(0))
        .containsExactlyInAnyOrder(1, 2, 3, 4, 5);
  }

  private static LatencyHistogram oneCall() {
    long[] counts = new long[LatencyHistogram.BUCKETS];
    counts[0] = 1;
    return new LatencyHistogram(counts, 1_000);
  }

  private void ddl(String statement) {
    cql.execute(SimpleStatement.newInstance(statement).setTimeout(Duration.ofSeconds(60)));
  }
}
