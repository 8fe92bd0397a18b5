package io.tailkeep.store.cassandra;

import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT;
import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER;
import static io.tailkeep.store.testing.TrafficCountsContract.at;
import static io.tailkeep.store.testing.TrafficCountsContract.edge;
import static io.tailkeep.store.testing.TrafficCountsContract.latency;
import static io.tailkeep.store.testing.TrafficCountsContract.op;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.TestCassandra;
import io.tailkeep.store.testing.TrafficCountsContract;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.LatencyHistogram;
import io.tailkeep.store.traffic.OperationCalls;
import io.tailkeep.store.traffic.ServiceCalls;
import io.tailkeep.store.traffic.Step;
import io.tailkeep.store.traffic.StepWindow;
import io.tailkeep.store.traffic.TrafficCounts;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The traffic counts' contract on a real Cassandra node (the contract suite's keyspace), plus what
 * only Cassandra does: names cut to 1 KiB, the index TTL, rows of other histogram bounds, and a
 * write of thousands of rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraTrafficCountsTest implements TrafficCountsContract {
  private static final String KEYSPACE = CassandraSpanStoreTest.KEYSPACE;
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private SpanStore store;
  private CqlSession cql;

  @BeforeAll
  void open() {
    CassandraEndpoint node = TestCassandra.shared();
    store = CassandraSpanStoreTest.storage(node).open();
    cql = CqlSession.builder().addContactPoint(node.contactPoint()).withLocalDatacenter(node.localDatacenter()).build();
  }

  @AfterAll
  void close() {
    if (cql != null) {
      cql.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Override
  public SpanStore store() {
    return store;
  }

  @Override
  public SpanStore openSeparateStore() {
    return CassandraSpanStoreTest.storage(TestCassandra.shared()).open();
  }

  private TrafficCounts traffic() {
    return store.traffic();
  }

  /**
   * Names are cut to their first KiB of UTF-8 as the index cuts them (IndexKeys), so names that
   * differ only after it are summed as one, and a read cuts the service it asks for.
   */
  @Test
  void namesOverOneKibibyteAreCutAndThoseEqualOnceCutAreSummed() {
    String service = TrafficCountsContract.servicePrefix() + "é".repeat(1000); // 2 bytes each
    String cut = IndexKeys.bounded(service);
    assertThat(cut.length()).isLessThan(service.length());
    Instant m = TrafficCountsContract.someHour();
    StepWindow window = StepWindow.of(m, m.plus(MINUTE), MINUTE);
    traffic().write("node-1", m,
        List.of(op(service, "x".repeat(3000) + "a", SPAN_KIND_SERVER, 1, latency(1_000, at(0, 1))),
            op(service, "x".repeat(3000) + "b", SPAN_KIND_SERVER, 0, latency(2_000, at(1, 2)))),
        List.of(edge(service, "y".repeat(2000) + "1", 1, latency(10, at(0, 1)), latency(5, at(0, 1))),
            edge(service, "y".repeat(2000) + "2", 0, latency(20, at(0, 2)), latency(6, at(0, 2)))))
        .toCompletableFuture().join();

    Step<OperationCalls> expected =
        new Step<>(m, op(cut, "x".repeat(1024), SPAN_KIND_SERVER, 1, latency(3_000, at(0, 1), at(1, 2))));
    assertThat(traffic().operations(service, window).toCompletableFuture().join()).containsExactly(expected);
    assertThat(traffic().operations(cut, window).toCompletableFuture().join()).containsExactly(expected);
    assertThat(traffic().services(window).toCompletableFuture().join())
        .filteredOn(step -> step.counts().service().startsWith(service.substring(0, 9)))
        .containsExactly(new Step<>(m, new ServiceCalls(cut, SPAN_KIND_SERVER, new CallCounts(1, latency(3_000, at(0, 1), at(1, 2))))));
    assertThat(traffic().edges(window).toCompletableFuture().join())
        .filteredOn(step -> step.counts().client().startsWith(service.substring(0, 9)))
        .containsExactly(new Step<>(m, edge(cut, "y".repeat(1024), 1, latency(30, at(0, 3)), latency(11, at(0, 3)))));
  }

  @Test
  void everyTrafficRowCarriesTheIndexTtl() {
    Instant hour = Instant.parse("2019-03-04T05:00:00Z"); // an hour no contract test writes in
    Instant minute = hour.plus(MINUTE.multipliedBy(6));
    traffic().write("ttl-node", minute, List.of(op("ttl-service", "x", SPAN_KIND_SERVER, 0, latency(1, at(0, 1)))),
        List.of(edge("ttl-service", "ttl-db", 0, latency(1, at(0, 1)), latency(1, at(0, 1)))))
        .toCompletableFuture().join();

    List<Row> rows = List.of(
        cql.execute("SELECT TTL(errors) FROM " + KEYSPACE + ".traffic_operations WHERE service = 'ttl-service'"
            + " AND hour = ? AND minute = ?", hour, minute).one(),
        cql.execute("SELECT TTL(errors) FROM " + KEYSPACE + ".traffic_services WHERE hour = ? AND minute = ?"
            + " AND service = 'ttl-service'", hour, minute).one(),
        cql.execute("SELECT TTL(failed) FROM " + KEYSPACE + ".traffic_edges WHERE hour = ? AND minute = ?"
            + " AND client = 'ttl-service'", hour, minute).one());
    int ttl = (int) CassandraSpanStoreTest.INDEX_TTL.toSeconds();
    assertThat(rows).allSatisfy(row -> assertThat(row.getInt(0)).isBetween(ttl - 600, ttl));
  }

  /** A row written with other histogram bounds cannot be summed with these: the read fails, naming the table. */
  @Test
  void aStoredRowWithAnotherBucketCountFailsTheReadNamingItsTable() {
    List<Long> twelve = new ArrayList<>(Collections.nCopies(12, 1L));
    Instant hour = Instant.parse("2019-05-06T07:00:00Z"); // an hour no contract test writes in
    Instant minute = hour.plus(MINUTE.multipliedBy(3));
    StepWindow window = StepWindow.of(minute, minute.plus(MINUTE), MINUTE);
    cql.execute("INSERT INTO " + KEYSPACE + ".traffic_operations (service, hour, minute, span_name, span_kind, node,"
        + " errors, buckets, sum_micros) VALUES ('old-bounds', ?, ?, 'x', 2, 'n', 0, ?, 12) USING TTL 600", hour, minute, twelve);
    cql.execute("INSERT INTO " + KEYSPACE + ".traffic_services (hour, minute, service, span_kind, node, errors, buckets,"
        + " sum_micros) VALUES (?, ?, 'old-bounds', 2, 'n', 0, ?, 12) USING TTL 600", hour, minute, twelve);
    List<Long> thirteen = new ArrayList<>(Collections.nCopies(LatencyHistogram.BUCKETS, 1L));
    cql.execute("INSERT INTO " + KEYSPACE + ".traffic_edges (hour, minute, client, server, node, failed, client_buckets,"
        + " client_sum_micros, server_buckets, server_sum_micros) VALUES (?, ?, 'old-bounds', 'db', 'n', 0, ?, 13, ?, 12)"
        + " USING TTL 600", hour, minute, thirteen, twelve);

    List<Supplier<Object>> reads = List.of(
        () -> traffic().operations("old-bounds", window).toCompletableFuture().join(),
        () -> traffic().services(window).toCompletableFuture().join(),
        () -> traffic().edges(window).toCompletableFuture().join());
    List<String> tables = List.of("traffic_operations", "traffic_services", "traffic_edges");
    for (int i = 0; i < reads.size(); i++) {
      Supplier<Object> read = reads.get(i);
      assertThatThrownBy(read::get)
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(tables.get(i) + ": a stored row has 12 latency buckets, not 13: it was written with other"
              + " histogram bounds");
    }
  }

  /** A node's minute of a big system: 2 000 operations of 20 services and 1 000 edges in one write. */
  @Test
  void aWriteOfThousandsOfRowsIsStoredWhole() {
    String p = TrafficCountsContract.servicePrefix();
    Instant m = TrafficCountsContract.someHour().plus(MINUTE.multipliedBy(42));
    StepWindow window = StepWindow.of(m, m.plus(MINUTE), MINUTE);
    List<OperationCalls> operations = new ArrayList<>();
    List<EdgeCalls> edges = new ArrayList<>();
    for (int s = 0; s < 20; s++) {
      for (int o = 0; o < 100; o++) {
        operations.add(op(p + "service-" + s, "GET /route/" + o, o % 2 == 0 ? SPAN_KIND_SERVER : SPAN_KIND_CLIENT,
            1, latency(o + 1, at(o % LatencyHistogram.BUCKETS, o + 1))));
      }
    }
    for (int e = 0; e < 1000; e++) {
      edges.add(edge(p + "client-" + e, "server-" + (e % 7), 0, latency(e, at(3, 2)), latency(e, at(2, 2))));
    }
    long started = System.nanoTime();
    traffic().write("node-1", m, operations, edges).toCompletableFuture().join();
    long writeMillis = (System.nanoTime() - started) / 1_000_000;
    started = System.nanoTime();
    List<Step<ServiceCalls>> services = traffic().services(window).toCompletableFuture().join().stream()
        .filter(step -> step.counts().service().startsWith(p)).toList();
    List<Step<EdgeCalls>> edgeSteps = traffic().edges(window).toCompletableFuture().join().stream()
        .filter(step -> step.counts().client().startsWith(p)).toList();
    long readMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("traffic: wrote 2000 operations, 40 service rows and 1000 edges in %d ms; read services and edges in %d ms%n",
        writeMillis, readMillis);

    List<Step<OperationCalls>> ops = traffic().operations(p + "service-7", window).toCompletableFuture().join();
    assertThat(ops).hasSize(100);
    assertThat(ops.stream().mapToLong(step -> step.counts().counts().calls()).sum()).isEqualTo(5050);
    // 50 server and 50 client operations per service: calls 1+3+...+99 = 2500 and 2+4+...+100 = 2550.
    assertThat(services).hasSize(40);
    assertThat(services).filteredOn(step -> step.counts().service().equals(p + "service-7"))
        .extracting(step -> step.counts().kind() + " " + step.counts().counts().calls() + " " + step.counts().counts().errors())
        .containsExactlyInAnyOrder("SPAN_KIND_SERVER 2500 50", "SPAN_KIND_CLIENT 2550 50");
    assertThat(edgeSteps).hasSize(1000);
    assertThat(edgeSteps.stream().mapToLong(step -> step.counts().requests()).sum()).isEqualTo(2000);
    assertThat(cql.execute("SELECT count(*) FROM " + KEYSPACE + ".traffic_services WHERE hour = ? AND minute = ?",
        m.truncatedTo(ChronoUnit.HOURS), m).one().getLong(0))
        .as("the rollups are rows of their own").isGreaterThanOrEqualTo(40);
  }
}
