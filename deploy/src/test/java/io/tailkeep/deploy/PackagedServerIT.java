package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.deploy.OtelServices.Transport;
import io.tailkeep.deploy.TraceShapes.MustKeep;
import io.tailkeep.sampler.rules.RulesFile;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged distribution ({@code deploy/target/tailkeep-deploy-*.jar} + {@code lib/}, what
 * {@code ./tailkeep run} starts) as its own process, with its own embedded Cassandra node: traces
 * sent with the OpenTelemetry SDK are read back through the API; must-keep traces sent right
 * before a SIGTERM, still undecided in the buffer, are all in Cassandra after a restart; the rules
 * file a first run writes from the shipped defaults is the one in force, edits and all.
 *
 * <p>The server runs in a session of its own ({@code setsid}), and the SIGTERM goes to its whole
 * process group, as systemd's default {@code KillMode=control-group}, {@code timeout} and many
 * supervisors send it: the embedded Cassandra node gets it too and must outlive the drain.
 *
 * <p>An integration test (failsafe, after {@code package}) because it needs the built artifact.
 */
class PackagedServerIT {

  private static final Pattern GRPC_PORT = Pattern.compile("gRPC {2}\\S+:(\\d+)");
  private static final Pattern API_PORT = Pattern.compile("web UI +http://[^:]+:(\\d+)/");
  private static final String PAYLOAD_MARKER = "payload-marker-3f9c1d";

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    for (Process process : processes) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  @Test
  void mustKeepTracesSentRightBeforeSigtermAreStoredAcrossARestart() throws Exception {
    Path work = Path.of("target", "packaged-server-it").toAbsolutePath();
    TestDirectories.deleteRecursively(work);
    Files.createDirectories(work);
    Path config =
        Files.writeString(
            work.resolve("tailkeep.yaml"),
            """
            server:
              host: 127.0.0.1
              grpc_port: 0
              http_port: 0
              api_port: 0
            sampler:              # no rules_file: data/rules.yaml, from the shipped defaults
              grace_period: 10s   # the traces sent before SIGTERM are still undecided
              idle_timeout: 20s
            cassandra:
              embedded:
                data_directory: data
                max_heap: 512M
              keyspace: packaged_it
            logging:
              format: json
            """);
    Path rules = work.resolve("data").resolve("rules.yaml");

    // First run: traces in, read back through the API.
    Server first = start(config, work.resolve("first"));
    assertThat(rules).as("the rules file a first run writes").hasContent(RulesFile.defaultRulesText());
    assertThat(Files.readString(first.stdout))
        .contains("wrote the shipped default rules to " + rules)
        .contains("Rules:     " + rules + " (reloaded when it changes)");
    List<SentTrace> mustKeep = new ArrayList<>();
    SentTrace health;
    try (OtelServices apps = OtelServices.exportingTo(Transport.GRPC, first.grpcPort)) {
      SentTrace error = apps.send("error", TraceShapes.errorStatus().attr("note", PAYLOAD_MARKER));
      health = apps.send("health", TraceShapes.healthCheck());
      apps.flush();
      JsonObject tree =
          Poll.until(Duration.ofSeconds(60), "the error trace through the API",
              () -> getJson(first, "/api/v1/traces/" + error.traceId().toHex()), body -> body != null);
      assertThat(tree.getJsonObject("summary").getInteger("spanCount")).isEqualTo(error.spanIds().size());
      mustKeep.add(error);

      // Right before SIGTERM: every kind of must-keep trace, accepted but not yet decided.
      for (int round = 0; round < 4; round++) {
        for (MustKeep kind : TraceShapes.MUST_KEEP) {
          mustKeep.add(apps.send(kind.kind(), kind.shape().get()));
        }
      }
      apps.flush(); // every export answered OK: accepted by the server
    }
    List<ProcessHandle> children = first.process.descendants().toList();
    assertThat(children).as("the embedded Cassandra node").isNotEmpty();
    terminateProcessGroup(first.process);
    assertThat(first.process.waitFor(120, TimeUnit.SECONDS)).as("stopped within 120 s").isTrue();
    assertThat(first.process.exitValue()).as("exit status after SIGTERM").isEqualTo(143);
    assertThat(children).as("Cassandra stopped with the server").noneMatch(ProcessHandle::isAlive);
    String firstLog = Files.readString(first.stderr);
    assertThat(firstLog).contains("every kept trace written");
    assertThat(firstLog.lines().filter(line -> !line.isBlank()))
        .as("JSON log lines")
        .allSatisfy(line -> assertThat(new JsonObject(line).getString("level")).isNotEmpty());
    assertThat(firstLog).as("span payloads are not logged").doesNotContain(PAYLOAD_MARKER);

    // Second run on the same data: every must-keep trace is there, whole.
    Server second = start(config, work.resolve("second"));
    for (SentTrace trace : mustKeep) {
      JsonObject body = getJson(second, "/api/v1/traces/" + trace.traceId().toHex());
      assertThat(body).as("%s trace %s after the restart", trace.kind(), trace.traceId()).isNotNull();
      assertThat(body.getJsonObject("summary").getInteger("spanCount"))
          .as("spans of %s", trace.kind())
          .isEqualTo(trace.spanIds().size());
    }
    assertThat(status(second, "/api/v1/traces/" + health.traceId().toHex())).isEqualTo(404);
    assertThat(status(second, "/health/ready")).isEqualTo(200);
    assertThat(Files.readString(second.stdout)).as("the user's rules file is never rewritten")
        .doesNotContain("wrote the shipped default rules");

    // The rules file a first run wrote is the one in force: an edit applies, a bad edit is refused.
    Files.writeString(rules, RulesFile.defaultRulesText()
        .replace("name: baseline-everything-else", "name: baseline-the-rest"));
    JsonObject edited = Poll.until(Duration.ofSeconds(30), "the edited rules in force",
        () -> getJson(second, "/api/v1/sampling/rules"), body -> activeRules(body).contains("baseline-the-rest"));
    assertThat(edited.getJsonObject("file").getLong("reloads")).isEqualTo(1);
    Files.writeString(rules, "version: 1\nrules: [oops\n");
    JsonObject refused = Poll.until(Duration.ofSeconds(30), "the bad edit refused",
        () -> getJson(second, "/api/v1/sampling/rules"), body -> body.getJsonObject("file").getBoolean("invalidOnDisk"));
    assertThat(activeRules(refused)).as("the rules in force after a bad edit").contains("baseline-the-rest");
    second.process.destroy();
    assertThat(second.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
  }

  private static List<String> activeRules(JsonObject rulesBody) {
    return rulesBody.getJsonArray("rules").stream()
        .map(JsonObject.class::cast)
        .filter(rule -> rule.getBoolean("active"))
        .map(rule -> rule.getString("name"))
        .toList();
  }

  /** SIGTERM to every process of the server's group (its session leader's ID is the group's). */
  private static void terminateProcessGroup(Process leader) throws Exception {
    Process kill = new ProcessBuilder("kill", "-TERM", "--", "-" + leader.pid()).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -TERM -- -pgid").isTrue();
  }

  private record Server(Process process, Path stdout, Path stderr, int grpcPort, int apiPort) {}

  private Server start(Path config, Path logs) throws IOException {
    Path stdout = Files.createDirectories(logs).resolve("stdout.txt");
    Path stderr = logs.resolve("stderr.txt");
    Process process =
        new ProcessBuilder(
                "setsid", // a process group of its own, which the test can signal as a whole
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                Distribution.classpath(),
                "io.tailkeep.deploy.Main",
                "run",
                "--config",
                config.toString())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    processes.add(process);
    String banner =
        Poll.until(
            Duration.ofSeconds(180),
            "the server's ready banner (logs in " + logs + ")",
            () -> {
              assertThat(process.isAlive()).as("server process alive; stderr:%n%s", read(stderr)).isTrue();
              return read(stdout);
            },
            out -> out.contains("Tailkeep is ready."));
    return new Server(process, stdout, stderr, port(GRPC_PORT, banner), port(API_PORT, banner));
  }

  private static int port(Pattern pattern, String banner) {
    Matcher matcher = pattern.matcher(banner);
    assertThat(matcher.find()).as("%s in%n%s", pattern, banner).isTrue();
    return Integer.parseInt(matcher.group(1));
  }

  private JsonObject getJson(Server server, String path) {
    HttpResponse<String> response = get(server, path);
    try {
      return response.statusCode() == 200 ? new JsonObject(response.body()) : null;
    } catch (DecodeException e) {
      throw new AssertionError(path + " answered no JSON: " + response.body(), e);
    }
  }

  private int status(Server server, String path) {
    return get(server, path).statusCode();
  }

  private HttpResponse<String> get(Server server, String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.apiPort + path))
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
