package io.tailkeep.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.store.cassandra.node.CassandraNode;
import io.tailkeep.store.cassandra.node.EmbeddedCassandra;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS to Cassandra on a real node of its own that speaks TLS on its CQL port, with certificates
 * made by the JDK's keytool: the store connects, creates its schema and reads through TLS when it
 * trusts the node's certificate, and refuses to connect when it does not.
 */
class CassandraTlsTest {

  private static final String PASSWORD = "changeit";
  private static Path dir;
  private static CassandraNode node;

  @BeforeAll
  static void startNodeWithTls() throws Exception {
    dir = Path.of("target", "tls-node").toAbsolutePath();
    deleteRecursively(dir);
    Files.createDirectories(dir);
    keytool("-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
        "-keystore", "node.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-exportcert", "-alias", "node", "-keystore", "node.p12", "-storepass", PASSWORD,
        "-file", "node.crt");
    keytool("-importcert", "-noprompt", "-alias", "node", "-file", "node.crt",
        "-keystore", "trust.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
    // A trust store holding some other certificate only.
    keytool("-genkeypair", "-alias", "stranger", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=stranger", "-keystore", "stranger.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-exportcert", "-alias", "stranger", "-keystore", "stranger.p12", "-storepass", PASSWORD,
        "-file", "stranger.crt");
    keytool("-importcert", "-noprompt", "-alias", "stranger", "-file", "stranger.crt",
        "-keystore", "wrong-trust.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);

    node =
        EmbeddedCassandra.builder()
            .workDirectory(dir.resolve("node"))
            .maxHeap("512m")
            .clientTls(dir.resolve("node.p12"), PASSWORD)
            .build()
            .start();
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  private static CassandraStorage.Builder storage(Path truststore) {
    return CassandraStorage.builder()
        .contactPoints(List.of(node.cqlAddress()))
        .localDatacenter(node.localDatacenter())
        .keyspace("tls_test")
        .tls(new CassandraTls(
            Optional.of(truststore), Optional.of(PASSWORD), Optional.empty(), Optional.empty(), true));
  }

  @Test
  void trustingTheNodesCertificateConnectsCreatesTheSchemaAndReads() throws Exception {
    try (CassandraSpanStore store = storage(dir.resolve("trust.p12")).build().open()) {
      assertThat(store.reader().getServices().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEmpty();
    }
  }

  @Test
  void itsToStringShowsOnlyWhetherThePasswordsAreSet() {
    CassandraTls tls = new CassandraTls(Optional.of(Path.of("trust.p12")), Optional.of("s3cret-trust"),
        Optional.of(Path.of("key.p12")), Optional.of("s3cret-key"), true);

    assertThat(tls.toString()).doesNotContain("s3cret")
        .contains("truststorePassword=(set)", "keystorePassword=(set)", "trust.p12");
  }

  @Test
  void notTrustingItRefusesToConnect() {
    assertThatThrownBy(() -> storage(dir.resolve("wrong-trust.p12")).build().open().close())
        .hasStackTraceContaining("SSL");
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
