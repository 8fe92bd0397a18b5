package io.tailkeep.deploy;

import static io.tailkeep.deploy.SpanTree.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.deploy.OtelServices.Transport;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RED metrics and the service graph from all traffic, sent with the OpenTelemetry SDK to a running
 * server on the shipped rules: health checks the rules drop are counted and never stored; edges
 * are exact for a known topology, a database that sends no spans included; the same counts, kept
 * in Cassandra per minute, answer the traffic API and Jaeger's {@code /api/dependencies}.
 */
class TrafficMetricsEndToEndTest {

  static final String KEYSPACE = "e2e_traffic_metrics";
  static final Duration WAIT = Duration.ofSeconds(30);

  private final HttpClient client = HttpClient.newHttpClient();
  private TailkeepServer server;
  private OtelServices services;

  @AfterEach
  void stop() {
    if (services != null) {
      services.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everySpanIsCountedBeforeSamplingAndEdgesAreExact() {
    server = TestServers.start(TestStores.open(KEYSPACE));
    services = OtelServices.exportingTo(Transport.GRPC, server.grpcPort());
    StoredTraces stored = new StoredTraces(server.store().reader());

    List<SentTrace> health = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      health.add(services.send("health check", span("tm-frontend", "GET /healthz").server().route("/healthz").lasting(1)));
    }
    for (int i = 0; i < 4; i++) {
      SpanTree pay = span("tm-payments", "POST /pay").server().at(2).lasting(30)
          .child(span("tm-payments", "INSERT payment").client().attr("db.system", "postgresql").at(5).lasting(3));
      if (i == 0) {
        pay.error();
      }
      services.send("checkout", span("tm-frontend", "POST /checkout").server().route("/checkout").lasting(50)
          .child(span("tm-frontend", "POST /pay").client().at(1).lasting(40).child(pay)));
    }
    for (int i = 0; i < 2; i++) {
      services.send("order placed", span("tm-orders", "publish order").producer().lasting(2)
          .child(span("tm-mailer", "send confirmation").consumer().at(1).lasting(600)));
    }
    services.flush();

    // Every trace decided: 5 + 4 + 2, counted by the service graph's source, the buffer.
    Poll.until(WAIT, "11 traces decided", () -> server.sampler().buffer().stats().tracesKept()
        + server.sampler().buffer().stats().tracesDropped() >= 11);
    PrometheusScrape scrape = PrometheusScrape.parse(server.scrapeMetrics());

    assertThat(calls(scrape, "tm-frontend", "GET /healthz", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET"))
        .as("health checks count though the rules drop them").isEqualTo(5);
    assertThat(calls(scrape, "tm-frontend", "POST /checkout", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET")).isEqualTo(4);
    assertThat(calls(scrape, "tm-frontend", "POST /pay", "SPAN_KIND_CLIENT", "STATUS_CODE_UNSET")).isEqualTo(4);
    assertThat(calls(scrape, "tm-payments", "POST /pay", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET")).isEqualTo(3);
    assertThat(calls(scrape, "tm-payments", "POST /pay", "SPAN_KIND_SERVER", "STATUS_CODE_ERROR")).isEqualTo(1);
    assertThat(calls(scrape, "tm-mailer", "send confirmation", "SPAN_KIND_CONSUMER", "STATUS_CODE_UNSET")).isEqualTo(2);
    // The mailer's 600 ms spans: in the 0.512 < d <= 1.02 s bucket, so 0 at le=0.512 and 2 at le=1.02.
    String[] mailer = {"service", "tm-mailer", "span_name", "send confirmation", "span_kind", "SPAN_KIND_CONSUMER",
        "status_code", "STATUS_CODE_UNSET"};
    assertThat(scrape.value("traces_spanmetrics_latency_bucket", with(mailer, "le", "0.512"))).isZero();
    assertThat(scrape.value("traces_spanmetrics_latency_bucket", with(mailer, "le", "1.02"))).isEqualTo(2);
    assertThat(scrape.value("traces_spanmetrics_latency_count", mailer)).isEqualTo(2);
    assertThat(scrape.value("traces_spanmetrics_latency_sum", mailer)).isEqualTo(1.2, org.assertj.core.data.Offset.offset(1e-6));

    assertThat(edge(scrape, "traces_service_graph_request_total", "tm-frontend", "tm-payments")).isEqualTo(4);
    assertThat(edge(scrape, "traces_service_graph_request_failed_total", "tm-frontend", "tm-payments")).isEqualTo(1);
    assertThat(edge(scrape, "traces_service_graph_request_total", "tm-payments", "postgresql")).isEqualTo(4);
    assertThat(edge(scrape, "traces_service_graph_request_total", "tm-orders", "tm-mailer")).isEqualTo(2);
    assertThat(edge(scrape, "traces_service_graph_request_server_seconds_count", "tm-orders", "tm-mailer")).isEqualTo(2);
    assertThat(scrape.has("traces_service_graph_request_total", "client", "tm-frontend", "server", "tm-frontend"))
        .as("a call within one service is no edge").isFalse();

    Poll.until(WAIT, "an empty store queue", () -> server.sampler().storeQueue().stats().queuedBatches() == 0);
    for (SentTrace check : health) {
      assertThat(stored.get(check.traceId())).as("a dropped health check is not stored").isEmpty();
    }

    // The same counts as Cassandra keeps them per minute, read through the APIs.
    Poll.until(WAIT, "the graph's edges stored", () -> edges(graph()).size() == 3);
    JsonObject graph = graph();
    assertThat(edges(graph)).containsOnlyKeys("tm-frontend->tm-payments", "tm-payments->postgresql", "tm-orders->tm-mailer");
    assertThat(edges(graph).get("tm-frontend->tm-payments").getLong("calls")).isEqualTo(4);
    assertThat(edges(graph).get("tm-frontend->tm-payments").getLong("errors")).isEqualTo(1);
    assertThat(edges(graph).get("tm-payments->postgresql").getLong("calls")).isEqualTo(4);
    assertThat(edges(graph).get("tm-orders->tm-mailer").getLong("calls")).isEqualTo(2);
    Map<String, JsonObject> nodes = new HashMap<>();
    graph.getJsonArray("services").forEach(n -> nodes.put(((JsonObject) n).getString("service"), (JsonObject) n));
    assertThat(nodes.get("tm-frontend").getLong("calls")).as("its server spans: 5 health checks, 4 checkouts").isEqualTo(9);
    assertThat(nodes.get("tm-frontend").getString("measuredBy")).isEqualTo("server");
    assertThat(nodes.get("tm-payments").getLong("errors")).isEqualTo(1);
    assertThat(nodes.get("postgresql").getString("measuredBy")).isEqualTo("edges");
    assertThat(nodes.get("tm-orders").getString("measuredBy")).as("a producer serves nothing").isEqualTo("spans");

    JsonObject series = get("/api/v1/traffic/series?service=tm-frontend&operation=GET%20/healthz");
    assertThat(series.getJsonObject("totals").getLong("calls")).as("dropped health checks, counted").isEqualTo(5);

    // Jaeger's dependencies, asked as Grafana's Jaeger data source asks: endTs and lookback in ms.
    JsonObject dependencies = get("/api/dependencies?endTs=" + (System.currentTimeMillis() + 60_000) + "&lookback=3600000");
    Map<String, Long> callCounts = new HashMap<>();
    dependencies.getJsonArray("data").forEach(d -> callCounts.put(
        ((JsonObject) d).getString("parent") + "->" + ((JsonObject) d).getString("child"),
        ((JsonObject) d).getLong("callCount")));
    assertThat(callCounts).isEqualTo(Map.of(
        "tm-frontend->tm-payments", 4L, "tm-payments->postgresql", 4L, "tm-orders->tm-mailer", 2L));
  }

  private JsonObject graph() {
    return get("/api/v1/traffic/graph");
  }

  private static Map<String, JsonObject> edges(JsonObject graph) {
    Map<String, JsonObject> edges = new HashMap<>();
    graph.getJsonArray("edges").forEach(e -> edges.put(
        ((JsonObject) e).getString("client") + "->" + ((JsonObject) e).getString("server"), (JsonObject) e));
    return edges;
  }

  private JsonObject get(String pathAndQuery) {
    try {
      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort() + pathAndQuery)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(pathAndQuery + ": " + response.body()).isEqualTo(200);
      return new JsonObject(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double calls(PrometheusScrape scrape, String service, String name, String kind, String status) {
    return scrape.value("traces_spanmetrics_calls_total",
        "service", service, "span_name", name, "span_kind", kind, "status_code", status);
  }

  private static double edge(PrometheusScrape scrape, String metric, String client, String server) {
    return scrape.value(metric, "client", client, "server", server);
  }

  private static String[] with(String[] labels, String key, String value) {
    String[] all = java.util.Arrays.copyOf(labels, labels.length + 2);
    all[labels.length] = key;
    all[labels.length + 1] = value;
    return all;
  }
}
