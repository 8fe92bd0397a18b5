package io.tailkeep.query;

import static io.tailkeep.query.TrafficRows.calls;
import static io.tailkeep.query.TrafficRows.edge;
import static io.tailkeep.query.TrafficRows.latency;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.ServiceCalls;
import io.tailkeep.store.traffic.Step;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficGraphTest {
  private static final Instant T1 = Instant.parse("2026-12-05T11:00:00Z");
  private static final Instant T2 = Instant.parse("2026-12-05T11:30:00Z");

  private static Step<ServiceCalls> service(Instant step, String service, SpanKind kind, CallCounts counts) {
    return new Step<>(step, new ServiceCalls(service, kind, counts));
  }

  private static Step<EdgeCalls> at(Instant step, EdgeCalls edge) {
    return new Step<>(step, edge);
  }

  @Test
  void aServiceIsMeasuredByTheRequestsItServedABatchJobByAllItsSpansAPeerByTheEdgesIntoIt() {
    TrafficGraph.Graph graph = TrafficGraph.of(
        List.of(
            service(T1, "frontend", SpanKind.SPAN_KIND_SERVER, calls(2, latency(1, 100))),
            service(T1, "frontend", SpanKind.SPAN_KIND_CLIENT, calls(1, latency(4, 50))),
            service(T1, "checkout", SpanKind.SPAN_KIND_SERVER, calls(1, latency(3, 30))),
            service(T2, "checkout", SpanKind.SPAN_KIND_SERVER, calls(0, latency(3, 20))),
            service(T1, "checkout", SpanKind.SPAN_KIND_CLIENT, calls(0, latency(0, 50))),
            service(T1, "batch", SpanKind.SPAN_KIND_INTERNAL, calls(1, latency(8, 6))),
            service(T2, "batch", SpanKind.SPAN_KIND_CLIENT, calls(0, latency(0, 4)))),
        List.of(
            at(T1, edge("frontend", "checkout", 1, latency(4, 30), latency(3, 30))),
            at(T2, edge("frontend", "checkout", 0, latency(4, 20), latency(3, 20))),
            at(T1, edge("checkout", "postgresql", 0, latency(0, 30), latency(0, 30))),
            at(T2, edge("checkout", "postgresql", 2, latency(0, 20), latency(0, 20))),
            at(T2, edge("batch", "postgresql", 1, latency(1, 4), latency(1, 4)))));

    assertThat(graph.services()).containsExactly(
        new TrafficGraph.Node("batch", MeasuredBy.SPANS, calls(1, latency(8, 6)).plus(calls(0, latency(0, 4)))),
        new TrafficGraph.Node("checkout", MeasuredBy.SERVER, calls(1, latency(3, 50))),
        new TrafficGraph.Node("frontend", MeasuredBy.SERVER, calls(2, latency(1, 100))),
        new TrafficGraph.Node("postgresql", MeasuredBy.EDGES, calls(3, latency(0, 50)).plus(calls(0, latency(1, 4)))));
    assertThat(graph.edges()).containsExactly(
        edge("batch", "postgresql", 1, latency(1, 4), latency(1, 4)),
        edge("checkout", "postgresql", 2, latency(0, 50), latency(0, 50)),
        edge("frontend", "checkout", 1, latency(4, 50), latency(3, 50)));
  }

  @Test
  void consumerSpansAreRequestsServedToo() {
    TrafficGraph.Graph graph = TrafficGraph.of(
        List.of(
            service(T1, "mailer", SpanKind.SPAN_KIND_CONSUMER, calls(0, latency(5, 7))),
            service(T1, "mailer", SpanKind.SPAN_KIND_CLIENT, calls(0, latency(0, 7)))),
        List.of());
    assertThat(graph.services()).containsExactly(new TrafficGraph.Node("mailer", MeasuredBy.SERVER, calls(0, latency(5, 7))));
  }

  @Test
  void everyEndOfAnEdgeIsANodeEvenAClientWithoutSpans() {
    // The client's own rows expired before the edge's, say: it is still drawn, with no calls of its own.
    TrafficGraph.Graph graph =
        TrafficGraph.of(List.of(), List.of(at(T1, edge("cron", "api", 0, latency(2, 3), latency(1, 3)))));
    assertThat(graph.services()).containsExactly(
        new TrafficGraph.Node("api", MeasuredBy.EDGES, calls(0, latency(1, 3))),
        new TrafficGraph.Node("cron", MeasuredBy.EDGES, CallCounts.none()));
  }

  @Test
  void nothingCountedIsAnEmptyGraph() {
    assertThat(TrafficGraph.of(List.of(), List.of())).isEqualTo(new TrafficGraph.Graph(List.of(), List.of()));
  }
}
