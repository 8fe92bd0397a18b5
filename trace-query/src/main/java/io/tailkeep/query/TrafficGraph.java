package io.tailkeep.query;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.ServiceCalls;
import io.tailkeep.store.traffic.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The service graph of a window: each service with the calls that measure it ({@link MeasuredBy}),
 * each edge summed. Pure.
 */
final class TrafficGraph {

  /** A service and the calls its figures count. */
  record Node(String service, MeasuredBy measuredBy, CallCounts counts) {}

  record Graph(List<Node> services, List<EdgeCalls> edges) {}

  private record EdgeKey(String client, String server) {}

  private TrafficGraph() {}

  /** Whether a span of this kind answers a request: what a service's own figures count. */
  static boolean serves(SpanKind kind) {
    return kind == SpanKind.SPAN_KIND_SERVER || kind == SpanKind.SPAN_KIND_CONSUMER;
  }

  /**
   * Services by name, edges by client then server. A service that sent spans is measured by its
   * SERVER and CONSUMER spans, or by all its spans when it served nothing; a name that appears only
   * in edges (a database) by the edges into it, its server latency being theirs.
   *
   * @param services every service's calls by span kind, in any steps (they are summed)
   * @param edges every edge, in any steps (they are summed)
   */
  static Graph of(List<Step<ServiceCalls>> services, List<Step<EdgeCalls>> edges) {
    Map<String, CallCounts> served = new HashMap<>();
    Map<String, CallCounts> all = new TreeMap<>();
    for (Step<ServiceCalls> step : services) {
      ServiceCalls calls = step.counts();
      all.merge(calls.service(), calls.counts(), CallCounts::plus);
      if (serves(calls.kind())) {
        served.merge(calls.service(), calls.counts(), CallCounts::plus);
      }
    }
    Map<EdgeKey, EdgeCalls> edgeSums = new HashMap<>();
    Map<String, CallCounts> into = new HashMap<>();
    for (Step<EdgeCalls> step : edges) {
      EdgeCalls edge = step.counts();
      edgeSums.merge(new EdgeKey(edge.client(), edge.server()), edge, EdgeCalls::plus);
      into.merge(edge.server(), intoServer(edge), CallCounts::plus);
    }
    Map<String, Node> nodes = new TreeMap<>();
    all.forEach((service, counts) -> {
      CallCounts server = served.get(service);
      nodes.put(service, server != null && server.calls() > 0
          ? new Node(service, MeasuredBy.SERVER, server)
          : new Node(service, MeasuredBy.SPANS, counts));
    });
    for (EdgeCalls edge : edgeSums.values()) {
      // A peer that sends no spans; a client is always a service that did, but every end of an
      // edge is a node, so the graph draws whatever the counts hold.
      for (String name : List.of(edge.server(), edge.client())) {
        nodes.computeIfAbsent(name, n -> new Node(n, MeasuredBy.EDGES, into.getOrDefault(n, CallCounts.none())));
      }
    }
    List<EdgeCalls> sortedEdges = new ArrayList<>(edgeSums.values());
    sortedEdges.sort(Comparator.comparing(EdgeCalls::client).thenComparing(EdgeCalls::server));
    return new Graph(List.copyOf(nodes.values()), sortedEdges);
  }

  /** An edge's requests as its server saw them: the failed ones, and the server latency. */
  static CallCounts intoServer(EdgeCalls edge) {
    return new CallCounts(edge.failed(), edge.serverLatency());
  }
}
