package io.tailkeep.deploy.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.deploy.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS files behind a Vert.x server: served, and a renewed pair served without a restart. */
class ServerTlsTest {

  @TempDir Path dir;

  @Test
  void aRenewedCertificateIsServedWithoutARestart() throws Exception {
    TestCertificates first = TestCertificates.create(dir, "first");
    TestCertificates second = TestCertificates.create(dir, "second");
    Path cert = Files.copy(first.certFile(), dir.resolve("live.crt"));
    Path key = Files.copy(first.keyFile(), dir.resolve("live.key"));
    Vertx vertx = Vertx.vertx();
    try (ServerTls tls = ServerTls.load(cert, key, Optional.empty(), Duration.ofMillis(50))) {
      HttpServer server =
          vertx.createHttpServer(tls.api(new HttpServerOptions().setHost("127.0.0.1").setPort(0)))
              .requestHandler(request -> request.response().end("ok"))
              .listen()
              .await();
      int port = server.actualPort();
      assertThat(status(port, first)).isEqualTo(200);
      assertThat(status(port, second)).isEqualTo(-1);

      // A renewal writes two files: between them, the new key does not fit the old certificate.
      Files.copy(second.keyFile(), key, StandardCopyOption.REPLACE_EXISTING);
      Thread.sleep(300); // several looks at the files
      assertThat(status(port, first)).as("the old pair still served").isEqualTo(200);
      Files.copy(second.certFile(), cert, StandardCopyOption.REPLACE_EXISTING);

      long deadline = System.nanoTime() + 10_000_000_000L;
      while (status(port, second) != 200) {
        assertThat(System.nanoTime()).as("renewed within 10 s").isLessThan(deadline);
        Thread.sleep(50);
      }
      assertThat(status(port, first)).isEqualTo(-1);
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aMissingOrBrokenFileIsNamed() throws Exception {
    TestCertificates first = TestCertificates.create(dir, "first");
    Path missing = dir.resolve("missing.crt");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(
            () -> ServerTls.load(missing, first.keyFile(), Optional.empty(), Duration.ofSeconds(1))))
        .hasMessage("TLS file " + missing + " does not exist");
    Path garbage = Files.writeString(dir.resolve("garbage.crt"), "not a certificate");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(
            () -> ServerTls.load(garbage, first.keyFile(), Optional.empty(), Duration.ofSeconds(1))))
        .hasMessageStartingWith("TLS certificate " + garbage + " and key " + first.keyFile() + " cannot be used");
    TestCertificates second = TestCertificates.create(dir, "second");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(
            () -> ServerTls.load(first.certFile(), second.keyFile(), Optional.empty(), Duration.ofSeconds(1))))
        .hasMessageContaining("the key in " + second.keyFile() + " is not the certificate's in " + first.certFile());
  }

  /** GET / over HTTPS trusting only {@code trusted}; -1 when the handshake fails. */
  static int status(int port, TestCertificates trusted) throws Exception {
    HttpClient https = trusted.httpsClientTrustingOnlyThis();
    try {
      return https
          .send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/")).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    }
  }
}
