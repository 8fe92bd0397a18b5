package io.tailkeep.kafka.broker;

import static io.tailkeep.embedded.LaunchSettings.absolute;
import static io.tailkeep.embedded.LaunchSettings.heapSize;
import static io.tailkeep.embedded.LaunchSettings.port;
import static io.tailkeep.embedded.LaunchSettings.requireArgument;

import io.tailkeep.embedded.ChildJvm;
import io.tailkeep.embedded.LocalPorts;
import io.tailkeep.embedded.LogTail;
import io.tailkeep.embedded.LaunchSettings;
import io.tailkeep.embedded.ServerClasspath;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a real Apache Kafka broker as a separate JVM, for tests and for a local cluster: one node in KRaft
 * combined mode (broker and controller), on 127.0.0.1. The broker's jars are resolved by Maven into a folder on
 * first use and never join this JVM's classpath.
 *
 * <pre>{@code
 * try (KafkaBroker broker = EmbeddedKafka.builder().workDirectory(dir).build().start()) {
 *   Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))...
 * }
 * }</pre>
 */
public final class EmbeddedKafka {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  // The broker's pom, filtered by this module's build from src/main/kafka-broker: the parent pom names the version.
  private static final URL SERVER_POM = EmbeddedKafka.class.getResource("pom.xml");
  static final String VERSION = ServerClasspath.versionIn(SERVER_POM, "kafka_2.13");
  static final ServerClasspath SERVER_CLASSPATH = new ServerClasspath("Kafka", VERSION, SERVER_POM, "kafka-" + VERSION);

  static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(90);
  public static final String DEFAULT_MAX_HEAP = "512m";
  static final int DEFAULT_PARTITIONS = 1;
  static final int ANY_FREE_PORT = LaunchSettings.ANY_FREE_PORT;
  private static final int LOG_TAIL_LINES = 40;

  private final Path workDirectory;
  private final Path classpathDirectory;
  private final Duration startupTimeout;
  private final String maxHeap;
  private final int partitions;
  private final int brokerPort;
  private final int controllerPort;

  private EmbeddedKafka(Builder builder) {
    this.workDirectory = builder.workDirectory;
    this.classpathDirectory = builder.classpathDirectory;
    this.startupTimeout = builder.startupTimeout;
    this.maxHeap = builder.maxHeap;
    this.partitions = builder.partitions;
    this.brokerPort = builder.brokerPort;
    this.controllerPort = builder.controllerPort;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Resolves the broker's classpath if missing, writes the configuration, formats the storage on the first start
   * in this work directory, starts the JVM and returns once the broker answers an AdminClient. Fails with the tail
   * of the broker's logs if it exits or does not answer in time.
   */
  public KafkaBroker start() throws IOException, InterruptedException {
    Path serverLib = resolveClasspath();
    BrokerLayout layout = new BrokerLayout(workDirectory);
    int broker;
    int controller;
    try (LocalPorts ports = new LocalPorts()) {
      broker = ports.claim("brokerPort", brokerPort);
      controller = ports.claim("controllerPort", controllerPort);
    }
    try {
      BrokerConfiguration.write(layout, broker, controller, partitions);
    } catch (IOException e) {
      throw new IOException("workDirectory " + workDirectory + " cannot hold the broker's files: " + e, e);
    }

    long started = System.nanoTime();
    boolean firstStart = !Files.exists(layout.metaProperties());
    if (firstStart) {
      formatStorage(serverLib, layout);
    }
    ChildJvm process = ChildJvm.start("Kafka", BrokerCommand.broker(serverLib, layout, maxHeap), workDirectory,
        layout.stdoutLog(), KafkaBroker.GRACEFUL_STOP);
    KafkaBroker kafka = new KafkaBroker(process, layout, broker, controller);
    try {
      kafka.awaitAnswer(startupTimeout);
    } catch (InterruptedException e) {
      kafka.stop();
      throw e;
    }
    LOG.info("Kafka {} answers on {} after {} ms{} (pid {}, work directory {})", VERSION,
        kafka.bootstrapServers(), Duration.ofNanos(System.nanoTime() - started).toMillis(),
        firstStart ? ", storage format included" : "", process.pid(), workDirectory);
    return kafka;
  }

  private Path resolveClasspath() throws IOException, InterruptedException {
    try {
      return SERVER_CLASSPATH.resolve(classpathDirectory);
    } catch (IOException e) {
      throw new IOException("Kafka's jars could not be resolved into classpathDirectory " + classpathDirectory
          + ": " + e.getMessage(), e);
    }
  }

  /** A new data directory is formatted once, as a cluster of its own whose only voter is this node. */
  private void formatStorage(Path serverLib, BrokerLayout layout) throws IOException, InterruptedException {
    String clusterId = ClusterId.random();
    LOG.debug("Formatting Kafka storage in {} for cluster {}", layout.data(), clusterId);
    ChildJvm format = ChildJvm.start("Kafka storage format", BrokerCommand.format(serverLib, layout, clusterId),
        workDirectory, layout.formatLog(), KafkaBroker.GRACEFUL_STOP);
    try {
      if (!format.waitFor(startupTimeout)) {
        throw new IOException("Formatting Kafka's storage in " + layout.data() + " (" + BrokerCommand.STORAGE_TOOL_MAIN
            + ") did not finish within startupTimeout " + startupTimeout + formatLogTail(layout));
      }
      if (format.exitValue() != 0 || !Files.exists(layout.metaProperties())) {
        throw new IOException("Formatting Kafka's storage in " + layout.data() + " failed: "
            + BrokerCommand.STORAGE_TOOL_MAIN + " exited with code " + format.exitValue()
            + " (jars from " + serverLib + ")" + formatLogTail(layout));
      }
    } finally {
      format.stop();
    }
  }

  private static String formatLogTail(BrokerLayout layout) {
    String tail = LogTail.of(layout.formatLog(), LOG_TAIL_LINES);
    return tail.isBlank() ? " (" + layout.formatLog() + " is empty)"
        : System.lineSeparator() + "Last lines of " + layout.formatLog() + ":" + System.lineSeparator() + tail;
  }

  @Override
  public String toString() {
    return "EmbeddedKafka{version=" + VERSION + ", workDirectory=" + workDirectory
        + ", classpathDirectory=" + classpathDirectory + ", startupTimeout=" + startupTimeout
        + ", maxHeap=" + maxHeap + ", partitions=" + partitions + ", brokerPort=" + brokerPort
        + ", controllerPort=" + controllerPort + "}";
  }

  /** Settings are checked as they are set; {@link #build()} checks what needs them all together. */
  public static final class Builder {

    // What -Xmx accepts: a positive number with an optional unit.

    private Path workDirectory;
    private Path classpathDirectory = SERVER_CLASSPATH.defaultDirectory();
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private String maxHeap = DEFAULT_MAX_HEAP;
    private int partitions = DEFAULT_PARTITIONS;
    private int brokerPort = ANY_FREE_PORT;
    private int controllerPort = ANY_FREE_PORT;

    private Builder() {}

    /** Required: where the broker keeps config, data and logs; kept across restarts (an absolute path). */
    public Builder workDirectory(Path dir) {
      this.workDirectory = absolute("workDirectory", dir);
      return this;
    }

    /** Where Kafka's jars are resolved into {@code lib/}; default {@code ~/.cache/tailkeep/kafka-<version>}. */
    public Builder classpathDirectory(Path dir) {
      this.classpathDirectory = absolute("classpathDirectory", dir);
      return this;
    }

    /** How long {@link #start()} waits for the broker to answer (and, on a first start, for the format). */
    public Builder startupTimeout(Duration d) {
      requireArgument(d != null && !d.isNegative() && !d.isZero(), "startupTimeout must be positive: %s", d);
      this.startupTimeout = d;
      return this;
    }

    /** The broker's heap, in -Xmx syntax such as {@code 512m}; default {@code 512m}. */
    public Builder maxHeap(String size) {
      this.maxHeap = heapSize("maxHeap", size);
      return this;
    }

    /** Kafka's {@code num.partitions}: the partitions of a topic created without a count; default 1. */
    public Builder partitions(int count) {
      requireArgument(count >= 1 && count <= 10_000, "partitions must be between 1 and 10000: %s", count);
      this.partitions = count;
      return this;
    }

    /** The clients' port; default 0, a free port chosen at each start. */
    public Builder brokerPort(int port) {
      this.brokerPort = port("brokerPort", port);
      return this;
    }

    /** The KRaft controller's port; default 0, a free port chosen at each start. */
    public Builder controllerPort(int port) {
      this.controllerPort = port("controllerPort", port);
      return this;
    }

    public EmbeddedKafka build() {
      if (workDirectory == null) {
        throw new IllegalStateException("workDirectory is required");
      }
      if (brokerPort != ANY_FREE_PORT && brokerPort == controllerPort) {
        throw new IllegalStateException("brokerPort and controllerPort are both " + brokerPort);
      }
      return new EmbeddedKafka(this);
    }



  }
}
