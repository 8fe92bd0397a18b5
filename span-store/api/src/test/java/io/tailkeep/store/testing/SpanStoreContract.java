package io.tailkeep.store.testing;

import static io.tailkeep.store.testing.TestSpans.attr;
import static io.tailkeep.store.testing.TestSpans.nanos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.store.Operation;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceQuery.Order;
import io.tailkeep.store.TraceSummary;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * What every span store must do, as span-store's README defines it, with its decision log ({@link
 * DecisionLogContract}) and rule counts ({@link SamplingCountsContract}). A backend's test extends
 * this and says how to open the store. Each test uses its own service names, so tests share one
 * store without seeing each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SpanStoreContract implements DecisionLogContract, SamplingCountsContract {
  protected static final long MS = 1_000_000L;

  protected SpanStore store;
  protected final TestSpans spans = new TestSpans(42);
  /** Three hours ago, on the hour: recent enough for any TTL, and on a bucket boundary. */
  protected final Instant hourAgo3 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));

  private String prefix;

  /**
   * The store under test, with the default tag index settings ({@link
   * io.tailkeep.store.IndexedTags}): the tests search {@code http.route}, {@code
   * http.response.status_code} and {@code deployment.environment}, and expect values of 5 000
   * characters to be refused.
   */
  protected abstract SpanStore openStore();

  @BeforeAll
  void openStoreOnce() {
    store = openStore();
  }

  @Override
  public SpanStore store() {
    return store;
  }

  @AfterAll
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  @org.junit.jupiter.api.BeforeEach
  void uniquePrefix(TestInfo test) {
    prefix = test.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A service name no other test uses. */
  protected String service(String name) {
    return prefix + "-" + name;
  }

  protected void write(List<OtlpSpan> trace, Sampling sampling) {
    store.writer().write(SpanBatch.of(trace, sampling)).toCompletableFuture().join();
  }

  protected List<TraceSummary> find(TraceQuery query) {
    return store.reader().findTraces(query).toCompletableFuture().join();
  }

  protected Trace read(TraceId traceId) {
    return store.reader().getTrace(traceId).toCompletableFuture().join().orElseThrow();
  }

  protected TraceQuery.Builder lastHours(int hours) {
    Instant end = Instant.now();
    return TraceQuery.builder().window(end.minus(Duration.ofHours(hours)), end);
  }

  private static List<TraceId> ids(List<TraceSummary> summaries) {
    return summaries.stream().map(TraceSummary::traceId).toList();
  }

  @Test
  void storesEveryOtlpFieldLosslessly() {
    TraceId traceId = spans.newTraceId();
    SpanId root = spans.newSpanId();
    long start = nanos(hourAgo3.plusSeconds(10));
    List<OtlpSpan> trace =
        List.of(
            spans.span(traceId, root, null, service("api"), "GET /", start, 5 * MS),
            spans.everyField(traceId, spans.newSpanId(), root, start + MS));

    write(trace, new Sampling("keep-errors", 1.0));

    assertThat(read(traceId).spans()).containsExactlyInAnyOrderElementsOf(trace);
  }

  @Test
  void unknownTraceIsEmpty() {
    assertThat(store.reader().getTrace(spans.newTraceId()).toCompletableFuture().join()).isEmpty();
  }

  @Test
  void summaryDescribesTheTraceAndHowItWasKept() {
    TraceId traceId = spans.newTraceId();
    long start = nanos(hourAgo3.plusSeconds(20));
    List<OtlpSpan> trace = spans.trace(traceId, service("checkout"), "POST /pay", start, 800 * MS, 6);
    SpanId errorSpan = spans.newSpanId();
    List<OtlpSpan> withError = new ArrayList<>(trace);
    OtlpSpan failing = spans.span(traceId, errorSpan, trace.get(0).spanId(), service("db"), "INSERT", start + MS, MS);
    withError.add(
        new OtlpSpan(failing.resource(), "", failing.scope(), "",
            failing.span().toBuilder()
                .setStatus(io.opentelemetry.proto.trace.v1.Status.newBuilder()
                    .setCode(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR))
                .build()));

    write(withError, new Sampling("baseline-checkout", 0.05));

    TraceSummary summary =
        store.reader().getSummaries(List.of(traceId)).toCompletableFuture().join().get(0);
    assertThat(summary.traceId()).isEqualTo(traceId);
    assertThat(summary.rootService()).isEqualTo(service("checkout"));
    assertThat(summary.rootOperation()).isEqualTo("POST /pay");
    assertThat(summary.rootSeen()).isTrue();
    assertThat(summary.startEpochNanos()).isEqualTo(start);
    assertThat(summary.durationNanos()).isEqualTo(800 * MS);
    assertThat(summary.spanCount()).isEqualTo(7);
    assertThat(summary.errorCount()).isEqualTo(1);
    assertThat(summary.services())
        .containsExactlyInAnyOrder(service("checkout"), service("checkout") + "-dep", service("db"));
    assertThat(summary.sampling()).isEqualTo(new Sampling("baseline-checkout", 0.05));
    assertThat(summary.sampling().adjustedCount()).isEqualTo(20.0);
  }

  @Test
  void getSummariesKeepsTheGivenOrderAndSkipsUnknownIds() {
    long start = nanos(hourAgo3.plusSeconds(30));
    TraceId a = spans.newTraceId();
    TraceId b = spans.newTraceId();
    write(spans.trace(a, service("a"), "op", start, MS, 2), null);
    write(spans.trace(b, service("b"), "op", start, MS, 2), null);

    List<TraceSummary> summaries =
        store.reader().getSummaries(List.of(b, spans.newTraceId(), a)).toCompletableFuture().join();

    assertThat(ids(summaries)).containsExactly(b, a);
    assertThat(summaries.get(0).sampling()).isNull();
  }

  @Test
  void lateSpansJoinTheSummaryAndKeepTheDecision() {
    TraceId traceId = spans.newTraceId();
    long start = nanos(hourAgo3.plusSeconds(40));
    List<OtlpSpan> first = spans.trace(traceId, service("web"), "GET /", start, 100 * MS, 3);
    write(first, new Sampling("slow", 1.0));
    OtlpSpan late =
        spans.span(traceId, spans.newSpanId(), first.get(0).spanId(), service("worker"), "job", start + 50 * MS, 300 * MS);

    write(List.of(late), null);

    TraceSummary summary = store.reader().getSummaries(List.of(traceId)).toCompletableFuture().join().get(0);
    assertThat(summary.spanCount()).isEqualTo(4);
    assertThat(summary.durationNanos()).isEqualTo(350 * MS);
    assertThat(summary.sampling()).isEqualTo(new Sampling("slow", 1.0));
    assertThat(summary.services()).contains(service("worker"));
    assertThat(read(traceId).spans()).hasSize(4);
    // The trace read carries the decision too, so a trace view needs no summary read.
    assertThat(read(traceId).sampling()).isEqualTo(new Sampling("slow", 1.0));
    Trace capped = store.reader().getTrace(traceId, 2).toCompletableFuture().join().orElseThrow();
    assertThat(capped.capped()).isTrue();
    assertThat(capped.sampling()).isEqualTo(new Sampling("slow", 1.0));
  }

  @Test
  void writingTheSameBatchTwiceStoresItOnce() {
    TraceId traceId = spans.newTraceId();
    List<OtlpSpan> trace = spans.trace(traceId, service("retry"), "op", nanos(hourAgo3.plusSeconds(50)), MS, 5);

    write(trace, null);
    write(trace, null);
    List<OtlpSpan> reordered = new ArrayList<>(trace);
    Collections.reverse(reordered);
    write(reordered, null);

    assertThat(read(traceId).spans()).hasSize(5);
    assertThat(store.reader().getSummaries(List.of(traceId)).toCompletableFuture().join().get(0).spanCount())
        .isEqualTo(5);
  }

  /** A replay may batch spans differently: a span written in two batches is read once. */
  @Test
  void aSpanWrittenInTwoDifferentBatchesIsReadOnce() {
    TraceId traceId = spans.newTraceId();
    List<OtlpSpan> trace = spans.trace(traceId, service("replayed"), "op", nanos(hourAgo3.plusSeconds(52)), MS, 4);

    write(trace.subList(0, 3), null);
    write(trace.subList(1, 4), null);

    assertThat(read(traceId).spans()).containsExactlyInAnyOrderElementsOf(trace);
  }

  @Test
  void keepsSpansThatShareAnIdButDiffer() {
    TraceId traceId = spans.newTraceId();
    SpanId id = spans.newSpanId();
    long start = nanos(hourAgo3.plusSeconds(55));
    OtlpSpan one = spans.span(traceId, id, null, service("dup"), "first", start, MS);
    OtlpSpan two = spans.span(traceId, id, null, service("dup"), "second", start, 2 * MS);

    write(List.of(one, two), null);

    assertThat(read(traceId).spans()).containsExactlyInAnyOrder(one, two);
  }

  @Test
  void listsServicesAndOperationsWithSpanKinds() {
    TraceId traceId = spans.newTraceId();
    long start = nanos(hourAgo3.plusSeconds(60));
    write(spans.trace(traceId, service("shop"), "GET /cart", start, MS, 3), null);

    assertThat(store.reader().getServices().toCompletableFuture().join())
        .contains(service("shop"), service("shop") + "-dep")
        .isSorted();
    assertThat(store.reader().getOperations(service("shop")).toCompletableFuture().join())
        .containsExactly(new Operation("GET /cart", SpanKind.SPAN_KIND_SERVER));
    assertThat(store.reader().getOperations(service("nobody")).toCompletableFuture().join()).isEmpty();
  }

  @Test
  void findsByEachFilterAloneAndAllCombined() {
    String api = service("api");
    long start = nanos(hourAgo3.plusSeconds(100));
    // target: api, GET /orders, http.route=/orders, 900 ms; the others miss one filter each
    TraceId target = spans.newTraceId();
    write(spans.trace(target, api, "GET /orders", start, 900 * MS, 3, attr("http.route", "/orders")), null);
    TraceId otherOperation = spans.newTraceId();
    write(spans.trace(otherOperation, api, "GET /users", start + MS, 900 * MS, 3, attr("http.route", "/orders")), null);
    TraceId otherTag = spans.newTraceId();
    write(spans.trace(otherTag, api, "GET /orders", start + 2 * MS, 900 * MS, 3, attr("http.route", "/users")), null);
    TraceId tooFast = spans.newTraceId();
    write(spans.trace(tooFast, api, "GET /orders", start + 3 * MS, 10 * MS, 3, attr("http.route", "/orders")), null);
    TraceId otherService = spans.newTraceId();
    write(spans.trace(otherService, service("web"), "GET /orders", start + 4 * MS, 900 * MS, 3,
        attr("http.route", "/orders")), null);

    assertThat(ids(find(lastHours(4).service(api).build())))
        .containsExactlyInAnyOrder(target, otherOperation, otherTag, tooFast);
    assertThat(ids(find(lastHours(4).service(api).operation("GET /orders").build())))
        .containsExactlyInAnyOrder(target, otherTag, tooFast);
    assertThat(ids(find(lastHours(4).service(api).tag("http.route", "/orders").build())))
        .containsExactlyInAnyOrder(target, otherOperation, tooFast);
    assertThat(ids(find(lastHours(4).service(api).minDuration(Duration.ofMillis(500)).build())))
        .containsExactlyInAnyOrder(target, otherOperation, otherTag);
    assertThat(ids(find(lastHours(4).service(api).maxDuration(Duration.ofMillis(500)).build())))
        .containsExactly(tooFast);
    assertThat(ids(find(lastHours(4).tag("http.route", "/orders").minDuration(Duration.ofMillis(500)).build())))
        .contains(target, otherOperation, otherService)
        .doesNotContain(otherTag, tooFast);
    for (Order order : Order.values()) {
      assertThat(ids(find(lastHours(4).service(api).operation("GET /orders").tag("http.route", "/orders")
              .minDuration(Duration.ofMillis(500)).order(order).build())))
          .as("all filters, %s", order)
          .containsExactly(target);
    }
  }

  @Test
  void summaryNamesTheEarliestSpanUntilTheRootArrives() {
    TraceId traceId = spans.newTraceId();
    SpanId rootId = spans.newSpanId();
    long start = nanos(hourAgo3.plusSeconds(110));
    OtlpSpan root = spans.span(traceId, rootId, null, service("gateway"), "GET /home", start, 400 * MS);
    OtlpSpan cart = spans.span(traceId, spans.newSpanId(), rootId, service("cart"), "load cart", start + 10 * MS, 50 * MS);
    OtlpSpan prices = spans.span(traceId, spans.newSpanId(), rootId, service("prices"), "price", start + 20 * MS, 300 * MS);

    write(List.of(prices, cart), null);

    TraceSummary before = store.reader().getSummaries(List.of(traceId)).toCompletableFuture().join().get(0);
    assertThat(before.rootSeen()).isFalse();
    assertThat(before.rootService()).isEqualTo(service("cart"));
    assertThat(before.rootOperation()).isEqualTo("load cart");
    assertThat(before.startEpochNanos()).isEqualTo(start + 10 * MS);
    assertThat(before.durationNanos()).isEqualTo(310 * MS);
    assertThat(before.sampling()).isNull();
    assertThat(read(traceId).sampling()).isNull();
    assertThat(ids(find(lastHours(4).service(service("gateway")).build()))).isEmpty();

    write(List.of(root), new Sampling("keep-errors", 1.0));

    TraceSummary after = store.reader().getSummaries(List.of(traceId)).toCompletableFuture().join().get(0);
    assertThat(after.rootSeen()).isTrue();
    assertThat(after.rootService()).isEqualTo(service("gateway"));
    assertThat(after.rootOperation()).isEqualTo("GET /home");
    assertThat(after.startEpochNanos()).isEqualTo(start);
    assertThat(after.durationNanos()).isEqualTo(400 * MS);
    assertThat(after.spanCount()).isEqualTo(3);
    assertThat(after.services()).containsExactlyInAnyOrder(service("gateway"), service("cart"), service("prices"));
    assertThat(after.sampling()).isEqualTo(new Sampling("keep-errors", 1.0));
    assertThat(read(traceId).sampling()).isEqualTo(new Sampling("keep-errors", 1.0));
    assertThat(find(lastHours(4).service(service("gateway")).build())).containsExactly(after);
  }

  @Test
  void anOperationIsSearchedUnderItsOwnService() {
    String front = service("front");
    String back = service("back");
    TraceId traceId = spans.newTraceId();
    SpanId rootId = spans.newSpanId();
    long start = nanos(hourAgo3.plusSeconds(120));
    write(List.of(
        spans.span(traceId, rootId, null, front, "GET /a", start, 10 * MS),
        spans.span(traceId, spans.newSpanId(), rootId, back, "SELECT b", start + MS, 5 * MS)), null);

    assertThat(ids(find(lastHours(4).service(back).build()))).containsExactly(traceId);
    assertThat(ids(find(lastHours(4).service(back).operation("SELECT b").build()))).containsExactly(traceId);
    assertThat(ids(find(lastHours(4).service(front).operation("SELECT b").build()))).isEmpty();
    assertThat(ids(find(lastHours(4).service(back).operation("GET /a").build()))).isEmpty();
  }

  @Test
  void searchesTagsOfSpansAndResourcesAsTextOfScalarValues() {
    String shop = service("shop");
    TraceId traceId = spans.newTraceId();
    long start = nanos(hourAgo3.plusSeconds(130));
    OtlpSpan plain = spans.span(traceId, spans.newSpanId(), null, shop, "POST /cart", start, 20 * MS,
        attr("http.route", "/cart"),
        KeyValue.newBuilder().setKey("http.response.status_code")
            .setValue(AnyValue.newBuilder().setIntValue(503)).build());
    OtlpSpan span = new OtlpSpan(
        plain.resource().toBuilder().addAttributes(attr("deployment.environment", "prod")).build(), "",
        plain.scope(), "", plain.span());
    write(List.of(span), null);

    assertThat(ids(find(lastHours(4).service(shop).tag("http.response.status_code", "503").build())))
        .as("an int attribute, searched as text").containsExactly(traceId);
    assertThat(ids(find(lastHours(4).service(shop).tag("deployment.environment", "prod").build())))
        .as("a resource attribute").containsExactly(traceId);
    assertThat(ids(find(lastHours(4).service(shop).tag("deployment.environment", "prod")
            .tag("http.route", "/cart").tag("http.response.status_code", "503").build())))
        .as("every tag holds").containsExactly(traceId);
    assertThat(ids(find(lastHours(4).service(shop).tag("http.route", "/cart")
            .tag("http.response.status_code", "500").build())))
        .as("one tag does not hold").isEmpty();
  }

  @Test
  void findsByTimeWindow() {
    String svc = service("clock");
    Instant t = hourAgo3.plusSeconds(200);
    TraceId early = spans.newTraceId();
    write(spans.trace(early, svc, "op", nanos(t), MS, 2), null);
    TraceId late = spans.newTraceId();
    write(spans.trace(late, svc, "op", nanos(t.plusSeconds(60)), MS, 2), null);

    assertThat(ids(find(TraceQuery.builder().service(svc).window(t, t.plusSeconds(30)).build())))
        .containsExactly(early);
    assertThat(ids(find(TraceQuery.builder().service(svc).window(t.plusSeconds(1), t.plusSeconds(120)).build())))
        .containsExactly(late);
    assertThat(ids(find(TraceQuery.builder().service(svc).window(t, t.plusSeconds(60)).build())))
        .as("both bounds inclusive")
        .containsExactly(late, early);
  }

  /**
   * A window from the epoch to the year 3000 costs what the stored data costs, not what the window
   * spans (a store that partitions by time must not visit every empty partition of it).
   */
  @Test
  @Timeout(60)
  void aWindowFarBeyondTheDataFindsWhatIsThere() {
    String svc = service("wide");
    TraceId traceId = spans.newTraceId();
    write(spans.trace(traceId, svc, "op", nanos(hourAgo3.plusSeconds(100)), MS, 2), null);

    for (Order order : Order.values()) {
      assertThat(ids(find(TraceQuery.builder().service(svc).order(order)
              .window(Instant.EPOCH, Instant.parse("3000-01-01T00:00:00Z")).build())))
          .as(order.name())
          .containsExactly(traceId);
    }
  }

  @Test
  void returnsExactlyLimitTracesWhenThatManyMatch() {
    String svc = service("many");
    long start = nanos(hourAgo3.plusSeconds(300));
    Set<TraceId> slow = new HashSet<>();
    // 60 traces; every other one is slow, so half the index entries fail the duration filter
    for (int i = 0; i < 60; i++) {
      TraceId traceId = spans.newTraceId();
      boolean isSlow = i % 2 == 0;
      write(spans.trace(traceId, svc, "op", start + i * MS, (isSlow ? 700 : 5) * MS, 2), null);
      if (isSlow) {
        slow.add(traceId);
      }
    }

    for (Order order : Order.values()) {
      List<TraceSummary> twenty =
          find(lastHours(4).service(svc).minDuration(Duration.ofMillis(500)).limit(20).order(order).build());
      assertThat(twenty).as(order.name()).hasSize(20);
      assertThat(ids(twenty)).as(order.name()).doesNotHaveDuplicates().allMatch(slow::contains);
    }
    assertThat(find(lastHours(4).service(svc).minDuration(Duration.ofMillis(500)).limit(100).build()))
        .hasSize(30);
    assertThat(find(lastHours(4).service(svc).limit(60).build())).hasSize(60);
    assertThat(find(lastHours(4).service(svc).limit(1).build())).hasSize(1);
  }

  @Test
  void ordersNewestFirstOrSlowestFirst() {
    String svc = service("order");
    long start = nanos(hourAgo3.plusSeconds(400));
    List<TraceSummary> expected = new ArrayList<>();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 40; i++) {
      TraceId traceId = spans.newTraceId();
      long duration = (1 + random.nextInt(2000)) * MS;
      write(spans.trace(traceId, svc, "op", start + i * 1000 * MS, duration, 2), null);
      expected.add(store.reader().getSummaries(List.of(traceId)).toCompletableFuture().join().get(0));
    }

    List<TraceSummary> newest = find(lastHours(4).service(svc).limit(10).build());
    assertThat(ids(newest))
        .containsExactlyElementsOf(ids(expected.stream()
            .sorted(Comparator.comparingLong(TraceSummary::startEpochNanos).reversed()).limit(10).toList()));
    List<TraceSummary> slowest = find(lastHours(4).service(svc).limit(10).order(Order.SLOWEST_FIRST).build());
    assertThat(slowest).extracting(TraceSummary::durationNanos)
        .containsExactlyElementsOf(expected.stream().map(TraceSummary::durationNanos)
            .sorted(Comparator.reverseOrder()).limit(10).toList());
  }

  /** A trace that starts just before an hour and ends after it: found by its start, whole. */
  @Test
  void findsTracesAcrossBucketBoundaries() {
    String svc = service("edge");
    Instant boundary = hourAgo3.plus(Duration.ofHours(1));
    // starts 100 ms before the hour and ends 1.9 s after it
    TraceId crossing = spans.newTraceId();
    write(spans.trace(crossing, svc, "op", nanos(boundary.minusMillis(100)), 2000 * MS, 4), null);
    TraceId before = spans.newTraceId();
    write(spans.trace(before, svc, "op", nanos(boundary.minusSeconds(1800)), 50 * MS, 2), null);
    TraceId after = spans.newTraceId();
    write(spans.trace(after, svc, "op", nanos(boundary.plusSeconds(1800)), 3000 * MS, 2), null);

    assertThat(ids(find(TraceQuery.builder().service(svc).window(boundary.minusSeconds(1), boundary.plusSeconds(1)).build())))
        .containsExactly(crossing);
    assertThat(ids(find(TraceQuery.builder().service(svc).window(hourAgo3, boundary).build())))
        .containsExactly(crossing, before);
    assertThat(ids(find(lastHours(4).service(svc).build())))
        .containsExactly(after, crossing, before);
    assertThat(ids(find(lastHours(4).service(svc).order(Order.SLOWEST_FIRST).build())))
        .containsExactly(after, crossing, before);
    assertThat(ids(find(lastHours(4).service(svc).minDuration(Duration.ofMillis(1500)).limit(1).build())))
        .containsExactly(after);
  }

  @Test
  void rejectsBadInputBeforeAnyIo() {
    assertThatThrownBy(() -> store.reader().findTraces(lastHours(1).tag("not.an.indexed.key", "x").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not.an.indexed.key");
    assertThatThrownBy(() -> store.reader().findTraces(lastHours(1).tag("http.route", "x".repeat(5000)).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http.route");
    assertThatThrownBy(() -> store.reader().getOperations(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service");
  }

  @Test
  void concurrentWritersLoseNoSpan() throws Exception {
    String svc = service("busy");
    long start = nanos(hourAgo3.plusSeconds(600));
    int threads = 8;
    int tracesPerThread = 60;
    int spansPerTrace = 10;
    List<TraceId> written = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        all.add(CompletableFuture.runAsync(() -> {
          TestSpans own = new TestSpans(1000 + thread);
          List<CompletableFuture<Void>> writes = new ArrayList<>();
          for (int i = 0; i < tracesPerThread; i++) {
            TraceId traceId = own.newTraceId();
            written.add(traceId);
            writes.add(store.writer()
                .write(SpanBatch.of(own.trace(traceId, svc, "op", start + i * MS, MS, spansPerTrace), null))
                .toCompletableFuture());
          }
          writes.forEach(CompletableFuture::join);
        }, pool));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
    }

    assertThat(written).hasSize(threads * tracesPerThread).doesNotHaveDuplicates();
    long stored = 0;
    for (TraceId traceId : written) {
      stored += read(traceId).spans().size();
    }
    assertThat(stored).isEqualTo((long) threads * tracesPerThread * spansPerTrace);
    assertThat(find(lastHours(4).service(svc).limit(TraceQuery.MAX_LIMIT).build()))
        .hasSize(threads * tracesPerThread);
  }

  @Test
  void readsATraceOfTenThousandSpans() {
    TraceId traceId = spans.newTraceId();
    List<OtlpSpan> trace = spans.trace(traceId, service("huge"), "batch", nanos(hourAgo3.plusSeconds(700)), 60_000 * MS, 10_000);

    write(trace, new Sampling("span-cap", 1.0));

    Trace stored = read(traceId);
    assertThat(stored.spans()).hasSize(10_000);
    assertThat(new HashSet<>(stored.spans())).isEqualTo(new HashSet<>(trace));
  }

  @Test
  void aCappedReadReturnsAtMostTheCapAndSaysMoreAreStored() {
    TraceId traceId = spans.newTraceId();
    List<OtlpSpan> trace =
        spans.trace(traceId, service("capped"), "batch", nanos(hourAgo3.plusSeconds(800)), 5_000 * MS, 1_000);
    write(trace, new Sampling("span-cap", 1.0));

    Trace capped = store.reader().getTrace(traceId, 100).toCompletableFuture().join().orElseThrow();
    assertThat(capped.spans()).hasSize(100);
    assertThat(capped.capped()).isTrue();
    assertThat(new HashSet<>(trace)).containsAll(capped.spans());
    assertThat(new HashSet<>(capped.spans())).hasSize(100);

    Trace exact = store.reader().getTrace(traceId, 1_000).toCompletableFuture().join().orElseThrow();
    assertThat(exact.capped()).isFalse();
    assertThat(new HashSet<>(exact.spans())).isEqualTo(new HashSet<>(trace));
    assertThat(read(traceId).capped()).isFalse();

    assertThat(store.reader().getTrace(spans.newTraceId(), 10).toCompletableFuture().join()).isEmpty();
    assertThatThrownBy(() -> store.reader().getTrace(traceId, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxSpans");
  }

  @Test
  void searchAnswersWhatFindTracesAnswers() {
    String svc = service("search");
    for (int i = 0; i < 3; i++) {
      TraceId traceId = spans.newTraceId();
      write(spans.trace(traceId, svc, "op", nanos(hourAgo3.plusSeconds(900 + i)), 10 * MS, 2), new Sampling("all", 1.0));
    }
    TraceQuery query = lastHours(4).service(svc).limit(2).build();
    io.tailkeep.store.FoundTraces found = store.reader().search(query).toCompletableFuture().join();
    assertThat(found.traces()).isEqualTo(find(query));
    assertThat(found.traces()).hasSize(2);
    assertThat(found.warnings()).isEmpty();
  }

  /** The span with status ERROR: an error span whatever its kind. */
  private static OtlpSpan failed(OtlpSpan span) {
    return new OtlpSpan(span.resource(), span.resourceSchemaUrl(), span.scope(), span.scopeSchemaUrl(),
        span.span().toBuilder().setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)).build());
  }

  private static KeyValue httpStatus(long status) {
    return KeyValue.newBuilder().setKey("http.response.status_code")
        .setValue(AnyValue.newBuilder().setIntValue(status)).build();
  }

  /**
   * {@code errorsOnly}: a trace with at least one error span by the one definition (status ERROR on
   * any span, or a server span answering HTTP 5xx), alone and with the other filters and orders.
   */
  @Test
  void findsTracesWithAnErrorSpan() {
    String api = service("api");
    long start = nanos(hourAgo3.plusSeconds(1000));
    // A child span with status ERROR, 800 ms
    TraceId byStatus = spans.newTraceId();
    List<OtlpSpan> statusTrace = new ArrayList<>(spans.trace(byStatus, api, "GET /orders", start, 800 * MS, 3));
    statusTrace.set(2, failed(statusTrace.get(2)));
    write(statusTrace, null);
    // A server root answering 503 with status UNSET, 300 ms
    TraceId byHttp = spans.newTraceId();
    write(spans.trace(byHttp, api, "GET /users", start + MS, 300 * MS, 2, httpStatus(503)), null);
    // Not errors: a 404 from a server, a client span that got a 500 (the server's span counts)
    TraceId notFound = spans.newTraceId();
    write(spans.trace(notFound, api, "GET /orders", start + 2 * MS, 900 * MS, 2, httpStatus(404)), null);
    TraceId clientGot500 = spans.newTraceId();
    SpanId root = spans.newSpanId();
    OtlpSpan client = spans.span(clientGot500, spans.newSpanId(), root, api, "call", start + 4 * MS, 5 * MS,
        httpStatus(500));
    client = new OtlpSpan(client.resource(), "", client.scope(), "",
        client.span().toBuilder().setKind(SpanKind.SPAN_KIND_CLIENT).build());
    write(List.of(spans.span(clientGot500, root, null, api, "GET /orders", start + 3 * MS, 950 * MS), client), null);
    // An error of another service
    TraceId elsewhere = spans.newTraceId();
    List<OtlpSpan> elsewhereTrace = new ArrayList<>(spans.trace(elsewhere, service("web"), "GET /", start, 5 * MS, 2));
    elsewhereTrace.set(0, failed(elsewhereTrace.get(0)));
    write(elsewhereTrace, null);

    assertThat(store.reader().getSummaries(List.of(byStatus, byHttp, notFound, clientGot500))
            .toCompletableFuture().join())
        .extracting(TraceSummary::errorCount)
        .containsExactly(1, 1, 0, 0);
    assertThat(ids(find(lastHours(4).service(api).build())))
        .as("errors or not, the default")
        .containsExactlyInAnyOrder(byStatus, byHttp, notFound, clientGot500);
    assertThat(ids(find(lastHours(4).service(api).errorsOnly(true).build())))
        .as("newest first")
        .containsExactly(byHttp, byStatus);
    assertThat(ids(find(lastHours(4).service(api).errorsOnly(true).order(Order.SLOWEST_FIRST).build())))
        .as("slowest first")
        .containsExactly(byStatus, byHttp);
    assertThat(ids(find(lastHours(4).service(api).errorsOnly(true).minDuration(Duration.ofMillis(500)).build())))
        .as("with a minimum duration")
        .containsExactly(byStatus);
    assertThat(ids(find(lastHours(4).service(api).errorsOnly(true).maxDuration(Duration.ofMillis(500))
            .order(Order.SLOWEST_FIRST).build())))
        .as("with a maximum duration, slowest first")
        .containsExactly(byHttp);
    assertThat(ids(find(lastHours(4).service(api).operation("GET /orders").errorsOnly(true).build())))
        .as("with an operation")
        .containsExactly(byStatus);
    assertThat(ids(find(lastHours(4).service(api).tag("http.response.status_code", "503").errorsOnly(true).build())))
        .as("with a tag")
        .containsExactly(byHttp);
    assertThat(ids(find(lastHours(4).service(api).errorsOnly(true).limit(1).build())))
        .as("limit 1")
        .containsExactly(byHttp);
    assertThat(ids(find(lastHours(4).service(service("web")).errorsOnly(true).build())))
        .containsExactly(elsewhere);
    assertThat(ids(find(lastHours(4).errorsOnly(true).limit(TraceQuery.MAX_LIMIT).build())))
        .as("without a service")
        .contains(byStatus, byHttp, elsewhere)
        .doesNotContain(notFound, clientGot500);
  }

  /**
   * With {@code errorsOnly}, the traces that come first in either order and have no error must not
   * use up the limit: 130 of them are newer and slower than the 25 failed ones.
   */
  @Test
  void errorsOnlyReturnsExactlyLimitTracesBehindManyWithoutErrors() {
    String svc = service("mostly-fine");
    long start = nanos(hourAgo3.plusSeconds(1100));
    Set<TraceId> failedTraces = new HashSet<>();
    for (int i = 0; i < 25; i++) {
      TraceId traceId = spans.newTraceId();
      List<OtlpSpan> trace = new ArrayList<>(spans.trace(traceId, svc, "op", start + i * MS, (10 + i) * MS, 2));
      trace.set(1, failed(trace.get(1)));
      write(trace, null);
      failedTraces.add(traceId);
    }
    for (int i = 0; i < 130; i++) {
      TraceId traceId = spans.newTraceId();
      write(spans.trace(traceId, svc, "op", start + (1000 + i) * MS, (500 + i) * MS, 2), null);
    }

    for (Order order : Order.values()) {
      List<TraceSummary> twenty = find(lastHours(4).service(svc).errorsOnly(true).limit(20).order(order).build());
      assertThat(twenty).as(order.name()).hasSize(20);
      assertThat(ids(twenty)).as(order.name()).doesNotHaveDuplicates().allMatch(failedTraces::contains);
      assertThat(twenty).as(order.name()).allMatch(summary -> summary.errorCount() > 0);
      assertThat(ids(find(lastHours(4).service(svc).errorsOnly(true).limit(100).order(order).build())))
          .as(order.name())
          .containsExactlyInAnyOrderElementsOf(failedTraces);
    }
    List<TraceSummary> slowestFailed =
        find(lastHours(4).service(svc).errorsOnly(true).limit(3).order(Order.SLOWEST_FIRST).build());
    assertThat(slowestFailed).extracting(TraceSummary::durationNanos)
        .containsExactly(34 * MS, 33 * MS, 32 * MS);
    assertThat(find(lastHours(4).service(svc).limit(155).build())).hasSize(155);
  }

  @Test
  void checkReachableCompletesOnAnOpenStore() {
    assertThat(store.reader().checkReachable().toCompletableFuture().join()).isNull();
  }
}
