package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on 4317, 4318 and 16686 from PEM files: the SDK exporters and an HTTPS client that trust the
 * certificate get in, plaintext does not; a renewed certificate is served without a restart; with
 * a client CA the ingest ports require a client certificate and the API port does not.
 */
class TlsEndToEndTest {

  static final String KEYSPACE = "e2e_tls";

  @TempDir static Path dir;
  private static TestCertificates server;
  private static TestCertificates renewed;
  private static TestCertificates client;

  @BeforeAll
  static void certificates() throws Exception {
    server = TestCertificates.create(dir, "server");
    renewed = TestCertificates.create(dir, "renewed");
    client = TestCertificates.create(dir, "client");
  }

  @Test
  void everyPortSpeaksTlsAndARenewedCertificateIsServedWithoutARestart() throws Exception {
    Path cert = Files.copy(server.certFile(), dir.resolve("live.crt"), StandardCopyOption.REPLACE_EXISTING);
    Path key = Files.copy(server.keyFile(), dir.resolve("live.key"), StandardCopyOption.REPLACE_EXISTING);
    try (TailkeepServer tk = TestServers.start(builder().tls(cert, key).tokensCheckInterval(Duration.ofMillis(100)))) {
      assertThat(export(grpc(tk, true, server, null))).as("gRPC over TLS").isTrue();
      assertThat(export(http(tk, true, server, null))).as("OTLP/HTTP over TLS").isTrue();
      assertThat(apiStatus(tk, server)).isEqualTo(200);

      assertThat(export(grpc(tk, false, null, null))).as("plaintext gRPC").isFalse();
      assertThat(export(http(tk, false, null, null))).as("plaintext HTTP").isFalse();
      assertThat(export(grpc(tk, true, renewed, null))).as("trusting another certificate").isFalse();
      assertThat(apiStatus(tk, renewed)).as("API, trusting another certificate").isEqualTo(-1);

      // Renewal: new files in place, the servers untouched.
      Files.copy(renewed.keyFile(), key, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(renewed.certFile(), cert, StandardCopyOption.REPLACE_EXISTING);

      Poll.until(Duration.ofSeconds(15), "the renewed certificate served on the API port",
          () -> apiStatus(tk, renewed) == 200);
      assertThat(export(grpc(tk, true, renewed, null))).as("gRPC, renewed").isTrue();
      assertThat(export(http(tk, true, renewed, null))).as("OTLP/HTTP, renewed").isTrue();
      assertThat(apiStatus(tk, server)).as("the old certificate is gone").isEqualTo(-1);
    }
  }

  @Test
  void withAClientCaTheIngestPortsRequireAClientCertificate() throws Exception {
    try (TailkeepServer tk =
        TestServers.start(builder().tls(server.certFile(), server.keyFile()).tlsClientCa(client.certFile()))) {
      assertThat(export(grpc(tk, true, server, client))).as("gRPC with a client certificate").isTrue();
      assertThat(export(http(tk, true, server, client))).as("HTTP with a client certificate").isTrue();

      assertThat(export(grpc(tk, true, server, null))).as("gRPC without").isFalse();
      assertThat(export(http(tk, true, server, null))).as("HTTP without").isFalse();
      assertThat(export(grpc(tk, true, server, renewed))).as("gRPC, a certificate of another CA").isFalse();
      assertThat(apiStatus(tk, server)).as("the API port asks for none").isEqualTo(200);
    }
  }

  // ---- helpers

  private static TailkeepServer.Builder builder() {
    return TestServers.builder(TestStores.open(KEYSPACE), TestServers.QUICK_DECISIONS, TestServers.QUICK_RETRIES);
  }

  private static SpanExporter grpc(
      TailkeepServer tk, boolean tls, TestCertificates trusted, TestCertificates clientCert)
      throws IOException {
    var builder =
        OtlpGrpcSpanExporter.builder()
            .setEndpoint((tls ? "https" : "http") + "://127.0.0.1:" + tk.grpcPort())
            .setTimeout(Duration.ofSeconds(5))
            .setRetryPolicy(null);
    if (trusted != null) {
      builder.setTrustedCertificates(trusted.certPem());
    }
    if (clientCert != null) {
      builder.setClientTls(clientCert.keyPem(), clientCert.certPem());
    }
    return builder.build();
  }

  private static SpanExporter http(
      TailkeepServer tk, boolean tls, TestCertificates trusted, TestCertificates clientCert)
      throws IOException {
    var builder =
        OtlpHttpSpanExporter.builder()
            .setEndpoint((tls ? "https" : "http") + "://127.0.0.1:" + tk.httpPort() + "/v1/traces")
            .setTimeout(Duration.ofSeconds(5))
            .setRetryPolicy(null);
    if (trusted != null) {
      builder.setTrustedCertificates(trusted.certPem());
    }
    if (clientCert != null) {
      builder.setClientTls(clientCert.keyPem(), clientCert.certPem());
    }
    return builder.build();
  }

  /** Whether one span made by the SDK is accepted through {@code exporter}. */
  private static boolean export(SpanExporter exporter) {
    RecordingExporter watching = new RecordingExporter(exporter);
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(watching)).build()) {
      Span span = provider.get("io.tailkeep.test").spanBuilder("GET /cart").startSpan();
      span.end();
      provider.forceFlush().join(15, TimeUnit.SECONDS);
      assertThat(watching.exportsSucceeded() + watching.failures().size()).as("exports ended").isEqualTo(1);
      return watching.exportsSucceeded() == 1;
    }
  }

  /** The status of {@code GET /health/live} over HTTPS trusting {@code trusted} only; -1 if TLS failed. */
  private static int apiStatus(TailkeepServer tk, TestCertificates trusted) {
    try {
      HttpClient https = trusted.httpsClientTrustingOnlyThis();
      return https.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tk.apiPort() + "/health/live")).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
