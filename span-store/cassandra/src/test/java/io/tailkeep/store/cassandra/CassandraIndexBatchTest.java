package io.tailkeep.store.cassandra;

import static io.tailkeep.store.testing.TestSpans.attr;
import static io.tailkeep.store.testing.TestSpans.nanos;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import io.tailkeep.store.AsyncFailure;
import io.tailkeep.store.BatchRejectedException;
import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.TestCassandra;
import io.tailkeep.store.testing.TestSpans;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Index rows of concurrent writes coalesced per partition ({@link PartitionBatcher}) on a real
 * node: the batcher's requests recorded on their way to the node, or failed on purpose for chosen
 * partitions while every other request goes to the node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraIndexBatchTest {
  private static final String KEYSPACE = "index_batch_test";
  private static final long MS = 1_000_000L;
  private static final int MAX_BATCH_BYTES = 5 * 1024;

  private final TestSpans spans = new TestSpans(11);
  private final Instant hourAgo = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
  private SpanStore store;
  private CqlSession session;
  private Statements statements;

  @BeforeAll
  void open() {
    CassandraEndpoint node = TestCassandra.shared();
    store = CassandraSpanStoreTest.storage(node, KEYSPACE).open(); // creates the schema; reads
    session =
        CqlSession.builder()
            .addContactPoint(node.contactPoint())
            .withLocalDatacenter(node.localDatacenter())
            .build();
    statements = new Statements(session, KEYSPACE);
  }

  @AfterAll
  void close() {
    if (session != null) {
      session.close();
    }
    if (store != null) {
      store.close();
    }
  }

  /**
   * A writer with one request in flight. {@link #hold} takes that one until the returned gate is
   * completed, so the rows of the writes handed in meanwhile wait and coalesce however slow the
   * machine.
   */
  private record Writer(CassandraSpanWriter writer, PartitionBatcher batcher, InFlightLimiter limiter) {
    CompletableFuture<Void> hold() {
      CompletableFuture<Void> gate = new CompletableFuture<>();
      limiter.submit(() -> gate);
      return gate;
    }
  }

  private Writer writer(Function<List<BoundStatement>, CompletionStage<?>> send) {
    InFlightLimiter limiter = new InFlightLimiter(1);
    PartitionBatcher batcher = new PartitionBatcher(send, limiter, MAX_BATCH_BYTES);
    int ttl = (int) CassandraSpanStoreTest.INDEX_TTL.toSeconds();
    CassandraSpanWriter writer =
        new CassandraSpanWriter(
            statements,
            limiter,
            batcher,
            new NameCache(Duration.ofHours(1).toNanos(), System::nanoTime),
            new IndexedTags(IndexedTags.DEFAULT_KEYS, IndexedTags.DEFAULT_MAX_VALUE_LENGTH),
            new TimeBuckets(Duration.ofHours(1)),
            ttl,
            ttl);
    return new Writer(writer, batcher, limiter);
  }

  /** A writer whose index and name requests are recorded in {@code sent}, then sent to the node. */
  private Writer recordingWriter(List<List<BoundStatement>> sent) {
    return writer(
        request -> {
          synchronized (sent) {
            sent.add(request);
          }
          return statements.unloggedBatch.execute(request);
        });
  }

  private static String unique(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A root of {@code service} with an {@code http.route} tag and a child of {@code db}. */
  private List<OtlpSpan> trace(TraceId traceId, String service, String db, String route, long start) {
    SpanId root = spans.newSpanId();
    return List.of(
        spans.span(traceId, root, null, service, "GET " + route, start, 20 * MS, attr("http.route", route)),
        spans.span(traceId, spans.newSpanId(), root, db, "SELECT", start + MS, 5 * MS));
  }

  private static CompletableFuture<Void> write(Writer writer, List<OtlpSpan> trace) {
    return writer.writer().write(SpanBatch.of(trace, new Sampling("all", 1.0))).toCompletableFuture();
  }

  private static boolean into(BoundStatement statement, String table) {
    return statement.getPreparedStatement().getQuery().contains("." + table + " ");
  }

  private static boolean carries(List<BoundStatement> statements, String table) {
    return statements.stream().anyMatch(s -> into(s, table));
  }

  private List<TraceSummary> find(TraceQuery.Builder query) {
    return store
        .reader()
        .findTraces(query.window(hourAgo, Instant.now().plusSeconds(60)).limit(1_000).build())
        .toCompletableFuture()
        .join();
  }

  private static Set<TraceId> ids(List<TraceSummary> found) {
    return found.stream().map(TraceSummary::traceId).collect(Collectors.toSet());
  }

  @Test
  void indexRowsOfConcurrentTracesShareRequestsAndEveryTraceIsFound() {
    List<List<BoundStatement>> requests = new ArrayList<>();
    Writer writer = recordingWriter(requests);
    String service = unique("shop");
    String db = unique("db");
    int traces = 100;
    List<TraceId> written = new ArrayList<>();
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    long start = nanos(hourAgo.plusSeconds(60));
    CompletableFuture<Void> gate = writer.hold();
    for (int i = 0; i < traces; i++) {
      TraceId traceId = spans.newTraceId();
      written.add(traceId);
      writes.add(write(writer, trace(traceId, service, db, "/cart", start + i * MS)));
    }
    gate.complete(null);
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();

    List<List<BoundStatement>> startIndex =
        requests.stream().filter(r -> carries(r, Tables.TRACES_BY_START)).toList();
    // Each trace has 4 (service, operation) partitions: shop, shop/GET /cart, db, db/SELECT.
    long startRows =
        startIndex.stream().flatMap(List::stream).filter(s -> into(s, Tables.TRACES_BY_START)).count();
    assertThat(startRows).isEqualTo(4L * traces);
    // One request per trace and partition would be 400. A trace's start and duration rows of a
    // partition hold 102 to 124 bytes of values, so 41 or more go in a batch: 2 or 3
    // batches for each partition's 100 traces.
    Map<ByteBuffer, List<List<BoundStatement>>> byPartition =
        startIndex.stream().collect(Collectors.groupingBy(r -> r.get(0).getRoutingKey()));
    assertThat(byPartition).hasSize(4);
    byPartition.forEach(
        (partition, sharing) -> {
          int bytes = sharing.stream().flatMap(List::stream).mapToInt(UnloggedBatch::valueBytes).sum();
          int perTrace = bytes / traces; // every trace's rows of a partition are the same size
          int fullBatch = MAX_BATCH_BYTES / perTrace;
          assertThat(sharing).hasSize((traces + fullBatch - 1) / fullBatch);
        });
    assertThat(startIndex).hasSizeBetween(4 * 2, 4 * 3);
    for (List<BoundStatement> request : startIndex) {
      // Start and duration rows of the same traces go together, all of one partition.
      assertThat(request.stream().filter(s -> into(s, Tables.TRACES_BY_DURATION)).count())
          .isEqualTo(request.stream().filter(s -> into(s, Tables.TRACES_BY_START)).count());
      assertThat(request.stream().map(BoundStatement::getRoutingKey).distinct()).hasSize(1);
      assertThat(request.stream().mapToInt(UnloggedBatch::valueBytes).sum())
          .isLessThanOrEqualTo(MAX_BATCH_BYTES);
    }
    assertThat(startIndex.stream().mapToInt(r -> tracesIn(r).size()).max().orElse(0))
        .isGreaterThan(20);
    List<List<BoundStatement>> tagIndex =
        requests.stream().filter(r -> carries(r, Tables.TRACES_BY_TAG)).toList();
    assertThat(tagIndex).hasSize(2); // 100 rows of 64 bytes, one partition
    assertThat(writer.batcher().activePartitions()).isZero();

    Set<TraceId> all = Set.copyOf(written);
    assertThat(ids(find(TraceQuery.builder().service(service)))).isEqualTo(all);
    assertThat(ids(find(TraceQuery.builder().service(db).order(TraceQuery.Order.SLOWEST_FIRST))))
        .isEqualTo(all);
    assertThat(ids(find(TraceQuery.builder().service(service).operation("GET /cart")))).isEqualTo(all);
    assertThat(ids(find(TraceQuery.builder().service(db).operation("SELECT").order(TraceQuery.Order.SLOWEST_FIRST))))
        .isEqualTo(all);
    assertThat(ids(find(TraceQuery.builder().service(service).tag("http.route", "/cart")))).isEqualTo(all);
    assertThat(store.reader().getServices().toCompletableFuture().join()).contains(service, db);
  }

  private static Set<ByteBuffer> tracesIn(List<BoundStatement> request) {
    Set<ByteBuffer> traces = new HashSet<>();
    request.forEach(s -> traces.add(s.getByteBuffer("trace_id")));
    return traces;
  }

  private static boolean tagRowOf(List<BoundStatement> request, Predicate<BoundStatement> row) {
    return request.stream().anyMatch(s -> into(s, Tables.TRACES_BY_TAG) && row.test(s));
  }

  @Test
  void aTraceFailsWhenOneOfItsIndexBatchesFailsAndTracesSharingOnlyOtherBatchesDoNot() {
    AtomicBoolean failing = new AtomicBoolean(true);
    List<List<BoundStatement>> failed = new ArrayList<>();
    Writer writer =
        writer(
            request -> {
              if (failing.get() && tagRowOf(request, s -> "/fail".equals(s.getString("tag_value")))) {
                synchronized (failed) {
                  failed.add(request);
                }
                return CompletableFuture.failedFuture(new IllegalStateException("injected: request lost"));
              }
              return statements.unloggedBatch.execute(request);
            });
    String service = unique("shop");
    String db = unique("db");
    long start = nanos(hourAgo.plusSeconds(120));
    TraceId failA = spans.newTraceId();
    TraceId okB = spans.newTraceId();
    TraceId failC = spans.newTraceId();
    TraceId okD = spans.newTraceId();
    List<OtlpSpan> traceA = trace(failA, service, db, "/fail", start);
    CompletableFuture<Void> gate = writer.hold();
    CompletableFuture<Void> a = write(writer, traceA);
    CompletableFuture<Void> b = write(writer, trace(okB, service, db, "/ok", start + MS));
    CompletableFuture<Void> c = write(writer, trace(failC, service, db, "/fail", start + 2 * MS));
    CompletableFuture<Void> d = write(writer, trace(okD, service, db, "/ok", start + 3 * MS));
    gate.complete(null);
    CompletableFuture.allOf(a, b, c, d).handle((ignored, error) -> null).join();

    // A's and C's /fail rows shared one request, which failed; both fail, B and D do not.
    assertThat(failed).hasSize(1);
    assertThat(tracesIn(failed.get(0))).hasSize(2);
    for (CompletableFuture<Void> write : List.of(a, c)) {
      assertThat(write).isCompletedExceptionally();
      assertThat(AsyncFailure.cause(write.handle((ignored, error) -> error).join()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("injected");
    }
    assertThat(b).isCompleted().isNotCompletedExceptionally();
    assertThat(d).isCompleted().isNotCompletedExceptionally();
    assertThat(ids(find(TraceQuery.builder().service(service).tag("http.route", "/ok"))))
        .containsExactlyInAnyOrder(okB, okD);
    assertThat(ids(find(TraceQuery.builder().service(service).tag("http.route", "/fail")))).isEmpty();
    // A, B, C and D shared their other partitions' requests, which succeeded.
    assertThat(ids(find(TraceQuery.builder().service(service))))
        .containsExactlyInAnyOrder(failA, okB, failC, okD);

    // The store queue retries the whole trace: once the requests pass, A is stored and found.
    failing.set(false);
    write(writer, traceA).join();
    assertThat(ids(find(TraceQuery.builder().service(service).tag("http.route", "/fail"))))
        .containsExactly(failA);
    assertThat(writer.batcher().activePartitions()).isZero();
  }

  @Test
  void aSharedRequestRefusedForGoodIsSentAgainPerWriteSoOnlyTheCulpritIsRefused() {
    TraceId culprit = spans.newTraceId();
    ByteBuffer culpritId = ByteBuffer.wrap(culprit.toBytes());
    List<List<BoundStatement>> tagRequests = new ArrayList<>();
    Writer writer =
        writer(
            request -> {
              if (carries(request, Tables.TRACES_BY_TAG)) {
                synchronized (tagRequests) {
                  tagRequests.add(request);
                }
                if (tagRowOf(request, s -> culpritId.equals(s.getByteBuffer("trace_id")))) {
                  return CompletableFuture.failedFuture(
                      new InvalidQueryException(null, "injected: Key length of 70000 is longer than maximum of 65535"));
                }
              }
              return statements.unloggedBatch.execute(request);
            });
    String service = unique("shop");
    String db = unique("db");
    long start = nanos(hourAgo.plusSeconds(180));
    TraceId innocent = spans.newTraceId();
    CompletableFuture<Void> gate = writer.hold();
    CompletableFuture<Void> bad = write(writer, trace(culprit, service, db, "/orders", start));
    CompletableFuture<Void> good = write(writer, trace(innocent, service, db, "/orders", start + MS));
    gate.complete(null);
    CompletableFuture.allOf(bad, good).handle((ignored, error) -> null).join();

    // The shared request of both rows, then each alone.
    assertThat(tagRequests).hasSize(3);
    assertThat(tracesIn(tagRequests.get(0))).hasSize(2);
    assertThat(tagRequests.subList(1, 3)).allSatisfy(r -> assertThat(r).hasSize(1));
    assertThat(AsyncFailure.cause(bad.handle((ignored, error) -> error).join()))
        .isInstanceOf(BatchRejectedException.class)
        .hasMessageContaining("injected");
    assertThat(good).isCompleted().isNotCompletedExceptionally();
    assertThat(ids(find(TraceQuery.builder().service(service).tag("http.route", "/orders"))))
        .containsExactly(innocent);
  }
}
