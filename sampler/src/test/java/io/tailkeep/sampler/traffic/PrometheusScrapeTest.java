package io.tailkeep.sampler.traffic;

import static io.tailkeep.sampler.traffic.TrafficSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The exact lines `/metrics` shows, rendered by the registry the server scrapes. */
class PrometheusScrapeTest {

  private static final String CHECKOUT =
      "service=\"checkout\",span_kind=\"SPAN_KIND_SERVER\",span_name=\"POST /api/checkout\",status_code=\"STATUS_CODE_ERROR\"";

  private static List<String> lines(PrometheusMeterRegistry registry, String prefix) {
    return Arrays.stream(registry.scrape().split("\n"))
        .filter(line -> line.startsWith(prefix) || line.startsWith("# TYPE " + prefix))
        .collect(Collectors.toList());
  }

  @Test
  void spanMetricsUnderTempoNames() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("tailkeep.other").register(registry).increment(); // Micrometer's meters stay
    SpanMetrics metrics = new SpanMetrics(1, 10);
    metrics.bindTo(registry);
    metrics.record("checkout", "POST /api/checkout", 2, 2, true, 3_000_000);
    metrics.record("checkout", "POST /api/checkout", 2, 0, true, 700_000_000);
    metrics.record("checkout", "GET /health", 2, 0, false, 1_000_000); // past the bound of 1

    assertThat(lines(registry, "traces_spanmetrics_calls"))
        .containsExactly(
            "# TYPE traces_spanmetrics_calls_total counter",
            "traces_spanmetrics_calls_total{" + CHECKOUT + "} 2.0",
            "traces_spanmetrics_calls_total{service=\"checkout\",span_kind=\"SPAN_KIND_SERVER\",span_name=\"__overflow__\",status_code=\"STATUS_CODE_UNSET\"} 1.0");
    assertThat(lines(registry, "traces_spanmetrics_latency"))
        .containsSubsequence(
            "# TYPE traces_spanmetrics_latency histogram",
            "traces_spanmetrics_latency_bucket{" + CHECKOUT + ",le=\"0.002\"} 0",
            "traces_spanmetrics_latency_bucket{" + CHECKOUT + ",le=\"0.004\"} 1",
            "traces_spanmetrics_latency_bucket{" + CHECKOUT + ",le=\"0.008\"} 1",
            "traces_spanmetrics_latency_bucket{" + CHECKOUT + ",le=\"0.016\"} 1",
            "traces_spanmetrics_latency_bucket{" + CHECKOUT + ",le=\"0.032\"} 1",
            "traces_spanmetrics_latency_bucket{" + CHECKOUT + ",le=\"0.064\"} 1",
            "traces_spanmetrics_latency_bucket{" + CHECKOUT + ",le=\"0.128\"} 1",
            "traces_spanmetrics_latency_bucket{" + CHECKOUT + ",le=\"0.256\"} 1",
            "traces_spanmetrics_latency_bucket{" + CHECKOUT + ",le=\"0.512\"} 1",
            "traces_spanmetrics_latency_bucket{" + CHECKOUT + ",le=\"1.02\"} 2",
            "traces_spanmetrics_latency_bucket{" + CHECKOUT + ",le=\"2.05\"} 2",
            "traces_spanmetrics_latency_bucket{" + CHECKOUT + ",le=\"4.1\"} 2",
            "traces_spanmetrics_latency_bucket{" + CHECKOUT + ",le=\"+Inf\"} 2",
            "traces_spanmetrics_latency_count{" + CHECKOUT + "} 2",
            "traces_spanmetrics_latency_sum{" + CHECKOUT + "} 0.703");
    assertThat(lines(registry, "tailkeep_spanmetrics"))
        .containsExactly(
            "# TYPE tailkeep_spanmetrics_overflow_spans_total counter",
            "tailkeep_spanmetrics_overflow_spans_total{service=\"checkout\"} 1.0",
            "# TYPE tailkeep_spanmetrics_series gauge",
            "tailkeep_spanmetrics_series 2.0");
    assertThat(lines(registry, "tailkeep_other")).containsExactly(
        "# TYPE tailkeep_other_total counter", "tailkeep_other_total 1.0");
  }

  @Test
  void serviceGraphUnderTempoNames() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ServiceGraph graph = new ServiceGraph();
    graph.bindTo(registry);
    graph.record(List.of(
        span("checkout", 1, 0).client().millis(30).attribute("db.system", "postgresql").build()));
    graph.record(List.of(
        span("checkout", 1, 0).client().millis(5).error().attribute("db.system", "postgresql").build()));

    String edge = "client=\"checkout\",server=\"postgresql\"";
    assertThat(lines(registry, "traces_service_graph_request_total"))
        .containsExactly(
            "# TYPE traces_service_graph_request_total counter",
            "traces_service_graph_request_total{" + edge + "} 2.0");
    assertThat(lines(registry, "traces_service_graph_request_failed_total"))
        .containsExactly(
            "# TYPE traces_service_graph_request_failed_total counter",
            "traces_service_graph_request_failed_total{" + edge + "} 1.0");
    for (String side : List.of("client", "server")) {
      String name = "traces_service_graph_request_" + side + "_seconds";
      assertThat(lines(registry, name))
          .containsExactly(
              "# TYPE " + name + " histogram",
              name + "_bucket{" + edge + ",le=\"0.002\"} 0",
              name + "_bucket{" + edge + ",le=\"0.004\"} 0",
              name + "_bucket{" + edge + ",le=\"0.008\"} 1",
              name + "_bucket{" + edge + ",le=\"0.016\"} 1",
              name + "_bucket{" + edge + ",le=\"0.032\"} 2",
              name + "_bucket{" + edge + ",le=\"0.064\"} 2",
              name + "_bucket{" + edge + ",le=\"0.128\"} 2",
              name + "_bucket{" + edge + ",le=\"0.256\"} 2",
              name + "_bucket{" + edge + ",le=\"0.512\"} 2",
              name + "_bucket{" + edge + ",le=\"1.02\"} 2",
              name + "_bucket{" + edge + ",le=\"2.05\"} 2",
              name + "_bucket{" + edge + ",le=\"4.1\"} 2",
              name + "_bucket{" + edge + ",le=\"+Inf\"} 2",
              name + "_count{" + edge + "} 2",
              name + "_sum{" + edge + "} 0.035");
    }
    assertThat(lines(registry, "tailkeep_service_graph"))
        .containsExactly(
            "# TYPE tailkeep_service_graph_edges gauge",
            "tailkeep_service_graph_edges 1.0",
            "# TYPE tailkeep_service_graph_overflow_requests_total counter",
            "tailkeep_service_graph_overflow_requests_total 0.0");
  }
}
