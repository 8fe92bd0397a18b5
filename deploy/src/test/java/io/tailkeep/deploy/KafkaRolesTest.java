package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.deploy.OtelServices.Transport;
import io.tailkeep.kafka.SpansTopic;
import io.tailkeep.kafka.testing.TestKafka;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.StoredDecision;
import io.tailkeep.store.TraceId;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two nodes on a real Kafka broker and a real Cassandra, in one JVM: an ingest node takes OTLP from
 * the OpenTelemetry SDK's exporters and writes it to the spans topic; a sampler-and-query node
 * decides, logs every decision, stores what the rules keep and serves it. Each serves only its roles.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaRolesTest {

  static final String KEYSPACE = "e2e_kafka_roles";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final HttpClient client = HttpClient.newHttpClient();
  private TailkeepServer ingest;
  private TailkeepServer sampler;
  private OtelServices grpc;
  private OtelServices http;
  private SpansTopic topic;

  @BeforeAll
  void start() {
    topic = SpansTopic.of(TestKafka.shared().bootstrapServers())
        .withTopic("roles-" + UUID.randomUUID(), 4, (short) 1);
    ingest = TestServers.start(node(topic, "ingest-a", true, false, false));
    sampler = TestServers.start(node(topic, "sampler-b", false, true, true));
    grpc = OtelServices.exportingTo(Transport.GRPC, ingest.grpcPort());
    http = OtelServices.exportingTo(Transport.HTTP, ingest.httpPort());
  }

  private TailkeepServer.Builder node(
      SpansTopic topic, String name, boolean ingest, boolean sampler, boolean query) {
    // OtelServices flushes every child service before the root services, and each export now
    // waits for Kafka: a trace's children may wait seconds for their root, so no idle timeout.
    Consumer<TraceBuffer.Builder> timing =
        TestServers.QUICK_DECISIONS.andThen(b -> b.idleTimeout(TestServers.MAX_WAIT));
    // Each node its own session on the keyspace, as separate processes would have; closed with it.
    // An ingest-only node has none: it needs nothing but Kafka.
    boolean usesCassandra = sampler || query;
    return TestServers.builder(usesCassandra ? TestStores.open(KEYSPACE) : null, timing, TestServers.QUICK_RETRIES)
        .kafka(
            new KafkaNode.Settings(topic, name, ingest, sampler, 2, 64L << 20),
            query);
  }

  @AfterAll
  void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {grpc, http, ingest, sampler}) {
      if (closeable != null) {
        try {
          closeable.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  @Test
  void mustKeepTracesSentToTheIngestNodeAreStoredByTheSamplerNodeAndEveryDecisionIsLogged() throws Exception {
    Map<SentTrace, String> mustKeep = new HashMap<>();
    List<SentTrace> healthChecks = new ArrayList<>();
    for (OtelServices services : List.of(grpc, http)) {
      for (TraceShapes.MustKeep kind : TraceShapes.MUST_KEEP) {
        mustKeep.put(services.send(kind.kind(), kind.shape().get()), kind.rule());
      }
      healthChecks.add(services.send("health check", TraceShapes.healthCheck()));
    }
    grpc.flush();
    http.flush();

    StoredTraces stored = new StoredTraces(sampler.store().reader());
    for (SentTrace trace : mustKeep.keySet()) {
      stored.awaitComplete(trace, WAIT);
    }
    List<TraceId> all = new ArrayList<>();
    mustKeep.keySet().forEach(trace -> all.add(trace.traceId()));
    healthChecks.forEach(trace -> all.add(trace.traceId()));
    SpanStore store = sampler.store();
    Poll.until(WAIT, "a decision logged for every trace",
        () -> store.decisions().read(all).toCompletableFuture().join().size() == all.size());
    Map<TraceId, StoredDecision> decisions = store.decisions().read(all).toCompletableFuture().join();
    mustKeep.forEach((trace, rule) -> {
      StoredDecision decision = decisions.get(trace.traceId());
      assertThat(decision.keep()).as("%s", trace).isTrue();
      assertThat(decision.rule()).as("rule of %s", trace).isEqualTo(rule);
      assertThat(decision.node()).isEqualTo("sampler-b");
    });
    for (SentTrace probe : healthChecks) {
      assertThat(decisions.get(probe.traceId()).keep()).isFalse();
      assertThat(decisions.get(probe.traceId()).rule())
          .as("%s: %s", probe, decisions.get(probe.traceId())).isEqualTo("drop-health-checks");
      assertThat(stored.get(probe.traceId())).as("%s in Cassandra", probe).isEmpty();
    }
    SentTrace probe = healthChecks.get(0);
    HttpResponse<String> why = get(sampler, "/api/v1/sampling/why/" + probe.traceId().toHex());
    assertThat(why.statusCode()).isEqualTo(200);
    assertThat(why.body()).contains("\"decision\":\"dropped\"", "\"rule\":\"drop-health-checks\"");
    // The sampling page's counts are the cluster's: per-minute rows the sampler node writes.
    long errors = mustKeep.values().stream().filter("keep-errors"::equals).count();
    Poll.until(WAIT, "keep-errors counted on the sampling page",
        () -> kept(get(sampler, "/api/v1/sampling/rules").body(), "keep-errors") == errors);
    assertThat(kept(get(sampler, "/api/v1/sampling/rules").body(), "drop-health-checks")).isZero();
    // Traffic the rules drop is counted too, written per minute under the sampler node's name.
    String healthz = "/api/v1/traffic/series?service=" + TraceShapes.FRONTEND + "&operation=GET%20/healthz";
    Poll.until(WAIT, "both health checks counted in the traffic series",
        () -> new JsonObject(get(sampler, healthz).body()).getJsonObject("totals").getLong("calls") == 2);
    String metrics = sampler.scrapeMetrics();
    assertThat(metrics).contains("tailkeep_kafka_decisions_written_total");
    // The all-in-one's sampler metrics, over this node's partitions.
    assertThat(metrics).contains("tailkeep_sampler_buffer_bytes", "tailkeep_store_queue_bytes",
        "tailkeep_rules_count 9.0", "tailkeep_sampler_decision_wait_seconds_count");
    assertThat(metrics.lines().filter(line -> line.startsWith("tailkeep_sampler_traces_decided_total{")
            && line.contains("decision=\"kept\"") && line.contains("rule=\"keep-errors\"")))
        .as("keep-errors decisions counted").isNotEmpty();
    assertThat(metrics).containsPattern("tailkeep_store_spans_written_total [1-9]");
    assertThat(ingest.scrapeMetrics()).contains("tailkeep_kafka_records_failed_total 0.0");
  }

  @Test
  void eachNodeServesOnlyItsRoles() throws Exception {
    assertThat(sampler.grpcPort()).isEqualTo(-1);
    assertThat(ingest.sampler()).isNull();
    assertThat(ingest.store()).as("an ingest-only node's span store").isNull();
    assertThat(get(ingest, "/health/live").statusCode()).isEqualTo(200);
    // Ready when Kafka answers; Cassandra is not its business.
    assertThat(get(ingest, "/health/ready").statusCode()).isEqualTo(200);
    assertThat(get(sampler, "/health/ready").statusCode()).isEqualTo(200);
    assertThat(get(ingest, "/metrics").statusCode()).isEqualTo(200);
    assertThat(get(ingest, "/api/services").statusCode()).isEqualTo(404);
    assertThat(get(sampler, "/api/services").statusCode()).isEqualTo(200);
    assertThat(get(sampler, "/api/v1/sampling/rules").statusCode()).isEqualTo(200);
  }

  @Test
  void theQueryNodeShowsTheSamplerNodeOwningEveryPartitionWithItsLag() {
    JsonObject owners = Poll.until(WAIT, "every partition owned by sampler-b",
        () -> {
          HttpResponse<String> response = get(sampler, "/api/v1/sampling/partitions");
          assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
          return new JsonObject(response.body());
        },
        body -> body.getJsonArray("partitions").stream().map(JsonObject.class::cast)
            .allMatch(p -> "sampler-b".equals(p.getString("node"))));

    assertThat(owners.getBoolean("kafka")).isTrue();
    assertThat(owners.getString("topic")).isEqualTo(topic.topic());
    assertThat(owners.getString("group")).isEqualTo("tailkeep-samplers");
    assertThat(owners.getString("state")).isEqualTo("Stable");
    List<JsonObject> partitions =
        owners.getJsonArray("partitions").stream().map(JsonObject.class::cast).toList();
    assertThat(partitions).extracting(p -> p.getInteger("partition")).containsExactly(0, 1, 2, 3);
    long lag = 0;
    for (JsonObject partition : partitions) {
      // Two sampler threads: two consumers, sampler-b-0 and sampler-b-1, share the partitions.
      assertThat(partition.getString("consumer")).isIn("sampler-b-0", "sampler-b-1");
      long from = partition.getLong("committedOffset") == null ? 0 : partition.getLong("committedOffset");
      assertThat(partition.getLong("lag")).isEqualTo(partition.getLong("endOffset") - from);
      lag += partition.getLong("lag");
    }
    JsonObject node = owners.getJsonArray("nodes").stream().map(JsonObject.class::cast)
        .filter(n -> n.getString("node").equals("sampler-b")).findFirst().orElseThrow();
    assertThat(node.getInteger("partitions")).isEqualTo(4);
    assertThat(node.getLong("lag")).isEqualTo(lag);
    // Kafka's own consumer lag per partition, on the sampler node's /metrics.
    Poll.until(WAIT, "records-lag of every partition on /metrics", () -> {
      String metrics = sampler.scrapeMetrics();
      return java.util.stream.IntStream.range(0, 4).allMatch(p -> metrics.lines().anyMatch(line ->
          line.startsWith("kafka_consumer_fetch_manager_records_lag{") && line.contains("partition=\"" + p + "\"")
              && line.contains("topic=\"" + topic.topic() + "\"")));
    });
    // Only a query node serves the API.
    assertThat(get(ingest, "/api/v1/sampling/partitions").statusCode()).isEqualTo(404);
  }

  private static long kept(String rulesJson, String rule) {
    return new JsonObject(rulesJson).getJsonArray("rules").stream()
        .map(JsonObject.class::cast)
        .filter(r -> r.getString("name").equals(rule))
        .mapToLong(r -> r.getLong("kept"))
        .sum();
  }

  private HttpResponse<String> get(TailkeepServer server, String path) {
    try {
      return send(server, path);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> send(TailkeepServer server, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort() + path)).GET().build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
