package io.tailkeep.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.store.testing.TestSpans;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TraceTreeTest {
  static final long T0 = 1_740_830_400_000_000_000L;
  static final int CAP = QueryApiOptions.DEFAULT_MAX_TRACE_SPANS;
  static final int DEPTH = QueryApiOptions.DEFAULT_MAX_TREE_DEPTH;

  private final TestSpans spans = new TestSpans(11);
  private final TraceId traceId = spans.newTraceId();

  private static SpanId id(long value) {
    return new SpanId(value);
  }

  private OtlpSpan span(long id, Long parent, String name, long start, long duration) {
    return spans.span(traceId, id(id), parent == null ? null : id(parent), "svc-" + name.charAt(0), name, T0 + start, duration);
  }

  private TraceTree tree(List<OtlpSpan> list) {
    return TraceTree.assemble(new Trace(traceId, list), null, CAP, DEPTH);
  }

  private static List<String> names(List<TraceTree.Node> nodes) {
    return nodes.stream().map(n -> n.span().name()).toList();
  }

  private static TraceTree.Node child(TraceTree.Node node, String name) {
    return node.children().stream().filter(c -> c.span().name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aTraceTheStoreReadOnlyToItsCapSaysSoAndTheHeaderDescribesTheWholeTrace() {
    List<OtlpSpan> read = List.of(span(2, 1L, "child", 100, 200), span(3, 1L, "other", 300, 100));
    Trace capped = new Trace(traceId, read, true, null);
    TraceSummary whole =
        new TraceSummary(traceId, "svc-r", "root", true, T0, 5_000, 40, 3, Set.of("svc-r", "svc-c"), new Sampling("all", 1.0));

    TraceTree withSummary = TraceTree.assemble(capped, whole, CAP, DEPTH);
    assertThat(withSummary.shownSpanCount()).isEqualTo(2);
    assertThat(withSummary.spanCount()).isEqualTo(40);
    assertThat(withSummary.errorCount()).isEqualTo(3);
    assertThat(withSummary.startEpochNanos()).isEqualTo(T0);
    assertThat(withSummary.durationNanos()).isEqualTo(5_000);
    assertThat(withSummary.warnings())
        .contains(
            "the trace has 40 spans, more than the span cap of 2: only 2 were read (the first as stored, not by"
                + " place in the tree, so some show without their parent), 38 are left out");

    TraceTree withoutSummary = TraceTree.assemble(capped, null, CAP, DEPTH);
    assertThat(withoutSummary.spanCount()).isEqualTo(2);
    assertThat(withoutSummary.warnings())
        .contains(
            "the trace has more than 2 spans, the span cap: only 2 were read (the first as stored, not by place"
                + " in the tree, so some show without their parent)");
    assertThat(tree(read).warnings()).noneMatch(w -> w.contains("span cap"));
  }

  @Test
  void buildsOneRootWithChildrenByStartTimeAndAHeader() {
    List<OtlpSpan> list =
        new ArrayList<>(List.of(
            span(1, null, "root", 0, 1_000),
            span(3, 1L, "late", 500, 100),
            span(2, 1L, "early", 100, 200),
            span(4, 2L, "grandchild", 150, 50)));
    Collections.reverse(list);
    TraceSummary summary =
        new TraceSummary(traceId, "svc-r", "root", true, T0, 1_000, 4, 0, Set.of("svc-r"), new Sampling("slow", 0.25));

    TraceTree tree = TraceTree.assemble(new Trace(traceId, list), summary, CAP, DEPTH);

    assertThat(tree.warnings()).isEmpty();
    assertThat(names(tree.roots())).containsExactly("root");
    TraceTree.Node root = tree.roots().get(0);
    assertThat(names(root.children())).containsExactly("early", "late");
    assertThat(names(child(root, "early").children())).containsExactly("grandchild");
    assertThat(root.parentSpanId()).isEmpty();
    assertThat(child(root, "late").parentSpanId()).contains(id(1));
    assertThat(tree.startEpochNanos()).isEqualTo(T0);
    assertThat(tree.durationNanos()).isEqualTo(1_000);
    assertThat(tree.spanCount()).isEqualTo(4);
    assertThat(tree.shownSpanCount()).isEqualTo(4);
    assertThat(tree.services()).containsExactly("svc-e", "svc-g", "svc-l", "svc-r");
    assertThat(tree.rootService()).isEqualTo("svc-r");
    assertThat(tree.rootOperation()).isEqualTo("root");
    assertThat(tree.rootSeen()).isTrue();
    assertThat(tree.sampling()).contains(new Sampling("slow", 0.25));
    assertThat(tree.errorCount()).isZero();
  }

  @Test
  void showsSeveralRootsAtTheTopByStartTime() {
    TraceTree tree =
        tree(List.of(span(1, null, "second", 50, 10), span(2, null, "first", 0, 10), span(3, 1L, "child", 55, 1)));
    assertThat(names(tree.roots())).containsExactly("first", "second");
    assertThat(names(tree.roots().get(1).children())).containsExactly("child");
    assertThat(tree.warnings()).containsExactly("the trace has 2 root spans");
    assertThat(tree.rootOperation()).isEqualTo("first");
  }

  @Test
  void attachesSpansWhoseParentNeverArrivedAtTheTopWithAWarning() {
    TraceTree tree =
        tree(List.of(span(1, null, "root", 0, 100), span(2, 99L, "orphan", 10, 10), span(3, 2L, "under-orphan", 12, 1)));
    assertThat(names(tree.roots())).containsExactly("root", "orphan");
    TraceTree.Node orphan = tree.roots().get(1);
    assertThat(orphan.warnings()).containsExactly(
        "parent span 0000000000000063 is not in the trace; shown at the top level");
    assertThat(orphan.parentSpanId()).contains(id(99));
    assertThat(names(orphan.children())).containsExactly("under-orphan");
    assertThat(tree.warnings()).containsExactly("1 span names a parent not in the trace; shown at the top level");
  }

  @Test
  void aTraceWithoutItsRootTakesTheRootNameFromTheSummary() {
    TraceSummary summary = new TraceSummary(traceId, "gateway", "GET /", false, T0, 10, 1, 0, Set.of("x"), null);
    TraceTree tree = TraceTree.assemble(new Trace(traceId, List.of(span(2, 1L, "x", 0, 10))), summary, CAP, DEPTH);
    assertThat(tree.rootSeen()).isFalse();
    assertThat(tree.rootService()).isEqualTo("gateway");
    assertThat(tree.sampling()).isEmpty();
    assertThat(tree.warnings()).contains("the trace has no root span; it may not have arrived");
  }

  @Test
  void theDecisionStoredWithTheSpansComesFirstTheSummarysOtherwise() {
    List<OtlpSpan> list = List.of(span(1, null, "root", 0, 10));
    TraceSummary summary =
        new TraceSummary(traceId, "svc-r", "root", true, T0, 10, 1, 0, Set.of("svc-r"), new Sampling("old", 0.5));
    Trace withDecision = new Trace(traceId, list, false, new Sampling("slow", 1.0));

    assertThat(TraceTree.assemble(withDecision, summary, CAP, DEPTH).sampling()).contains(new Sampling("slow", 1.0));
    assertThat(TraceTree.assemble(withDecision, null, CAP, DEPTH).sampling()).contains(new Sampling("slow", 1.0));
    assertThat(TraceTree.assemble(new Trace(traceId, list), summary, CAP, DEPTH).sampling())
        .contains(new Sampling("old", 0.5));
    assertThat(TraceTree.assemble(new Trace(traceId, list), null, CAP, DEPTH).sampling()).isEmpty();
  }

  @Test
  void breaksParentCyclesAtTheirEarliestSpan() {
    TraceTree tree =
        tree(List.of(
            span(1, null, "root", 0, 100),
            span(10, 11L, "a-cycle", 20, 10), // a -> b -> c -> a
            span(11, 12L, "b-cycle", 21, 10),
            span(12, 10L, "c-cycle", 22, 10),
            span(13, 11L, "d-under-b", 23, 1),
            span(20, 20L, "self-parent", 30, 5)));
    assertThat(names(tree.roots())).containsExactly("root", "a-cycle", "self-parent");
    TraceTree.Node a = tree.roots().get(1);
    assertThat(a.warnings()).singleElement().asString()
        .startsWith("parent span 000000000000000b is its descendant (parent links 000000000000000a -> ")
        .endsWith("); shown at the top level");
    assertThat(names(a.children())).containsExactly("c-cycle");
    assertThat(names(a.children().get(0).children())).containsExactly("b-cycle");
    assertThat(names(a.children().get(0).children().get(0).children())).containsExactly("d-under-b");
    assertThat(tree.roots().get(2).warnings()).containsExactly("the span names itself as its parent; shown at the top level");
    assertThat(tree.warnings()).contains(
        "1 parent cycle was broken; the earliest span of each is shown at the top level",
        "1 span names itself as parent; shown at the top level");
    assertThat(tree.shownSpanCount()).isEqualTo(6);
  }

  @Test
  void aTraceThatIsOnlyACycleStillShows() {
    TraceTree tree = tree(List.of(span(1, 2L, "x", 0, 10), span(2, 1L, "y", 5, 1)));
    assertThat(names(tree.roots())).containsExactly("x");
    assertThat(names(tree.roots().get(0).children())).containsExactly("y");
  }

  @Test
  void keepsEverySpanThatSharesAnIdAndAttachesChildrenToTheEarliest() {
    OtlpSpan root = span(1, null, "root", 0, 100);
    OtlpSpan dupLate = span(5, 1L, "dup-late", 40, 10);
    OtlpSpan dupEarly = span(5, 1L, "dup-early", 10, 10);
    OtlpSpan child = span(6, 5L, "child", 12, 2);
    TraceTree tree = tree(List.of(root, dupLate, child, dupEarly, root, child));

    TraceTree.Node r = tree.roots().get(0);
    assertThat(names(r.children())).containsExactly("dup-early", "dup-late");
    assertThat(names(child(r, "dup-early").children())).containsExactly("child");
    assertThat(child(r, "dup-late").children()).isEmpty();
    assertThat(child(r, "dup-late").warnings()).containsExactly(
        "span ID 0000000000000005 is used by 2 different spans; children attach to the earliest");
    assertThat(tree.spanCount()).isEqualTo(4);
    assertThat(tree.warnings()).containsExactly(
        "2 identical copies of spans left out",
        "1 span ID is used by more than one span; children attach to the earliest");
  }

  @Test
  void identicalCopiesAreFoundByContentAsTheStoreDecodesEachCopyApart() {
    TraceTree tree =
        tree(List.of(
            span(1, null, "root", 0, 100),
            span(2, 1L, "a", 10, 10),
            span(2, 1L, "a", 10, 10),
            span(1, null, "root", 0, 100)));
    assertThat(tree.spanCount()).isEqualTo(2);
    assertThat(names(tree.roots().get(0).children())).containsExactly("a");
    assertThat(tree.warnings()).containsExactly("2 identical copies of spans left out");
  }

  @Test
  void selfTimeIsDurationMinusTheUnionOfChildrenClippedToTheSpan() {
    TraceTree tree =
        tree(List.of(
            span(1, null, "parent", 0, 100),
            span(2, 1L, "a-overlap", 10, 20), // [10,30]
            span(3, 1L, "b-overlap", 20, 30), // [20,50]: union with a is [10,50] = 40
            span(4, 1L, "c-inside", 25, 5), // inside the union: adds nothing
            span(5, 1L, "d-past-end", 90, 30), // clipped to [90,100] = 10
            span(6, 1L, "e-before", -10, 15), // clipped to [0,5] = 5
            span(7, 1L, "f-outside", 150, 10), // outside: 0
            span(8, 2L, "grandchild", 10, 20))); // counts for a, not for parent
    TraceTree.Node parent = tree.roots().get(0);
    assertThat(parent.selfTimeNanos()).isEqualTo(100 - 40 - 10 - 5);
    assertThat(child(parent, "a-overlap").selfTimeNanos()).isZero();
    assertThat(child(parent, "b-overlap").selfTimeNanos()).isEqualTo(30);
    assertThat(names(parent.children()))
        .containsExactly("e-before", "a-overlap", "b-overlap", "c-inside", "d-past-end", "f-outside");
  }

  @Test
  void selfTimeOfASpanWithoutChildrenIsItsDurationAndNeverNegative() {
    TraceTree tree = tree(List.of(span(1, null, "zero", 0, 0), span(2, 1L, "long-child", 0, 50), span(3, null, "leaf", 5, 7)));
    assertThat(tree.roots()).extracting(TraceTree.Node::selfTimeNanos).containsExactly(0L, 7L);
  }

  @Test
  void showsTenThousandSpansWhole() {
    List<OtlpSpan> list = spans.trace(traceId, "big", "GET /big", T0, 1_000_000_000L, 10_000);
    TraceTree tree = tree(list);
    assertThat(tree.warnings()).isEmpty();
    assertThat(tree.shownSpanCount()).isEqualTo(10_000);
    assertThat(tree.roots().get(0).children()).hasSize(9_999);
    List<Long> starts = tree.roots().get(0).children().stream().map(n -> n.span().startEpochNanos()).toList();
    assertThat(starts).isSorted();
  }

  @Test
  void cutsATraceAboveTheSpanCapBreadthFirstWithAWarning() {
    // root -> 3 children -> 10 grandchildren each
    List<OtlpSpan> list = new ArrayList<>();
    list.add(span(1, null, "root", 0, 1_000));
    for (int c = 0; c < 3; c++) {
      list.add(span(100 + c, 1L, "child", c * 10, 5));
      for (int g = 0; g < 10; g++) {
        list.add(span(1_000 + c * 100 + g, 100L + c, "grandchild", c * 10 + g, 1));
      }
    }
    TraceTree tree = TraceTree.assemble(new Trace(traceId, list), null, 10, DEPTH);
    assertThat(tree.spanCount()).isEqualTo(34);
    assertThat(tree.shownSpanCount()).isEqualTo(10);
    TraceTree.Node root = tree.roots().get(0);
    assertThat(root.children()).hasSize(3);
    assertThat(root.hiddenChildCount()).isZero();
    assertThat(root.children().get(0).children()).hasSize(6);
    assertThat(root.children().get(0).hiddenChildCount()).isEqualTo(4);
    assertThat(root.children().get(1).hiddenChildCount()).isEqualTo(10);
    assertThat(tree.warnings()).containsExactly(
        "the trace has 34 spans, more than the limit of 10; only 10 are shown, breadth-first from the top");
  }

  @Test
  void showsSpansNestedDeeperThanTheLimitAtTheTop() {
    List<OtlpSpan> chain = new ArrayList<>();
    chain.add(span(1, null, "level0", 0, 100));
    for (int i = 1; i < 10; i++) {
      chain.add(span(i + 1, (long) i, "level" + i, i, 100 - i));
    }
    TraceTree tree = TraceTree.assemble(new Trace(traceId, chain), null, CAP, 4);
    assertThat(names(tree.roots())).containsExactly("level0", "level4", "level8");
    assertThat(tree.roots().get(1).warnings())
        .containsExactly("nested deeper than 4 levels; shown at the top level under no parent");
    assertThat(tree.roots().get(1).parentSpanId()).contains(id(4));
    assertThat(tree.shownSpanCount()).isEqualTo(10);
    assertThat(tree.warnings()).containsExactly("2 spans nest deeper than 4 levels; shown at the top level");
    Function<TraceTree.Node, Integer> depth = new Function<>() {
      @Override
      public Integer apply(TraceTree.Node n) {
        return 1 + n.children().stream().map(this).max(Integer::compare).orElse(0);
      }
    };
    assertThat(tree.roots()).allSatisfy(r -> assertThat(depth.apply(r)).isLessThanOrEqualTo(4));
  }

  @Test
  void countsErrorsOverAllSpans() {
    OtlpSpan ok = span(1, null, "root", 0, 10);
    OtlpSpan failed = spans.everyField(traceId, id(2), id(1), T0 + 1);
    TraceTree tree = tree(List.of(ok, failed));
    assertThat(tree.errorCount()).isEqualTo(1);
    assertThat(tree.services()).containsExactly("everything-service", "svc-r");
  }

  @Test
  void errorsAreCountedAndFlaggedThroughTheSpansOwnDefinition() {
    OtlpSpan root = span(1, null, "root", 0, 100);
    OtlpSpan failed = withStatus(span(2, 1L, "failed", 10, 10), Status.StatusCode.STATUS_CODE_ERROR);
    OtlpSpan ok = withStatus(span(3, 1L, "ok", 20, 10), Status.StatusCode.STATUS_CODE_OK);
    // An HTTP server span answering 500 with no status set: whether it is an error is OtlpSpan's
    // call; the tree must agree with it, in the count and on the node.
    OtlpSpan http500 =
        new OtlpSpan(root.resource(), "", root.scope(), "",
            span(4, 1L, "http", 30, 10).span().toBuilder()
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .addAttributes(KeyValue.newBuilder().setKey("http.response.status_code")
                    .setValue(AnyValue.newBuilder().setIntValue(503)))
                .build());
    List<OtlpSpan> list = List.of(root, failed, ok, http500);
    TraceTree tree = tree(list);

    assertThat(tree.errorCount()).isEqualTo((int) list.stream().filter(OtlpSpan::isError).count());
    assertThat(child(tree.roots().get(0), "failed").isError()).isTrue();
    assertThat(child(tree.roots().get(0), "ok").isError()).isFalse();
    assertThat(child(tree.roots().get(0), "http").isError()).isEqualTo(http500.isError());
    assertThat(tree.roots().get(0).isError()).isFalse();
  }

  @Test
  void equalResourcesAndScopesAreOneTableEntryEach() {
    InstrumentationScope otherScope = InstrumentationScope.newBuilder().setName("other").build();
    // Equal messages built separately (as the store decodes each span's own copy) share an entry;
    // the same resource under another schema URL does not.
    List<OtlpSpan> list =
        List.of(
            span(1, null, "root", 0, 100),
            span(2, 1L, "a-first", 10, 10),
            span(3, 1L, "a-second", 20, 10),
            OtlpSpan.of(TestSpans.resource("svc-a"), otherScope, span(4, 1L, "a-other-scope", 30, 10).span()),
            new OtlpSpan(TestSpans.resource("svc-a"), "https://opentelemetry.io/schemas/1.26.0", TestSpans.scope(), "",
                span(5, 1L, "a-schema", 40, 10).span()));
    TraceTree tree = tree(list);

    assertThat(tree.resources())
        .extracting(r -> r.serviceName() + "|" + r.schemaUrl())
        .containsExactly("svc-r|", "svc-a|", "svc-a|https://opentelemetry.io/schemas/1.26.0");
    assertThat(tree.resources().get(1).resource()).isEqualTo(TestSpans.resource("svc-a"));
    assertThat(tree.scopes()).extracting(TraceTree.ScopeEntry::scope).containsExactly(TestSpans.scope(), otherScope);
    TraceTree.Node root = tree.roots().get(0);
    assertThat(root.resourceIndex()).isZero();
    assertThat(root.children()).extracting(TraceTree.Node::resourceIndex).containsExactly(1, 1, 1, 2);
    assertThat(root.children()).extracting(TraceTree.Node::scopeIndex).containsExactly(0, 0, 1, 0);
  }

  @Test
  void theTablesHoldOnlyWhatTheShownSpansUse() {
    List<OtlpSpan> list = new ArrayList<>();
    list.add(span(1, null, "root", 0, 100));
    list.add(span(2, 1L, "child", 10, 10));
    list.add(span(3, 2L, "grandchild", 20, 10)); // cut by a cap of 2
    TraceTree tree = TraceTree.assemble(new Trace(traceId, list), null, 2, DEPTH);
    assertThat(tree.resources()).extracting(TraceTree.ResourceEntry::serviceName).containsExactly("svc-r", "svc-c");
  }

  private static OtlpSpan withStatus(OtlpSpan span, Status.StatusCode code) {
    return new OtlpSpan(span.resource(), "", span.scope(), "",
        span.span().toBuilder().setStatus(Status.newBuilder().setCode(code)).build());
  }
}
