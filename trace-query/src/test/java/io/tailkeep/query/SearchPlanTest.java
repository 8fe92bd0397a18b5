package io.tailkeep.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceQuery.Order;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.store.memory.InMemorySpanStore;
import io.tailkeep.store.testing.TestSpans;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Keyset pagination against the in-memory store, which keeps the SPI's contract, without Cassandra. */
class SearchPlanTest {
  static final Instant END = Instant.parse("2025-03-01T12:00:00Z");
  static final Instant START = END.minus(Duration.ofHours(1));
  static final long T0 = TimeFormat.epochNanos(START);

  private final InMemorySpanStore store = InMemorySpanStore.builder().build();
  private final TestSpans spans = new TestSpans(7);
  private final Random random = new Random(7);
  private final List<TraceSummary> written = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  /** How many searches the store was asked. */
  private int searches;

  @AfterEach
  void closeStore() {
    store.close();
  }

  private TraceSummary trace(long startOffsetNanos, long durationNanos) {
    return trace(spans.newTraceId(), startOffsetNanos, durationNanos);
  }

  /** Writes a one-span trace; returns the summary the store must give it. */
  private TraceSummary trace(TraceId id, long startOffsetNanos, long durationNanos) {
    long start = T0 + startOffsetNanos;
    OtlpSpan span = spans.span(id, spans.newSpanId(), null, "svc", "op", start, durationNanos);
    store.writer().write(SpanBatch.of(List.of(span), null)).toCompletableFuture().join();
    TraceSummary summary = new TraceSummary(id, "svc", "op", true, start, durationNanos, 1, 0, Set.of("svc"), null);
    written.add(summary);
    return summary;
  }

  private static SearchFilters filters(Order order) {
    return new SearchFilters(null, null, Map.of(), null, null, START, END, order, false);
  }

  /** Runs one page as QueryApi does. */
  private SearchPlan.Page page(SearchPlan plan) {
    int fetch = plan.firstFetch();
    while (true) {
      List<TraceSummary> fetched = plan.emptyRange() ? List.of() : search(plan.query(fetch));
      SearchPlan.Step step = plan.next(fetched, fetch);
      if (step instanceof SearchPlan.Page page) {
        return page;
      } else if (step instanceof SearchPlan.FetchMore more) {
        assertThat(more.fetch()).isGreaterThan(fetch);
        fetch = more.fetch();
      } else {
        SearchPlan.Restart restart = (SearchPlan.Restart) step;
        warnings.add(restart.warning());
        plan = restart.plan();
        fetch = plan.firstFetch();
      }
    }
  }

  private List<TraceSummary> search(TraceQuery query) {
    searches++;
    return store.reader().findTraces(query).toCompletableFuture().join();
  }

  private List<List<TraceSummary>> allPages(SearchFilters filters, int limit) {
    List<List<TraceSummary>> pages = new ArrayList<>();
    SearchPlan.Page page = page(new SearchPlan(new SearchParams(filters, limit, null)));
    pages.add(page.traces());
    while (page.next() != null) {
      PageToken token = PageToken.decode(page.next().encode()); // through the wire form
      assertThat(token.filters()).isEqualTo(filters);
      page = page(new SearchPlan(new SearchParams(token.filters(), limit, token.after())));
      pages.add(page.traces());
      assertThat(pages).hasSizeLessThan(100_000);
    }
    return pages;
  }

  private List<TraceSummary> expected(Order order) {
    Comparator<TraceSummary> key =
        order == Order.SLOWEST_FIRST
            ? Comparator.comparingLong(TraceSummary::durationNanos).reversed()
            : Comparator.comparingLong(TraceSummary::startEpochNanos).reversed();
    return written.stream().sorted(key.thenComparing(TraceSummary::traceId)).toList();
  }

  @ParameterizedTest
  @EnumSource(Order.class)
  void pagesCoverEveryTraceOnceInOrderEvenWhenAllKeysAreEqual(Order order) {
    for (int i = 0; i < 25; i++) {
      trace(1_000, 5_000);
    }
    List<List<TraceSummary>> pages = allPages(filters(order), 4);
    assertThat(pages).extracting(List::size).containsExactly(4, 4, 4, 4, 4, 4, 1);
    assertThat(pages.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(expected(order));
  }

  @ParameterizedTest
  @EnumSource(Order.class)
  void pagesCoverEveryTraceOnceWithManyTiesOfDifferentKeys(Order order) {
    for (int i = 0; i < 200; i++) {
      trace(random.nextInt(6) * 1_000_000L, random.nextInt(5) * 1_000L);
    }
    for (int limit : new int[] {1, 3, 7, 50, 199, 200, 201}) {
      List<List<TraceSummary>> pages = allPages(filters(order), limit);
      assertThat(pages.stream().flatMap(List::stream).toList()).as("limit %d", limit).containsExactlyElementsOf(expected(order));
      assertThat(pages.subList(0, pages.size() - 1)).allSatisfy(p -> assertThat(p).hasSize(limit));
    }
  }

  @Test
  void theLastFullPageHasNoNextToken() {
    for (int i = 0; i < 20; i++) {
      trace(i * 1_000L, 1_000);
    }
    List<List<TraceSummary>> pages = allPages(filters(Order.NEWEST_FIRST), 10);
    assertThat(pages).extracting(List::size).containsExactly(10, 10);
  }

  @Test
  void narrowsTheWindowNewestFirstAndMaxDurationSlowestFirst() {
    TraceSummary a = trace(5_000, 900);
    trace(4_000, 800);
    SearchPlan.Page first = page(new SearchPlan(new SearchParams(filters(Order.NEWEST_FIRST), 1, null)));
    assertThat(first.traces()).containsExactly(a);
    TraceQuery second = new SearchPlan(new SearchParams(first.next().filters(), 1, first.next().after())).query(2);
    assertThat(second.endEpochNanos()).isEqualTo(a.startEpochNanos());
    assertThat(second.startEpochNanos()).isEqualTo(T0);

    SearchPlan.Page slow = page(new SearchPlan(new SearchParams(filters(Order.SLOWEST_FIRST), 1, null)));
    TraceQuery next = new SearchPlan(new SearchParams(slow.next().filters(), 1, slow.next().after())).query(2);
    assertThat(next.maxDurationNanos()).isEqualTo(900);
    assertThat(next.endEpochNanos()).isEqualTo(TimeFormat.epochNanos(END));
  }

  @Test
  void aTieWrittenBetweenPagesIsFetchedAroundNotRepeated() {
    for (int i = 0; i < 6; i++) {
      trace(1_000, 1_000);
    }
    SearchPlan.Page first = page(new SearchPlan(new SearchParams(filters(Order.NEWEST_FIRST), 3, null)));
    TraceId last = first.traces().get(2).traceId();
    // A trace with the same start arrives that sorts before the cursor, among the ties served.
    TraceId beforeId = spans.newTraceId();
    while (beforeId.compareTo(last) >= 0) {
      beforeId = spans.newTraceId();
    }
    TraceSummary before = trace(beforeId, 1_000, 1_000);
    int searchesBefore = searches;
    SearchPlan.Page second =
        page(new SearchPlan(new SearchParams(first.next().filters(), 3, first.next().after())));
    assertThat(second.traces()).hasSize(3).doesNotContainAnyElementsOf(first.traces()).doesNotContain(before);
    assertThat(searches - searchesBefore).isEqualTo(2); // the first fetch came one short
  }

  @Test
  void movesPastMoreTiesThanTheStoreCanReturnWithAWarning() {
    for (int i = 0; i < TraceQuery.MAX_LIMIT + 10; i++) {
      trace(2_000, 1);
    }
    TraceSummary older = trace(1_000, 1);
    List<List<TraceSummary>> pages = allPages(filters(Order.NEWEST_FIRST), 2_500);
    List<TraceSummary> all = pages.stream().flatMap(List::stream).toList();
    assertThat(all).doesNotHaveDuplicates().hasSize(TraceQuery.MAX_LIMIT + 1).endsWith(older);
    assertThat(warnings).containsExactly(
        "at least 10000 traces start at exactly " + TimeFormat.format(T0 + 2_000)
            + ", more than paging can pass; the rest of them are skipped");
  }

  @Test
  void anEmptyStoreGivesOneEmptyPage() {
    assertThat(allPages(filters(Order.SLOWEST_FIRST), 20)).containsExactly(List.of());
  }
}
