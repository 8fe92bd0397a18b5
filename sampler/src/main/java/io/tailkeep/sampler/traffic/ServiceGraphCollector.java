package io.tailkeep.sampler.traffic;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Comparator;
import java.util.List;

/**
 * {@link ServiceGraph} on the Prometheus scrape, as Tempo's service-graph processor names it:
 * {@code traces_service_graph_request_total}, {@code traces_service_graph_request_failed_total},
 * {@code traces_service_graph_request_server_seconds_bucket|sum|count} and {@code
 * traces_service_graph_request_client_seconds_bucket|sum|count}, labels {@code client} and {@code
 * server}; {@code tailkeep_service_graph_overflow_requests_total}, requests of edges past the bound;
 * {@code tailkeep_service_graph_edges}, the edges kept.
 */
final class ServiceGraphCollector implements MultiCollector {

  static final String REQUESTS = "traces_service_graph_request";
  static final String FAILED = "traces_service_graph_request_failed";
  static final String SERVER_SECONDS = "traces_service_graph_request_server_seconds";
  static final String CLIENT_SECONDS = "traces_service_graph_request_client_seconds";
  static final String OVERFLOW_REQUESTS = "tailkeep_service_graph_overflow_requests";
  static final String EDGES = "tailkeep_service_graph_edges";

  private static final Comparator<ServiceEdge> BY_LABELS =
      Comparator.comparing(ServiceEdge::client).thenComparing(ServiceEdge::server);

  private final ServiceGraph graph;

  ServiceGraphCollector(ServiceGraph graph) {
    this.graph = graph;
  }

  @Override
  public MetricSnapshots collect() {
    List<ServiceEdge> all = graph.snapshot();
    all.sort(BY_LABELS); // a scrape a person reads, in the same order each time
    CounterSnapshot.Builder requests =
        TrafficSnapshots.counterFamily(REQUESTS, "Requests between two services, from every trace");
    CounterSnapshot.Builder failed =
        TrafficSnapshots.counterFamily(FAILED, "Requests between two services that failed");
    HistogramSnapshot.Builder server =
        TrafficSnapshots.histogramFamily(SERVER_SECONDS, "Request durations as the server saw them");
    HistogramSnapshot.Builder client =
        TrafficSnapshots.histogramFamily(CLIENT_SECONDS, "Request durations as the client saw them");
    for (ServiceEdge edge : all) {
      Labels labels = Labels.of("client", edge.client(), "server", edge.server());
      requests.dataPoint(TrafficSnapshots.counter(labels, edge.requests()));
      failed.dataPoint(TrafficSnapshots.counter(labels, edge.failures()));
      server.dataPoint(TrafficSnapshots.histogram(labels, edge.serverLatency()));
      client.dataPoint(TrafficSnapshots.histogram(labels, edge.clientLatency()));
    }
    CounterSnapshot overflow =
        TrafficSnapshots.counterFamily(
                OVERFLOW_REQUESTS, "Requests not kept in the service graph: their edge was past the bound")
            .dataPoint(TrafficSnapshots.counter(Labels.EMPTY, graph.overflowRequests()))
            .build();
    GaugeSnapshot edges =
        GaugeSnapshot.builder()
            .name(EDGES)
            .help("Service-graph edges kept")
            .dataPoint(GaugeDataPointSnapshot.builder().value(all.size()).build())
            .build();
    return MetricSnapshots.of(requests.build(), failed.build(), server.build(), client.build(), overflow, edges);
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(REQUESTS, FAILED, SERVER_SECONDS, CLIENT_SECONDS, OVERFLOW_REQUESTS, EDGES);
  }
}
