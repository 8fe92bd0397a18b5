package io.tailkeep.deploy;

import static io.tailkeep.deploy.SpanTree.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.deploy.OtelServices.Transport;
import io.tailkeep.store.TraceId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Candidate rules on a running server, tried on traffic sent with the OpenTelemetry SDK: sent
 * through the API or written to the watched candidate file, they are compared exactly and never
 * store a trace.
 */
class CandidateRulesEndToEndTest {

  static final String KEYSPACE = "e2e_candidate_rules";
  static final Duration WAIT = Duration.ofSeconds(30);

  /** The candidate keeps inventory-sync too, and samples nothing the rules in force keep. */
  static final String CANDIDATE =
      RulesHotReloadTest.ERRORS_ONLY
          + """
            - name: keep-inventory-sync
              conditions:
                - service: inventory-sync
              keep: {}
          """;

  @TempDir Path directory;

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
  void anUploadedCandidateIsComparedExactlyAndNeverActs() throws Exception {
    Path rules = Files.writeString(directory.resolve("rules.yaml"), RulesHotReloadTest.ERRORS_ONLY);
    Path candidateFile = directory.resolve("candidate.yaml");
    server = TestServers.start(TestServers.builder(TestStores.open(KEYSPACE), TestServers.QUICK_DECISIONS,
        TestServers.QUICK_RETRIES).rulesFile(rules).candidateRulesFile(candidateFile));
    services = OtelServices.exportingTo(Transport.HTTP, server.httpPort());
    StoredTraces stored = new StoredTraces(server.store().reader());

    JsonObject none = candidate("GET", null, 200);
    assertThat(none.getBoolean("active")).isFalse();
    assertThat(none.getJsonObject("file").getBoolean("present")).isFalse();

    JsonObject refused = candidate("PUT", RulesHotReloadTest.INVALID, 400);
    assertThat(refused.getJsonObject("error").getJsonArray("errors").getString(0))
        .startsWith("uploaded:").contains("percent");
    assertThat(candidate("GET", null, 200).getBoolean("active")).isFalse();

    JsonObject proposed = candidate("PUT", CANDIDATE, 200);
    assertThat(proposed.getString("origin")).isEqualTo("uploaded");
    assertThat(proposed.getJsonArray("rules").stream().map(r -> ((JsonObject) r).getString("name")).toList())
        .containsExactly("keep-errors", "keep-inventory-sync", "default");

    List<TraceId> syncs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      syncs.add(services.send("inventory sync", span("inventory-sync", "POST /sync").server().lasting(20)).traceId());
    }
    List<TraceId> errors = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      errors.add(services.send("failed checkout", span("shop", "POST /checkout").server().error().lasting(20)).traceId());
    }
    services.flush();
    JsonObject diff = Poll.until(WAIT, "five traces compared", () -> candidate("GET", null, 200),
        body -> body.getLong("traces") == 5);

    assertThat(diff.getJsonObject("live").getLong("kept")).isEqualTo(2);
    assertThat(diff.getJsonObject("candidate").getLong("kept")).isEqualTo(5);
    JsonObject disagreements = diff.getJsonObject("disagreements");
    assertThat(disagreements.getJsonObject("keptOnlyLive").getLong("traces")).isZero();
    JsonObject onlyCandidate = disagreements.getJsonObject("keptOnlyCandidate");
    assertThat(onlyCandidate.getLong("traces")).isEqualTo(3);
    assertThat(traceIds(onlyCandidate.getJsonArray("examples")))
        .isEqualTo(syncs.stream().map(TraceId::toHex).collect(Collectors.toSet()));
    assertThat(rule(diff, "keep-inventory-sync").getLong("kept")).isEqualTo(3);
    assertThat(rule(diff, "keep-errors").getLong("kept")).isEqualTo(2);
    assertThat(rule(diff, "default").getLong("dropped")).isZero();

    for (TraceId error : errors) {
      Poll.until(WAIT, "error trace stored", () -> stored.get(error).isPresent());
    }
    Poll.until(WAIT, "an empty store queue", () -> server.sampler().storeQueue().stats().queuedBatches() == 0);
    for (TraceId sync : syncs) {
      assertThat(stored.get(sync)).as("the candidate never acts").isEmpty();
    }

    // The watched file replaces the uploaded candidate; deleting the file ends its trial.
    Files.writeString(candidateFile, RulesHotReloadTest.ERRORS_ONLY);
    Poll.until(WAIT, "the file's candidate on trial",
        () -> candidate("GET", null, 200).getString("origin", "").equals(candidateFile.toString()));
    Files.delete(candidateFile);
    Poll.until(WAIT, "the file's candidate off trial", () -> !candidate("GET", null, 200).getBoolean("active"));

    candidate("PUT", CANDIDATE, 200);
    assertThat(candidate("DELETE", null, 200).getBoolean("active")).isFalse();
  }

  private static JsonObject rule(JsonObject diff, String name) {
    return diff.getJsonArray("rules").stream().map(JsonObject.class::cast)
        .filter(rule -> rule.getString("name").equals(name)).findFirst().orElseThrow();
  }

  private static Set<String> traceIds(JsonArray examples) {
    return examples.stream().map(e -> ((JsonObject) e).getString("traceId")).collect(Collectors.toSet());
  }

  private JsonObject candidate(String method, String body, int expectedStatus) {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.apiPort() + "/api/v1/sampling/candidate"))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/yaml")
        .build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    assertThat(response.statusCode()).as(method + " " + response.body()).isEqualTo(expectedStatus);
    return new JsonObject(response.body());
  }
}
