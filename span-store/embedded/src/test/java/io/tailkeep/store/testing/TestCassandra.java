package io.tailkeep.store.testing;

import io.tailkeep.store.cassandra.node.CassandraNode;
import io.tailkeep.store.cassandra.node.EmbeddedCassandra;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.cassandra.CassandraContainer;

/**
 * One Cassandra per test JVM, started on first use, shared by every test class, stopped by a shutdown hook.
 *
 * <p>System property {@code tailkeep.cassandra}: {@code embedded} (the launcher, a child JVM), {@code
 * testcontainers} (image {@value #IMAGE}), or {@code auto} (default: Testcontainers only when a Docker engine is
 * reachable). Tests never skip for want of Docker; they fall back to the embedded node.
 */
public final class TestCassandra {

  private static final Logger LOG = LoggerFactory.getLogger(TestCassandra.class);

  static final String MODE_PROPERTY = "tailkeep.cassandra";
  static final String IMAGE = "cassandra:5.0";
  // Under the module directory (surefire's working directory), wiped at start: every run is fresh.
  static final Path EMBEDDED_WORK_DIRECTORY = Path.of("target", "cassandra-test-node");

  private static CassandraEndpoint shared;

  private TestCassandra() {}

  public static synchronized CassandraEndpoint shared() {
    if (shared == null) {
      shared = start(mode());
    }
    return shared;
  }

  private enum Mode { EMBEDDED, TESTCONTAINERS, AUTO }

  private static Mode mode() {
    String value = System.getProperty(MODE_PROPERTY, "auto").strip();
    try {
      return Mode.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          MODE_PROPERTY + " must be embedded, testcontainers or auto: " + value, e);
    }
  }

  private static CassandraEndpoint start(Mode mode) {
    boolean container = mode == Mode.TESTCONTAINERS || (mode == Mode.AUTO && dockerReachable());
    try {
      return container ? startContainer() : startEmbedded();
    } catch (IOException e) {
      throw new IllegalStateException("Test Cassandra (" + mode + ") did not start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting the test Cassandra", e);
    }
  }

  /** The file/env check is free; only then ask Testcontainers, which may take seconds to give up. */
  private static boolean dockerReachable() {
    boolean hinted = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
    return hinted && DockerClientFactory.instance().isDockerAvailable();
  }

  private static CassandraEndpoint startContainer() {
    CassandraContainer container = new CassandraContainer(IMAGE);
    container.start();
    Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "tailkeep-test-cassandra-stop"));
    LOG.info("Test Cassandra: container {} at {}", IMAGE, container.getContactPoint());
    return new CassandraEndpoint(container.getContactPoint(), container.getLocalDatacenter());
  }

  private static CassandraEndpoint startEmbedded() throws IOException, InterruptedException {
    Path workDirectory = EMBEDDED_WORK_DIRECTORY.toAbsolutePath();
    deleteRecursively(workDirectory);
    // The node registers its own shutdown hook.
    CassandraNode node = EmbeddedCassandra.builder().workDirectory(workDirectory).build().start();
    LOG.info("Test Cassandra: embedded node at {} (logs in {})", node.cqlAddress(), node.logDirectory());
    return new CassandraEndpoint(node.cqlAddress(), node.localDatacenter());
  }

  private static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }
}
