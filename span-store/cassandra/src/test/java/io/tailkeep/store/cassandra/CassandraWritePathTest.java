package io.tailkeep.store.cassandra;

import static io.tailkeep.store.testing.TestSpans.attr;
import static io.tailkeep.store.testing.TestSpans.nanos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.data.TupleValue;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.store.Operation;
import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.TestCassandra;
import io.tailkeep.store.testing.TestSpans;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The write path on a real node: a trace's spans and summary go as single-partition unlogged
 * batches, and over-long names are cut in the keys while the stored spans keep them whole.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraWritePathTest {
  static final String KEYSPACE = "write_path_test";
  static final long MS = 1_000_000L;
  static final String EMOJI = "\uD83D\uDE00"; // one code point, two chars, 4 bytes of UTF-8

  final TestSpans spans = new TestSpans(7);
  final Instant hourAgo2 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
  CassandraEndpoint node;
  SpanStore store;
  CqlSession cql;

  @BeforeAll
  void open() {
    node = TestCassandra.shared();
    store = storage().build().open();
    cql =
        CqlSession.builder()
            .addContactPoint(node.contactPoint())
            .withLocalDatacenter(node.localDatacenter())
            .build();
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

  CassandraStorage.Builder storage() {
    return CassandraStorage.builder()
        .contactPoints(List.of(node.contactPoint()))
        .localDatacenter(node.localDatacenter())
        .keyspace(KEYSPACE);
  }

  /**
   * Cassandra refused this trace before keys were bounded (a partition key over 64 KiB in the
   * index tables), and the sampler's store queue retried it forever at the head of its queue.
   */
  @Test
  void errorTraceWithA64KiBSpanNameAndA10KiBServiceNameIsStoredFoundAndReadBackWhole() {
    String service = unique("long") + "-" + "s".repeat(10 * 1024);
    String name = "SELECT " + "x".repeat(64 * 1024);
    TraceId traceId = spans.newTraceId();
    long start = nanos(hourAgo2.plusSeconds(10));
    SpanId rootId = spans.newSpanId();
    OtlpSpan root = failed(spans.span(traceId, rootId, null, service, name, start, 20 * MS));
    OtlpSpan child = spans.span(traceId, spans.newSpanId(), rootId, service, "child", start + MS, 5 * MS);

    write(List.of(root, child), new Sampling("keep-errors", 1.0));

    Trace trace = store.reader().getTrace(traceId).toCompletableFuture().join().orElseThrow();
    assertThat(trace.spans()).containsExactlyInAnyOrder(root, child);
    OtlpSpan readRoot = trace.spans().stream().filter(OtlpSpan::isRoot).findFirst().orElseThrow();
    assertThat(readRoot.name()).isEqualTo(name);
    assertThat(readRoot.serviceName()).isEqualTo(service);

    String cutService = service.substring(0, 1024); // ASCII: a byte a character
    String cutName = name.substring(0, 1024);
    assertThat(store.reader().getServices().toCompletableFuture().join())
        .contains(cutService)
        .doesNotContain(service);
    assertThat(store.reader().getOperations(service).toCompletableFuture().join())
        .containsExactlyInAnyOrder(
            new Operation(cutName, SpanKind.SPAN_KIND_SERVER), new Operation("child", SpanKind.SPAN_KIND_INTERNAL));

    // TraceQuery (span-store/api) refuses a service or operation over 1 024 characters, so the
    // longest names a search can give here are the cut ones that getServices and getOperations
    // list. Longer names within that are searched by their full text in the next test.
    for (TraceQuery.Order order : TraceQuery.Order.values()) {
      List<TraceSummary> found = find(lastHours(4).service(cutService).operation(cutName).order(order));
      assertThat(found).extracting(TraceSummary::traceId).containsExactly(traceId);
      TraceSummary summary = found.get(0);
      assertThat(summary.rootService()).isEqualTo(cutService);
      assertThat(summary.rootOperation()).isEqualTo(cutName);
      assertThat(summary.errorCount()).isEqualTo(1);
      assertThat(summary.spanCount()).isEqualTo(2);
      assertThat(summary.sampling()).isEqualTo(new Sampling("keep-errors", 1.0));
    }
  }

  @Test
  void searchByFullNamesLongerThanTheKeyLimitFindsTheTrace() {
    String service = unique("svc") + "-" + "ü".repeat(700); // about 720 characters, 1 420 bytes
    String operation = "op-" + EMOJI.repeat(400); // 803 characters, 1 603 bytes
    TraceId traceId = spans.newTraceId();
    long start = nanos(hourAgo2.plusSeconds(20));
    SpanId rootId = spans.newSpanId();
    write(
        List.of(
            spans.span(traceId, rootId, null, service, operation, start, 30 * MS, attr("http.route", "/orders")),
            spans.span(traceId, spans.newSpanId(), rootId, service, "child", start + MS, 5 * MS)),
        null);

    for (TraceQuery.Order order : TraceQuery.Order.values()) {
      assertThat(find(lastHours(4).service(service).operation(operation).order(order)))
          .extracting(TraceSummary::traceId)
          .containsExactly(traceId);
      assertThat(find(lastHours(4).service(service).order(order)))
          .extracting(TraceSummary::traceId)
          .containsExactly(traceId);
    }
    assertThat(find(lastHours(4).service(service).tag("http.route", "/orders")))
        .extracting(TraceSummary::traceId)
        .containsExactly(traceId);
    assertThat(find(lastHours(4).service(service).operation("child")))
        .extracting(TraceSummary::traceId)
        .containsExactly(traceId);

    String cutOperation = IndexKeys.bounded(operation);
    assertThat(operation).startsWith(cutOperation);
    assertThat(cutOperation.getBytes(StandardCharsets.UTF_8).length).isBetween(1021, 1024);
    assertThat(store.reader().getOperations(service).toCompletableFuture().join())
        .contains(new Operation(cutOperation, SpanKind.SPAN_KIND_SERVER));
  }

  @Test
  void tagValueOverTheLimitIsStoredButNotIndexed() {
    String service = unique("tags");
    String route = "/" + "r".repeat(2_000);
    TraceId traceId = spans.newTraceId();
    OtlpSpan root =
        spans.span(traceId, spans.newSpanId(), null, service, "GET", nanos(hourAgo2.plusSeconds(30)), 10 * MS,
            attr("http.route", route), attr("http.request.method", "GET"));

    write(List.of(root), null);

    assertThat(store.reader().getTrace(traceId).toCompletableFuture().join().orElseThrow().spans())
        .containsExactly(root);
    assertThat(find(lastHours(4).service(service).tag("http.request.method", "GET")))
        .extracting(TraceSummary::traceId)
        .containsExactly(traceId);
    assertThatThrownBy(() -> find(lastHours(4).service(service).tag("http.route", route)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http.route")
        .hasMessageContaining("the longest indexed");
    Set<TupleValue> tags =
        cql.execute(
                "SELECT tags FROM " + KEYSPACE + ".trace_summaries WHERE trace_id = ?",
                ByteBuffer.wrap(traceId.toBytes()))
            .one()
            .getSet(0, TupleValue.class);
    assertThat(tags).extracting(t -> t.getString(0)).containsExactly("http.request.method");
  }

  @Test
  void everySpanIsStoredOnceWhateverTheBatchSizeAndHoweverOftenItIsWritten() {
    for (int maxBatchBytes : new int[] {1, 1024, 64 * 1024}) { // the default: every other test
      try (SpanStore batched = storage().maxBatchBytes(maxBatchBytes).build().open()) {
        TraceId traceId = spans.newTraceId();
        List<OtlpSpan> trace = paddedTrace(traceId, unique("batch-" + maxBatchBytes), 300);
        // one span far over any of the limits, written alone
        trace.add(spans.span(traceId, spans.newSpanId(), trace.get(0).spanId(), "big", "big",
            nanos(hourAgo2.plusSeconds(40)), MS, attr("payload", "b".repeat(20_000))));
        SpanBatch batch = SpanBatch.of(trace, new Sampling("baseline", 0.1));

        batched.writer().write(batch).toCompletableFuture().join();
        batched.writer().write(batch).toCompletableFuture().join(); // a retry

        assertThat(batched.reader().getTrace(traceId).toCompletableFuture().join().orElseThrow().spans())
            .as("maxBatchBytes %d", maxBatchBytes)
            .containsExactlyInAnyOrderElementsOf(trace);
        TraceSummary summary =
            batched.reader().getSummaries(List.of(traceId)).toCompletableFuture().join().get(0);
        assertThat(summary.spanCount()).as("maxBatchBytes %d", maxBatchBytes).isEqualTo(301);
        assertThat(summary.sampling()).isEqualTo(new Sampling("baseline", 0.1));
      }
    }
  }

  /**
   * Why the summary may share a request with the spans' first block: Cassandra makes one mutation
   * of all the rows of one partition key, even across two tables, and warns about a batch's size
   * only when it spans several mutations (CASSANDRA-10876). The batch of two traces' blocks shows
   * the check would see it.
   */
  @Test
  void summaryAndSpansOfATraceAreOneMutationWhileTwoTracesAreTwo() {
    Statements statements = new Statements(cql, KEYSPACE);
    IndexedTags noTags = new IndexedTags(Set.of(), 1);
    TraceChunk a = TraceChunk.of(SpanBatch.of(paddedTrace(spans.newTraceId(), unique("a"), 40), null), noTags);
    TraceChunk b = TraceChunk.of(SpanBatch.of(paddedTrace(spans.newTraceId(), unique("b"), 40), null), noTags);

    List<BoundStatement> oneTrace = partition(statements, a);
    assertThat(oneTrace).hasSize(2); // the summary and one block
    assertThat(oneTrace.stream().mapToInt(UnloggedBatch::valueBytes).sum()).isGreaterThan(10 * 1024);
    AsyncResultSet one = statements.unloggedBatch.execute(oneTrace).toCompletableFuture().join();
    assertThat(one.getExecutionInfo().getWarnings()).isEmpty();

    List<BoundStatement> twoTraces = new ArrayList<>(partition(statements, a).subList(1, 2));
    twoTraces.addAll(partition(statements, b).subList(1, 2));
    AsyncResultSet two = statements.unloggedBatch.execute(twoTraces).toCompletableFuture().join();
    assertThat(two.getExecutionInfo().getWarnings()).anyMatch(w -> w.contains("exceeding specified threshold"));
  }

  private static List<BoundStatement> partition(Statements statements, TraceChunk chunk) {
    ByteBuffer traceId = ByteBuffer.wrap(chunk.traceId.toBytes());
    List<BoundStatement> partition = new ArrayList<>();
    partition.add(statements.updateSummary.bind(traceId, chunk, null, 3600));
    chunk.blocks.forEach(block -> partition.add(statements.insertSpanBlock.bind(traceId, chunk.id, block, null, 3600)));
    return partition;
  }

  /** A root and its children, each carrying 100–400 bytes of attribute: about 250 B a span. */
  private List<OtlpSpan> paddedTrace(TraceId traceId, String service, int count) {
    long start = nanos(hourAgo2.plusSeconds(40));
    SpanId rootId = spans.newSpanId();
    List<OtlpSpan> trace = new ArrayList<>();
    trace.add(spans.span(traceId, rootId, null, service, "root", start, 100 * MS));
    for (int i = 1; i < count; i++) {
      trace.add(spans.span(traceId, spans.newSpanId(), rootId, service, "child-" + i, start + i, MS,
          attr("payload", "p".repeat(100 + (i * 37) % 300))));
    }
    return trace;
  }

  private static OtlpSpan failed(OtlpSpan span) {
    return new OtlpSpan(span.resource(), span.resourceSchemaUrl(), span.scope(), span.scopeSchemaUrl(),
        span.span().toBuilder()
            .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR))
            .build());
  }

  private void write(List<OtlpSpan> trace, Sampling sampling) {
    store.writer().write(SpanBatch.of(trace, sampling)).toCompletableFuture().join();
  }

  private List<TraceSummary> find(TraceQuery.Builder query) {
    return store.reader().findTraces(query.build()).toCompletableFuture().join();
  }

  private static TraceQuery.Builder lastHours(int hours) {
    Instant end = Instant.now();
    return TraceQuery.builder().window(end.minus(Duration.ofHours(hours)), end);
  }

  private static String unique(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
