package io.tailkeep.kafka.testing;

import io.tailkeep.kafka.broker.EmbeddedKafka;
import io.tailkeep.kafka.broker.KafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * One Kafka broker per test JVM, started on first use, shared by every test class, stopped by a shutdown hook.
 *
 * <p>System property {@code tailkeep.kafka}: {@code embedded} (the launcher, a child JVM), {@code testcontainers}
 * (image {@value #IMAGE}), or {@code auto} (default: Testcontainers only when a Docker engine is reachable). Tests
 * never skip for want of Docker; they fall back to the embedded broker. Either way the broker creates no topic by
 * itself: a test creates the topics it uses, with their partition counts.
 */
public final class TestKafka {

  private static final Logger LOG = LoggerFactory.getLogger(TestKafka.class);

  static final String MODE_PROPERTY = "tailkeep.kafka";
  static final String IMAGE = "apache/kafka:4.1.1";
  // Under the module directory (surefire's working directory), wiped at start: every run is fresh.
  static final Path EMBEDDED_WORK_DIRECTORY = Path.of("target", "kafka-test-broker");

  private static KafkaEndpoint shared;

  private TestKafka() {}

  public static synchronized KafkaEndpoint shared() {
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
      throw new IllegalStateException(MODE_PROPERTY + " must be embedded, testcontainers or auto: " + value, e);
    }
  }

  private static KafkaEndpoint start(Mode mode) {
    boolean container = mode == Mode.TESTCONTAINERS || (mode == Mode.AUTO && dockerReachable());
    try {
      return container ? startContainer() : startEmbedded();
    } catch (IOException e) {
      throw new IllegalStateException("Test Kafka (" + mode + ") did not start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting the test Kafka", e);
    }
  }

  /** The file/env check is free; only then ask Testcontainers, which may take seconds to give up. */
  private static boolean dockerReachable() {
    boolean hinted = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
    return hinted && DockerClientFactory.instance().isDockerAvailable();
  }

  private static KafkaEndpoint startContainer() {
    // The embedded broker's settings that tests can tell apart.
    KafkaContainer container = new KafkaContainer(IMAGE)
        .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
        .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
    container.start();
    Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "tailkeep-test-kafka-stop"));
    LOG.info("Test Kafka: container {} at {}", IMAGE, container.getBootstrapServers());
    return new KafkaEndpoint(container.getBootstrapServers());
  }

  private static KafkaEndpoint startEmbedded() throws IOException, InterruptedException {
    Path workDirectory = EMBEDDED_WORK_DIRECTORY.toAbsolutePath();
    deleteRecursively(workDirectory);
    // The broker registers its own shutdown hook.
    KafkaBroker broker = EmbeddedKafka.builder().workDirectory(workDirectory).build().start();
    LOG.info("Test Kafka: embedded broker at {} (logs in {})", broker.bootstrapServers(), broker.logDirectory());
    return new KafkaEndpoint(broker.bootstrapServers());
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
