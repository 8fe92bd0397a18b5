package io.tailkeep.sampler.traffic;

import static io.tailkeep.sampler.traffic.TrafficSpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.AttributeKeys;
import io.tailkeep.store.wire.SpanFieldReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ServiceGraphTest {

  /** The edges of a snapshot by "client->server". */
  private static Map<String, ServiceEdge> byPair(ServiceGraph graph) {
    return graph.snapshot().stream()
        .collect(Collectors.toMap(e -> e.client() + "->" + e.server(), Function.identity()));
  }

  /**
   * A shop's trace: frontend calls checkout, which calls payments, reads PostgreSQL (a client span
   * with no child), publishes to a queue that fulfilment consumes, and calls itself over HTTP.
   */
  static List<WireSpan> shopTrace() {
    return List.of(
        span("frontend", 1, 0).name("GET /checkout").server().millis(900).build(),
        span("frontend", 2, 1).name("POST /api/checkout").client().millis(800).build(),
        span("checkout", 3, 2).name("POST /api/checkout").server().millis(700).build(),
        span("checkout", 4, 3).name("POST /charge").client().millis(300).build(),
        span("payments", 5, 4).name("POST /charge").server().millis(250).build(),
        span("checkout", 6, 3).name("SELECT orders").client().millis(3)
            .attribute("db.system", "postgresql").attribute("db.query.text", "SELECT 1").build(),
        span("checkout", 7, 3).name("orders publish").kind(SpanKind.SPAN_KIND_PRODUCER).millis(1).build(),
        span("fulfilment", 8, 7).name("orders process").kind(SpanKind.SPAN_KIND_CONSUMER).millis(40).build(),
        span("checkout", 9, 3).name("GET /internal/price").client().millis(20).build(),
        span("checkout", 10, 9).name("GET /internal/price").server().millis(15).build(),
        span("checkout", 11, 3).name("compute totals").millis(5).build());
  }

  @Test
  void edgesOfAKnownTopologyAreExact() {
    ServiceGraph graph = new ServiceGraph();
    graph.record(shopTrace());

    Map<String, ServiceEdge> edges = byPair(graph);
    assertThat(edges.keySet())
        .containsExactlyInAnyOrder(
            "frontend->checkout", "checkout->payments", "checkout->postgresql", "checkout->fulfilment");
    for (ServiceEdge edge : edges.values()) {
      assertThat(edge.requests()).isEqualTo(1);
      assertThat(edge.failures()).isZero();
      assertThat(edge.serverLatency().total()).isEqualTo(1);
    }
    ServiceEdge frontend = edges.get("frontend->checkout");
    assertThat(frontend.clientLatency().counts()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0);
    assertThat(frontend.clientLatency().sumMicros()).isEqualTo(800_000);
    assertThat(frontend.serverLatency().counts()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0);
    assertThat(frontend.serverLatency().sumMicros()).isEqualTo(700_000);
    ServiceEdge payments = edges.get("checkout->payments");
    assertThat(payments.clientLatency().counts()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0);
    assertThat(payments.serverLatency().counts()).containsExactly(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0);
    // The database sends no spans: its side is the client span's duration.
    ServiceEdge database = edges.get("checkout->postgresql");
    assertThat(database.clientLatency().counts()).containsExactly(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(database.serverLatency()).isEqualTo(database.clientLatency());
    ServiceEdge queue = edges.get("checkout->fulfilment");
    assertThat(queue.clientLatency().sumMicros()).isEqualTo(1_000);
    assertThat(queue.serverLatency().sumMicros()).isEqualTo(40_000);
  }

  @Test
  void notesTakenAsSpansArriveMakeTheSameGraph() {
    SpanFieldReader reader = new SpanFieldReader(AttributeKeys.NONE, ServiceGraph.PEER_KEYS);
    List<List<WireSpan>> traces =
        List.of(
            shopTrace(),
            List.of(
                span("frontend", 1, 0).client().build(),
                span("checkout", 2, 1).server().attribute("http.response.status_code", 503).build()),
            List.of(span("checkout", 1, 0).client().error().attribute("db.system", "postgresql").build()));
    ServiceGraph fromSpans = new ServiceGraph();
    ServiceGraph fromNotes = new ServiceGraph();
    for (List<WireSpan> trace : traces) {
      fromSpans.record(trace);
      TraceHops hops = new TraceHops();
      for (WireSpan span : trace) {
        hops.add(span, reader.read(span)); // as the buffer reads each span on arrival
      }
      fromNotes.record(hops);
    }

    assertThat(byPair(fromNotes)).isEqualTo(byPair(fromSpans));
    assertThat(byPair(fromNotes).get("frontend->checkout").failures()).isEqualTo(1);
    assertThat(byPair(fromNotes).get("checkout->postgresql").requests()).isEqualTo(2);
  }

  @Test
  void aClientSpanReadWithoutThePeerKeysIsRefused() {
    WireSpan database = span("checkout", 1, 0).client().attribute("db.system", "postgresql").build();
    TraceHops hops = new TraceHops();

    assertThatThrownBy(() -> hops.add(database, new SpanFieldReader(AttributeKeys.NONE).read(database)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("peer keys");
    assertThat(hops.size()).isZero();
  }

  @Test
  void onlyCallsAndAnswersAreNoted() {
    TraceHops hops = new TraceHops();
    SpanFieldReader reader = new SpanFieldReader(AttributeKeys.NONE, ServiceGraph.PEER_KEYS);
    for (WireSpan span : shopTrace()) {
      hops.add(span, reader.read(span));
    }
    // Of 11 spans: not the root server span nor the internal one.
    assertThat(hops.size()).isEqualTo(9);
  }

  @Test
  void theSpansOrderDoesNotMatterAndTracesAddUp() {
    ServiceGraph graph = new ServiceGraph();
    List<WireSpan> reversed = new ArrayList<>(shopTrace());
    java.util.Collections.reverse(reversed);
    graph.record(shopTrace());
    graph.record(reversed);
    graph.record(shopTrace());

    Map<String, ServiceEdge> edges = byPair(graph);
    assertThat(edges).hasSize(4);
    assertThat(edges.values()).allSatisfy(e -> assertThat(e.requests()).isEqualTo(3));
    assertThat(edges.get("frontend->checkout").clientLatency().sumMicros()).isEqualTo(2_400_000);
  }

  @Test
  void aRequestFailsWhenItsClientOrItsServerSpanIsAnError() {
    ServiceGraph graph = new ServiceGraph();
    // The server answered 503 with its status unset: an error by the one definition.
    graph.record(List.of(
        span("frontend", 1, 0).client().build(),
        span("checkout", 2, 1).server().attribute("http.response.status_code", 503).build()));
    // The client gave up.
    graph.record(List.of(
        span("frontend", 1, 0).client().error().build(),
        span("checkout", 2, 1).server().build()));
    // Fine both ways; a client's 404 is no failure.
    graph.record(List.of(
        span("frontend", 1, 0).client().attribute("http.response.status_code", 404).build(),
        span("checkout", 2, 1).server().attribute("http.response.status_code", 404).build()));
    // A failed database call.
    graph.record(List.of(span("checkout", 1, 0).client().error().attribute("db.system", "postgresql").build()));

    Map<String, ServiceEdge> edges = byPair(graph);
    assertThat(edges.get("frontend->checkout").requests()).isEqualTo(3);
    assertThat(edges.get("frontend->checkout").failures()).isEqualTo(2);
    assertThat(edges.get("checkout->postgresql").failures()).isEqualTo(1);
  }

  @Test
  void peersAreNamedByTheFirstAttributeInOrder() {
    ServiceGraph graph = new ServiceGraph();
    graph.record(List.of(span("a", 1, 0).client()
        .attribute("server.address", "db-7.internal").attribute("db.system", "postgresql")
        .attribute("db.name", "orders").attribute("peer.service", "orders-db").build()));
    graph.record(List.of(span("a", 1, 0).client()
        .attribute("server.address", "db-7.internal").attribute("db.system", "postgresql")
        .attribute("db.name", "orders").build()));
    graph.record(List.of(span("a", 1, 0).client()
        .attribute("server.address", "redis-1").attribute("db.system.name", "redis").attribute("db.namespace", "0")
        .build()));
    graph.record(List.of(span("a", 1, 0).client().attribute("db.name", "legacy-orders").build()));
    graph.record(List.of(span("a", 1, 0).client().attribute("server.address", "api.stripe.com").build()));
    graph.record(List.of(span("a", 1, 0).client().attribute("net.peer.name", "legacy-host").build()));
    // Nothing to name it by, an empty name, or itself: no edge.
    graph.record(List.of(span("a", 1, 0).client().attribute("http.request.method", "GET").build()));
    graph.record(List.of(span("a", 1, 0).client().attribute("peer.service", "").build()));
    graph.record(List.of(span("a", 1, 0).client().attribute("peer.service", "a").build()));
    // A producer whose consumer is not in the trace names nothing either.
    graph.record(List.of(span("a", 1, 0).kind(SpanKind.SPAN_KIND_PRODUCER).attribute("peer.service", "kafka").build()));

    assertThat(byPair(graph).keySet())
        .containsExactlyInAnyOrder(
            "a->orders-db", "a->postgresql", "a->redis", "a->legacy-orders", "a->api.stripe.com", "a->legacy-host");
  }

  @Test
  void aClientWhoseServerIsOfItsOwnServiceMakesNoEdgeAndNoPeer() {
    ServiceGraph graph = new ServiceGraph();
    graph.record(List.of(
        span("checkout", 1, 0).client().attribute("server.address", "checkout.svc").build(),
        span("checkout", 2, 1).server().build()));
    assertThat(graph.snapshot()).isEmpty();
  }

  @Test
  void aCallCountsOnceAndOnlyItsOwnKindOfAnswerPairs() {
    ServiceGraph graph = new ServiceGraph();
    graph.record(List.of(
        span("a", 1, 0).client().build(),
        span("b", 2, 1).server().build(),
        span("c", 3, 1).server().build(), // a second answer to the same call
        span("a", 4, 0).client().attribute("db.system", "mysql").build(),
        span("b", 5, 4).kind(SpanKind.SPAN_KIND_CONSUMER).build(), // not an answer to a client
        span("a", 6, 0).kind(SpanKind.SPAN_KIND_PRODUCER).build(),
        span("b", 7, 6).server().build())); // not an answer to a producer

    assertThat(byPair(graph).keySet()).containsExactlyInAnyOrder("a->b", "a->mysql");
    assertThat(byPair(graph).get("a->b").requests()).isEqualTo(1);
  }

  @Test
  void largeTracesPairByLookup() {
    ServiceGraph graph = new ServiceGraph();
    List<WireSpan> spans = new ArrayList<>();
    // 200 calls and their answers, answers first: 40 000 pairs to try, past the scan limit.
    for (int i = 0; i < 200; i++) {
      spans.add(span("b", 1_000 + i, 1 + i).server().build());
    }
    for (int i = 0; i < 200; i++) {
      spans.add(span("a", 1 + i, 0).client().build());
    }
    graph.record(spans);
    assertThat(byPair(graph).get("a->b").requests()).isEqualTo(200);
  }

  @Test
  void aTraceTooLargeToScanPairsAsSmallOnesDo() {
    // Second answers, answers of the wrong kind, a peer, and two calls sharing a span ID (the first
    // noted keeps it, as a scan finds it): repeated under fresh IDs in one trace, past the scan limit.
    ServiceGraph small = new ServiceGraph();
    ServiceGraph large = new ServiceGraph();
    List<WireSpan> all = new ArrayList<>();
    for (int copy = 0; copy < 40; copy++) {
      long base = 100L * (copy + 1);
      List<WireSpan> spans = List.of(
          span("a", base + 1, 0).client().build(),
          span("b", base + 2, base + 1).server().build(),
          span("c", base + 3, base + 1).server().build(),
          span("a", base + 4, 0).client().attribute("db.system", "mysql").build(),
          span("b", base + 5, base + 4).kind(SpanKind.SPAN_KIND_CONSUMER).build(),
          span("a", base + 6, 0).kind(SpanKind.SPAN_KIND_PRODUCER).build(),
          span("b", base + 7, base + 6).server().build(),
          span("a", base + 8, 0).kind(SpanKind.SPAN_KIND_PRODUCER).build(),
          span("d", base + 9, base + 8).kind(SpanKind.SPAN_KIND_CONSUMER).build(),
          span("e", base + 10, 0).client().attribute("peer.service", "first").build(),
          span("e", base + 10, 0).client().attribute("peer.service", "second").build(),
          span("f", base + 11, base + 10).server().build());
      small.record(spans);
      all.addAll(spans);
    }
    large.record(all);

    assertThat(byPair(large).keySet())
        .containsExactlyInAnyOrder("a->b", "a->mysql", "a->d", "e->f", "e->second");
    assertThat(byPair(large)).isEqualTo(byPair(small));
    assertThat(byPair(large).get("a->b").requests()).isEqualTo(40);
  }

  @Test
  void edgesPastTheBoundAreCountedNotKept() {
    ServiceGraph graph = new ServiceGraph(2);
    graph.record(shopTrace());
    graph.record(shopTrace());

    assertThat(graph.snapshot()).hasSize(2);
    assertThat(graph.snapshot().stream().mapToLong(ServiceEdge::requests).sum()).isEqualTo(4);
    assertThat(graph.overflowRequests()).isEqualTo(4);
    assertThatThrownBy(() -> new ServiceGraph(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxEdges must be positive, got 0");
  }

  @Test
  void threadsRecordingAtOnceLoseNothing() throws Exception {
    ServiceGraph graph = new ServiceGraph();
    List<WireSpan> trace = shopTrace();
    List<WireSpan> failed =
        List.of(span("frontend", 1, 0).client().error().build(), span("checkout", 2, 1).server().build());
    int threads = 4;
    int perThread = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            graph.record(i % 4 == 0 ? failed : trace);
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    Map<String, ServiceEdge> edges = byPair(graph);
    long traces = (long) threads * perThread;
    assertThat(edges.get("frontend->checkout").requests()).isEqualTo(traces);
    assertThat(edges.get("frontend->checkout").failures()).isEqualTo(traces / 4);
    assertThat(edges.get("checkout->postgresql").requests()).isEqualTo(traces * 3 / 4);
    assertThat(edges.get("checkout->payments").serverLatency().sumMicros()).isEqualTo(traces * 3 / 4 * 250_000);
  }
}
