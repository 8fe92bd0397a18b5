package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A server with a tokens file: every port refuses callers without a known token (401 /
 * UNAUTHENTICATED) and with the wrong role (403 / PERMISSION_DENIED), lets the right ones in with
 * a Bearer header or Grafana's Basic auth, and takes a changed tokens file without a restart.
 */
class AccessEndToEndTest {

  static final String KEYSPACE = "e2e_access";

  private static final String APP = "app-token-0123456789abcdef";
  private static final String GRAFANA = "grafana-token-0123456789ab";
  private static final String OPS = "ops-token-0123456789abcdef";
  private static final String TOKENS =
      """
      - {name: app, token: %s, roles: [ingest]}
      - {name: grafana, token: %s, roles: [read]}
      - {name: ops, token: %s, roles: [read, admin]}
      """.formatted(APP, GRAFANA, OPS);

  @TempDir static Path dir;
  private static Path tokensFile;
  private static TailkeepServer server;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    tokensFile = Files.writeString(dir.resolve("tokens.yaml"), TOKENS);
    server =
        TestServers.start(
            TestServers.builder(TestStores.open(KEYSPACE), TestServers.QUICK_DECISIONS, TestServers.QUICK_RETRIES)
                .tokensFile(tokensFile)
                .tokensCheckInterval(Duration.ofMillis(50)));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void grpcExportsNeedAnIngestToken() {
    String kept = sendErrorTrace(grpc("Bearer " + APP));
    assertThat(kept).isNotNull();
    assertThat(sendErrorTrace(grpc(basic("otel", APP)))).as("Basic, token as password").isNotNull();

    assertThat(sendErrorTrace(grpc(null))).as("no token").isNull();
    assertThat(sendErrorTrace(grpc("Bearer wrong-token-0123456789"))).as("unknown token").isNull();
    assertThat(sendErrorTrace(grpc("Bearer " + GRAFANA))).as("read role only").isNull();

    String scrape = server.scrapeMetrics();
    assertThat(scrape).contains(
        "tailkeep_collector_requests_refused_total{status=\"unauthenticated\",transport=\"grpc\"} 2.0",
        "tailkeep_collector_requests_refused_total{status=\"permission_denied\",transport=\"grpc\"} 1.0");
    // What got in is stored and readable with a read token.
    Poll.until(Duration.ofSeconds(30), "the kept trace readable through the Jaeger API",
        () -> send(api("/api/traces/" + kept, basic("grafana", GRAFANA))).statusCode() == 200);
  }

  @Test
  void httpExportsNeedAnIngestToken() throws Exception {
    assertThat(sendErrorTrace(http("Bearer " + APP))).isNotNull();
    assertThat(sendErrorTrace(http(null))).isNull();
    assertThat(sendErrorTrace(http("Bearer " + OPS))).isNull();

    HttpResponse<byte[]> none = client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/traces"))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0]))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(com.google.rpc.Status.parseFrom(none.body()).getCode())
        .isEqualTo(com.google.rpc.Code.UNAUTHENTICATED_VALUE);
  }

  @Test
  void theApiPortAsksBrowsersToLogInAndChecksRoles() throws Exception {
    for (String path : List.of("/", "/search", "/sampling", "/static/app.js", "/api/v1/services",
        "/api/services", "/api/traces/0af7651916cd43dd8448eb211c80319c", "/api/v1/sampling/rules",
        "/no/such/path", "/health/../api/services")) {
      HttpResponse<String> anonymous = send(api(path, null));
      assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).as(path)
          .contains("Basic realm=\"tailkeep\"");
      assertThat(send(api(path, "Bearer " + APP)).statusCode()).as(path + " with an ingest token")
          .isEqualTo(403);
      assertThat(send(api(path, basic("admin", "not-a-token-0123456789"))).statusCode()).as(path)
          .isEqualTo(401);
    }

    // Grafana's Jaeger data source with basic auth: any user, the token as password.
    HttpResponse<String> services = send(api("/api/services", basic("grafana", GRAFANA)));
    assertThat(services.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(services.body()).containsKey("data")).isTrue();
    assertThat(send(api("/search", basic("someone", GRAFANA))).statusCode()).isEqualTo(200);
    assertThat(send(api("/api/v1/services", "Bearer " + GRAFANA)).statusCode()).isEqualTo(200);

    // Each API's own error format: Jaeger's errors list, the router's error object.
    JsonObject jaeger = new JsonObject(send(api("/api/services", null)).body());
    assertThat(jaeger.getJsonArray("errors").getJsonObject(0).getInteger("code")).isEqualTo(401);
    JsonObject forbidden = new JsonObject(send(api("/api/v1/sampling/rules", "Bearer " + GRAFANA)).body());
    assertThat(forbidden.getJsonObject("error").getString("message"))
        .isEqualTo("token 'grafana' does not have the 'admin' role");

    // The sampling admin API needs admin; "why" a trace was kept is part of reading it.
    assertThat(send(api("/api/v1/sampling/rules", "Bearer " + OPS)).statusCode()).isEqualTo(200);
    assertThat(send(api("/api/v1/sampling/partitions", "Bearer " + OPS)).statusCode()).isEqualTo(200);
    assertThat(send(api("/api/v1/sampling/why/0af7651916cd43dd8448eb211c80319c", "Bearer " + GRAFANA))
        .statusCode()).isEqualTo(404);
  }

  @Test
  void healthAndMetricsStayOpen() throws Exception {
    assertThat(send(api("/health/live", null)).statusCode()).isEqualTo(200);
    assertThat(send(api("/health/ready", null)).statusCode()).isEqualTo(200);
    assertThat(send(api("/metrics", null)).statusCode()).isEqualTo(200);
  }

  @Test
  void metricsCanNeedAReadToken() throws Exception {
    try (TailkeepServer guarded =
        TestServers.start(
            TestServers.builder(TestStores.open(KEYSPACE), TestServers.QUICK_DECISIONS, TestServers.QUICK_RETRIES)
                .tokensFile(tokensFile)
                .metricsNeedToken(true))) {
      String metrics = "http://127.0.0.1:" + guarded.apiPort() + "/metrics";
      assertThat(send(request(metrics, null)).statusCode()).isEqualTo(401);
      assertThat(send(request(metrics, "Bearer " + APP)).statusCode()).isEqualTo(403);
      assertThat(send(request(metrics, basic("prometheus", GRAFANA))).statusCode()).isEqualTo(200);
      assertThat(send(request("http://127.0.0.1:" + guarded.apiPort() + "/health/live", null)).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void aChangedTokensFileIsTakenWithoutARestart() throws Exception {
    String rotated = "rotated-token-0123456789ab";
    try {
      Files.writeString(tokensFile, TOKENS.replace(GRAFANA, rotated));

      Poll.until(Duration.ofSeconds(10), "the rotated token accepted",
          () -> send(api("/api/services", "Bearer " + rotated)).statusCode() == 200);
      assertThat(send(api("/api/services", "Bearer " + GRAFANA)).statusCode()).isEqualTo(401);

      // A broken file keeps the tokens read last.
      Files.writeString(tokensFile, "- {name: broken, token: short, roles: [read]}\n");
      Thread.sleep(300); // six looks at the file
      assertThat(send(api("/api/services", "Bearer " + rotated)).statusCode()).isEqualTo(200);
    } finally {
      Files.writeString(tokensFile, TOKENS);
      Poll.until(Duration.ofSeconds(10), "the first tokens back",
          () -> send(api("/api/services", "Bearer " + GRAFANA)).statusCode() == 200);
    }
  }

  @Test
  void withoutTokensTheDefaultIsLoopbackAndAnOpenHostIsWarnedAboutOnce() {
    Logger logger = (Logger) LoggerFactory.getLogger(TailkeepServer.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    logger.addAppender(log);
    try {
      TailkeepServer.Builder loopback =
          TestServers.builder(TestStores.open(KEYSPACE), TestServers.QUICK_DECISIONS, TestServers.QUICK_RETRIES);
      assertThat(loopback).extracting("host").isEqualTo("127.0.0.1"); // TestServers sets it too
      try (TailkeepServer quiet = TestServers.start(loopback)) {
        assertThat(quiet.apiPort()).isPositive();
      }
      try (TailkeepServer open =
          TestServers.start(
              TestServers.builder(TestStores.open(KEYSPACE), TestServers.QUICK_DECISIONS, TestServers.QUICK_RETRIES)
                  .host("0.0.0.0"))) {
        assertThat(open.apiPort()).isPositive();
      }
    } finally {
      logger.detachAppender(log);
    }
    List<String> access =
        log.list.stream()
            .filter(e -> e.getFormattedMessage().contains("auth.tokens_file"))
            .map(e -> e.getLevel() + " " + e.getFormattedMessage())
            .toList();
    assertThat(access).hasSize(2);
    assertThat(access.get(0)).startsWith("INFO no auth.tokens_file: no authentication, listening on 127.0.0.1 only");
    assertThat(access.get(1)).startsWith("WARN no auth.tokens_file: listening on 0.0.0.0 WITHOUT authentication");
  }

  @Test
  void theBuildersDefaultHostIsLoopback() {
    assertThat(TailkeepServer.builder()).extracting("host").isEqualTo("127.0.0.1");
  }

  // ---- helpers

  private static SpanExporter grpc(String authorization) {
    var builder =
        OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + server.grpcPort()).setRetryPolicy(null);
    if (authorization != null) {
      builder.addHeader("authorization", authorization);
    }
    return builder.build();
  }

  private static SpanExporter http(String authorization) {
    var builder =
        OtlpHttpSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + server.httpPort() + "/v1/traces")
            .setRetryPolicy(null);
    if (authorization != null) {
      builder.addHeader("Authorization", authorization);
    }
    return builder.build();
  }

  /** One error span (kept by the default rules) through {@code exporter}: its trace ID if taken, else null. */
  private static String sendErrorTrace(SpanExporter exporter) {
    RecordingExporter watching = new RecordingExporter(exporter);
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(Resource.getDefault().merge(Resource.create(
                io.opentelemetry.api.common.Attributes.of(OtelServices.SERVICE_NAME, "checkout"))))
            .addSpanProcessor(SimpleSpanProcessor.create(watching))
            .build()) {
      Span span = provider.get("io.tailkeep.test").spanBuilder("GET /cart").startSpan();
      span.setStatus(StatusCode.ERROR, "boom");
      span.end();
      provider.forceFlush().join(10, TimeUnit.SECONDS);
      assertThat(watching.exportsSucceeded() + watching.failures().size()).as("exports ended").isEqualTo(1);
      return watching.exportsSucceeded() == 1 ? span.getSpanContext().getTraceId() : null;
    }
  }

  private HttpRequest api(String path, String authorization) {
    return request("http://127.0.0.1:" + server.apiPort() + path, authorization);
  }

  private static HttpRequest request(String url, String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.build();
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
