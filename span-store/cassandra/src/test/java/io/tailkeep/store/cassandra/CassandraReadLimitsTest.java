package io.tailkeep.store.cassandra;

import static io.tailkeep.store.testing.TestSpans.attr;
import static io.tailkeep.store.testing.TestSpans.nanos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.tracker.RequestTracker;
import io.tailkeep.store.FoundTraces;
import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.StoreBusyException;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceQuery.Order;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.TestCassandra;
import io.tailkeep.store.testing.TestSpans;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The bounds of the read side on a real node: the span cap as the query's LIMIT, a search's
 * fan-out, cancellation reaching the requests, a full line of reads or searches, the cheap
 * reachability check. Readers are built over a session whose requests are recorded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraReadLimitsTest {
  private static final String KEYSPACE = "read_limits_test";
  private static final long MS = 1_000_000L;

  private final TestSpans spans = new TestSpans(System.nanoTime());
  private final Instant hourAgo = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
  private final ConcurrentLinkedQueue<Request> sent = new ConcurrentLinkedQueue<>();
  private CassandraSpanStore store;
  private CqlSession session;
  private Statements statements;
  private final ExecutorService searchThreads = Executors.newFixedThreadPool(2);

  @BeforeAll
  void open() {
    CassandraEndpoint node = TestCassandra.shared();
    store = CassandraSpanStoreTest.storage(node, KEYSPACE).open(); // creates the schema
    RequestTracker recorder =
        new RequestTracker() {
          @Override
          public void onSuccess(
              Request request, long latencyNanos, DriverExecutionProfile profile, Node node, String prefix) {
            sent.add(request);
          }

          @Override
          public void close() {}
        };
    session =
        CqlSession.builder()
            .addContactPoint(node.contactPoint())
            .withLocalDatacenter(node.localDatacenter())
            .withRequestTracker(recorder)
            .build();
    statements = new Statements(session, KEYSPACE);
  }

  @AfterAll
  void close() {
    searchThreads.shutdownNow();
    if (session != null) {
      session.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private CassandraSpanReader reader(InFlightLimiter limiter, int maxSearchPartitions) {
    TimeBuckets buckets = new TimeBuckets(Duration.ofHours(1));
    return new CassandraSpanReader(
        statements,
        new TraceSearch(statements, buckets, Duration.ofHours(1), maxSearchPartitions),
        new IndexedTags(IndexedTags.DEFAULT_KEYS, IndexedTags.DEFAULT_MAX_VALUE_LENGTH),
        searchThreads,
        limiter,
        Clock.systemUTC(),
        CassandraSpanStoreTest.INDEX_TTL);
  }

  private String service(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private void write(List<OtlpSpan> trace) {
    store.writer().write(SpanBatch.of(trace, new Sampling("all", 1.0))).toCompletableFuture().join();
  }

  private List<String> cqlOf(List<Request> requests) {
    List<String> cql = new ArrayList<>();
    for (Request request : requests) {
      if (request instanceof BoundStatement bound) {
        cql.add(bound.getPreparedStatement().getQuery());
      } else if (request instanceof SimpleStatement simple) {
        cql.add(simple.getQuery());
      }
    }
    return cql;
  }

  @Test
  void aCappedTraceReadFetchesNoPageOfBlocksPastItsCap() {
    TraceId traceId = spans.newTraceId();
    SpanId root = spans.newSpanId();
    List<OtlpSpan> trace = new ArrayList<>();
    trace.add(spans.span(traceId, root, null, service("big"), "batch", nanos(hourAgo), 1_000 * MS));
    for (int i = 1; i < 1_000; i++) { // 3 KiB each: about 24 blocks, two pages of them
      trace.add(spans.span(traceId, spans.newSpanId(), root, service("big"), "step", nanos(hourAgo) + i, MS,
          attr("payload", "p".repeat(3_000))));
    }
    write(trace);
    CassandraSpanReader reader = reader(new InFlightLimiter(8, 100), 1_000);
    sent.clear();

    Trace capped = reader.getTrace(traceId, 100).toCompletableFuture().join().orElseThrow();

    assertThat(capped.spans()).hasSize(100);
    assertThat(capped.capped()).isTrue();
    List<String> cql = cqlOf(settled());
    assertThat(cql)
        .containsExactly(
            "SELECT spans, sampling_rule, sampling_probability FROM " + KEYSPACE + ".span_blocks WHERE trace_id = ?");

    sent.clear();
    Trace whole = reader.getTrace(traceId).toCompletableFuture().join().orElseThrow();
    assertThat(whole.spans()).hasSize(1_000);
    assertThat(whole.capped()).isFalse();
    assertThat(settled()).hasSizeGreaterThan(1); // the pages the capped read left unfetched
  }

  @Test
  @Timeout(60)
  void aSearchWithoutServiceOverTheWholeRetentionReadsABoundedNumberOfPartitions() {
    // Three services in a keyspace of their own, so the count of services is known.
    CassandraEndpoint node = TestCassandra.shared();
    String keyspace = "read_limits_fanout";
    try (CassandraSpanStore own = CassandraSpanStoreTest.storage(node, keyspace).open()) {
      List<String> services = List.of("cart", "checkout", "payments");
      List<TraceId> recent = new ArrayList<>();
      for (String svc : services) {
        for (int hoursAgo : new int[] {1, 2, 20}) {
          TraceId traceId = spans.newTraceId();
          if (hoursAgo <= 2) {
            recent.add(traceId);
          }
          long start = nanos(Instant.now().minus(Duration.ofHours(hoursAgo)));
          own.writer()
              .write(SpanBatch.of(spans.trace(traceId, svc, "op", start, 10 * MS, 2), new Sampling("all", 1.0)))
              .toCompletableFuture()
              .join();
        }
      }
      Statements ownStatements = new Statements(session, keyspace);
      InFlightLimiter limiter = new InFlightLimiter(16, 10_000);
      // 24 partitions: 6 services (each trace has "-dep" spans) x the 4 newest hours; the index TTL
      // spans 24 hours, and the window a day more past now.
      CassandraSpanReader reader =
          new CassandraSpanReader(
              ownStatements,
              new TraceSearch(ownStatements, new TimeBuckets(Duration.ofHours(1)), Duration.ofHours(1), 24),
              new IndexedTags(IndexedTags.DEFAULT_KEYS, IndexedTags.DEFAULT_MAX_VALUE_LENGTH),
              searchThreads,
              limiter,
              Clock.systemUTC(),
              CassandraSpanStoreTest.INDEX_TTL);
      TraceQuery wholeRetention =
          TraceQuery.builder().window(Instant.EPOCH, Instant.parse("2999-01-01T00:00:00Z")).limit(100).build();

      for (Order order : Order.values()) {
        sent.clear();
        long before = limiter.started();
        FoundTraces found =
            reader.search(new TraceQuery(null, null, java.util.Map.of(), null, null, wholeRetention.start(),
                wholeRetention.end(), 100, order, false)).join();

        // Exactly the traces of the window it searched: the six of the last two hours.
        assertThat(found.traces()).extracting(s -> s.traceId()).containsExactlyInAnyOrderElementsOf(recent);
        assertThat(found.warnings()).singleElement().asString()
            .startsWith("only traces starting from ")
            .contains("at most 24 index partitions", "6 services", "name a service or narrow the window");
        List<String> indexReads =
            cqlOf(settled()).stream().filter(cql -> cql.contains("traces_by")).toList();
        assertThat(indexReads).hasSizeLessThanOrEqualTo(24);
        // Service names (1), index partitions (<= 24), summaries (the 6 found): nothing else.
        assertThat(limiter.started() - before).isLessThanOrEqualTo(1 + 24 + 6);
      }

      // With one service, the same bound: the 24 newest hours of it, up to now.
      FoundTraces one =
          reader.search(TraceQuery.builder().service("cart").window(wholeRetention.start(), wholeRetention.end())
              .limit(100).build()).join();
      assertThat(one.traces()).hasSize(3);
      assertThat(one.warnings()).singleElement().asString().contains("narrow the window");
    }
  }

  @Test
  void moreServicesThanOneSearchCoversSearchesNothingAndSaysWhy() {
    CassandraEndpoint node = TestCassandra.shared();
    try (CassandraSpanStore own = CassandraSpanStoreTest.storage(node, "read_limits_services").open()) {
      for (int i = 0; i < 4; i++) {
        own.writer()
            .write(SpanBatch.of(spans.trace(spans.newTraceId(), "svc-" + i, "op", nanos(hourAgo), 10 * MS, 1),
                new Sampling("all", 1.0)))
            .toCompletableFuture()
            .join();
      }
      Statements ownStatements = new Statements(session, "read_limits_services");
      CassandraSpanReader reader =
          new CassandraSpanReader(
              ownStatements,
              new TraceSearch(ownStatements, new TimeBuckets(Duration.ofHours(1)), Duration.ofHours(1), 3),
              new IndexedTags(IndexedTags.DEFAULT_KEYS, IndexedTags.DEFAULT_MAX_VALUE_LENGTH),
              searchThreads,
              new InFlightLimiter(16, 10_000),
              Clock.systemUTC(),
              CassandraSpanStoreTest.INDEX_TTL);
      FoundTraces found =
          reader.search(TraceQuery.builder().window(hourAgo.minusSeconds(60), Instant.now()).build()).join();
      assertThat(found.traces()).isEmpty();
      assertThat(found.warnings()).singleElement().asString()
          .contains("more than 3 services", "name a service");
    }
  }

  @Test
  @Timeout(120)
  void cancellingASearchStopsItsRequests() {
    String svc = service("many");
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      writes.add(
          store.writer()
              .write(SpanBatch.of(spans.trace(spans.newTraceId(), svc, "op", nanos(hourAgo) + i * MS, 10 * MS, 1),
                  new Sampling("all", 1.0)))
              .toCompletableFuture());
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    InFlightLimiter limiter = new InFlightLimiter(4, 10_000);
    CassandraSpanReader reader = reader(limiter, 1_000);
    // Driven by the start index, every candidate's summary is read and fails the duration filter:
    // about 2 000 summary reads, 64 at a time.
    TraceQuery query =
        TraceQuery.builder().service(svc).minDuration(Duration.ofHours(1)).window(hourAgo.minusSeconds(1),
            Instant.now()).order(Order.NEWEST_FIRST).limit(10).build();

    CompletableFuture<FoundTraces> search = reader.search(query);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (limiter.started() < 100 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(search).isNotDone();
    search.cancel(false);
    long atCancel = limiter.started();

    assertThatThrownBy(search::join).isInstanceOf(CancellationException.class);
    long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (limiter.inFlight() > 0 && System.nanoTime() < settle) {
      Thread.onSpinWait();
    }
    assertThat(limiter.inFlight()).isZero();
    assertThat(limiter.waiting()).isZero();
    long afterSettling = limiter.started();
    sleep(500);
    assertThat(limiter.started()).isEqualTo(afterSettling); // nothing more is sent
    // At most the batch under way when it was cancelled, far from the 2 000 of a whole run.
    assertThat(afterSettling - atCancel).isLessThanOrEqualTo(64);
  }

  @Test
  void aFullLineOfReadsOrSearchesFailsAtOnceWithStoreBusy() {
    TraceId traceId = spans.newTraceId();
    write(spans.trace(traceId, service("busy"), "op", nanos(hourAgo), 10 * MS, 3));
    // One read at a time and a line of two: of 50 reads at once, most fail at the call.
    CassandraSpanReader reader = reader(new InFlightLimiter(1, 2), 1_000);
    List<CompletableFuture<Optional<Trace>>> reads = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      reads.add(reader.getTrace(traceId, 10).toCompletableFuture());
    }
    long busy = reads.stream().filter(r -> failedWith(r, StoreBusyException.class)).count();
    long served = reads.stream().filter(r -> !failedWith(r, StoreBusyException.class)).count();
    assertThat(busy).isGreaterThanOrEqualTo(40);
    assertThat(served).isBetween(3L, 10L);
    reads.stream().filter(r -> !failedWith(r, StoreBusyException.class))
        .forEach(r -> assertThat(r.join()).isPresent());

    // The store's search queue is bounded the same way.
    CassandraEndpoint node = TestCassandra.shared();
    try (CassandraSpanStore small =
        CassandraStorage.builder()
            .contactPoints(List.of(node.contactPoint()))
            .localDatacenter(node.localDatacenter())
            .keyspace(KEYSPACE)
            .spanTtl(CassandraSpanStoreTest.SPAN_TTL)
            .indexTtl(CassandraSpanStoreTest.INDEX_TTL)
            .searchThreads(1)
            .searchQueue(1)
            .build()
            .open()) {
      List<CompletableFuture<List<io.tailkeep.store.TraceSummary>>> searches = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        searches.add(
            small.reader()
                .findTraces(TraceQuery.builder().window(Instant.EPOCH, Instant.now()).limit(1000).build())
                .toCompletableFuture());
      }
      assertThat(searches.stream().filter(s -> failedWith(s, StoreBusyException.class)).count())
          .isGreaterThanOrEqualTo(15);
    }
  }

  @Test
  void theReachabilityCheckReadsSystemLocalAndNoTableOfOurs() {
    CassandraSpanReader reader = reader(new InFlightLimiter(8, 100), 1_000);
    sent.clear();
    reader.checkReachable().toCompletableFuture().join();
    assertThat(cqlOf(settled())).containsExactly("SELECT release_version FROM system.local");

    // It answers whatever our tables hold: even with service_names gone, which getServices reads.
    CassandraEndpoint node = TestCassandra.shared();
    String keyspace = "read_limits_ready";
    CassandraSpanStoreTest.storage(node, keyspace).open().close();
    Statements ownStatements = new Statements(session, keyspace);
    session.execute(
        SimpleStatement.newInstance("DROP TABLE " + keyspace + ".service_names").setTimeout(Duration.ofSeconds(60)));
    CassandraSpanReader withoutNames =
        new CassandraSpanReader(
            ownStatements,
            new TraceSearch(ownStatements, new TimeBuckets(Duration.ofHours(1)), Duration.ofHours(1), 10),
            new IndexedTags(IndexedTags.DEFAULT_KEYS, IndexedTags.DEFAULT_MAX_VALUE_LENGTH),
            searchThreads,
            new InFlightLimiter(8, 100),
            Clock.systemUTC(),
            CassandraSpanStoreTest.INDEX_TTL);
    assertThat(withoutNames.checkReachable().toCompletableFuture().join()).isNull();
    assertThatThrownBy(() -> withoutNames.getServices().toCompletableFuture().join())
        .isInstanceOf(CompletionException.class);
    session.execute(SimpleStatement.newInstance("DROP KEYSPACE " + keyspace).setTimeout(Duration.ofSeconds(60)));
  }

  /** What was sent, once the driver has told its tracker of every request (just after each answer). */
  private List<Request> settled() {
    int size = -1;
    while (size != sent.size()) {
      size = sent.size();
      sleep(200);
    }
    return List.copyOf(sent);
  }

  private static boolean failedWith(CompletableFuture<?> future, Class<? extends Throwable> type) {
    try {
      future.join();
      return false;
    } catch (CompletionException e) {
      return type.isInstance(e.getCause());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
