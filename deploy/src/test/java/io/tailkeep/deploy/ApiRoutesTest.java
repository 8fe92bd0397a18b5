package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Port 16686 of a running server: each API answers, and the health checks follow Cassandra. */
class ApiRoutesTest {

  static final String KEYSPACE = "e2e_api_routes";

  private final HttpClient client = HttpClient.newHttpClient();
  private TailkeepServer server;

  @BeforeEach
  void start() {
    server = TestServers.start(TestStores.open(KEYSPACE));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void everyApiIsMountedOnOnePort() throws Exception {
    assertThat(json(get("/health/live"), 200).getString("status")).isEqualTo("UP");
    assertThat(json(get("/health/ready"), 200).getString("status")).isEqualTo("UP");
    assertThat(json(get("/api/v1/services"), 200).containsKey("services")).isTrue();
    assertThat(json(get("/api/services"), 200).containsKey("data")).isTrue();
    JsonObject sampling = json(get("/api/v1/sampling/rules"), 200);
    assertThat(sampling.getJsonArray("rules").size())
        .isEqualTo(server.sampler().rules().ruleNames().size() + 1);
    assertThat(sampling.getJsonObject("recent")).as("counts over recent minutes are collected").isNotNull();
    // The all-in-one has no Kafka partitions to show.
    assertThat(json(get("/api/v1/sampling/partitions"), 200)).isEqualTo(new JsonObject().put("kafka", false));

    // The web UI on the same port: its pages are plain paths, its assets load.
    for (String page : List.of("/search?service=checkout", "/trace/0af7651916cd43dd8448eb211c80319c", "/sampling")) {
      HttpResponse<String> html = get(page);
      assertThat(html.statusCode()).as(page).isEqualTo(200);
      assertThat(html.headers().firstValue("Content-Type").orElseThrow()).as(page).startsWith("text/html");
    }
    assertThat(get("/static/app.js").statusCode()).isEqualTo(200);
    assertThat(json(get("/api/v1/sampling/why/0af7651916cd43dd8448eb211c80319c"), 404)
            .getJsonObject("error")
            .getString("parameter"))
        .isEqualTo("traceId");

    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(metrics.body())
        .contains("tailkeep_sampler_buffer_bytes")
        .contains("tailkeep_rules_count")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void aClientAskingForHttp2InClearTextIsAnsweredOverHttp11() throws Exception {
    // Java's default client asks to upgrade to h2c on every new connection; a large answer over
    // an upgraded connection broke now and then, so the API declines the upgrade.
    for (int i = 0; i < 20; i++) {
      HttpClient fresh = HttpClient.newHttpClient();
      assertThat(fresh.version()).isEqualTo(HttpClient.Version.HTTP_2);
      HttpResponse<String> response =
          fresh.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort() + "/static/app.js")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }
  }

  @Test
  void anUnknownPathIsAJson404() throws Exception {
    JsonObject error = json(get("/no/such/thing"), 404).getJsonObject("error");
    assertThat(error.getString("message")).isEqualTo("no such path: /no/such/thing");
  }

  @Test
  void notReadyWhileCassandraDoesNotAnswer() throws Exception {
    server.store().close();

    JsonObject down = json(get("/health/ready"), 503);
    assertThat(down.getString("status")).isEqualTo("DOWN");
    assertThat(down.getString("reason")).startsWith("storage unavailable: ");
    assertThat(json(get("/health/live"), 200).getString("status")).isEqualTo("UP");
  }

  @Test
  void readinessAsksACheapQueryNotTheServiceNames() throws Exception {
    // A keyspace of its own whose service_names table is gone: reading the names fails, and
    // readiness, which reads only the coordinator's system.local row, does not notice.
    String keyspace = "e2e_ready_cheap";
    server.close();
    server = TestServers.start(TestStores.open(keyspace));
    io.tailkeep.store.testing.CassandraEndpoint node = io.tailkeep.store.testing.TestCassandra.shared();
    try (com.datastax.oss.driver.api.core.CqlSession cql =
        com.datastax.oss.driver.api.core.CqlSession.builder()
            .addContactPoint(node.contactPoint())
            .withLocalDatacenter(node.localDatacenter())
            .build()) {
      cql.execute(
          com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                  "DROP TABLE IF EXISTS " + keyspace + ".service_names")
              .setTimeout(Duration.ofSeconds(60)));
      assertThat(get("/api/v1/services").statusCode()).isEqualTo(503);
      assertThat(json(get("/health/ready"), 200).getString("status")).isEqualTo("UP");
      cql.execute(
          com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance("DROP KEYSPACE " + keyspace)
              .setTimeout(Duration.ofSeconds(60)));
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort() + path))
            .timeout(Duration.ofSeconds(10))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    return new JsonObject(response.body());
  }
}
