package io.tailkeep.store.cassandra.node;

import static io.tailkeep.embedded.LaunchSettings.absolute;
import static io.tailkeep.embedded.LaunchSettings.heapSize;
import static io.tailkeep.embedded.LaunchSettings.port;
import static io.tailkeep.embedded.LaunchSettings.requireArgument;

import io.tailkeep.embedded.ChildJvm;
import io.tailkeep.embedded.LocalPorts;
import io.tailkeep.embedded.LaunchSettings;
import io.tailkeep.embedded.ServerClasspath;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a real Apache Cassandra node as a separate JVM, for tests and for running Tailkeep without an external
 * cluster. The server's jars are resolved by Maven into a folder on first use and never join this JVM's
 * classpath.
 *
 * <pre>{@code
 * try (CassandraNode node = EmbeddedCassandra.builder().workDirectory(dir).build().start()) {
 *   CqlSession.builder().addContactPoint(node.cqlAddress()).withLocalDatacenter(node.localDatacenter())...
 * }
 * }</pre>
 */
public final class EmbeddedCassandra {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCassandra.class);

  // The server's pom, filtered by this module's build from src/main/cassandra-node: the parent pom names the version.
  private static final URL SERVER_POM = EmbeddedCassandra.class.getResource("pom.xml");
  static final String VERSION = ServerClasspath.versionIn(SERVER_POM, "cassandra-all");
  static final ServerClasspath SERVER_CLASSPATH =
      new ServerClasspath("Cassandra", VERSION, SERVER_POM, "cassandra-" + VERSION);

  static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(120);
  public static final String DEFAULT_MAX_HEAP = "1g";
  static final String DEFAULT_CLUSTER_NAME = "tailkeep";
  static final int ANY_FREE_PORT = LaunchSettings.ANY_FREE_PORT;

  private final Path workDirectory;
  private final Path classpathDirectory;
  private final Duration startupTimeout;
  private final String maxHeap;
  private final String clusterName;
  private final int cqlPort;
  private final int storagePort;
  private final int jmxPort;
  private final NodeConfiguration.ClientTls clientTls;

  private EmbeddedCassandra(Builder builder) {
    this.workDirectory = builder.workDirectory;
    this.classpathDirectory = builder.classpathDirectory;
    this.startupTimeout = builder.startupTimeout;
    this.maxHeap = builder.maxHeap;
    this.clusterName = builder.clusterName;
    this.cqlPort = builder.cqlPort;
    this.storagePort = builder.storagePort;
    this.jmxPort = builder.jmxPort;
    this.clientTls = builder.clientTls;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Resolves the server's classpath if missing, writes the configuration, starts the JVM and returns once the
   * node answers CQL. Fails with the tail of the node's logs if it exits or does not answer in time.
   */
  public CassandraNode start() throws IOException, InterruptedException {
    Path serverLib = SERVER_CLASSPATH.resolve(classpathDirectory);
    NodeLayout layout = new NodeLayout(workDirectory);
    int cql;
    int storage;
    int jmx;
    try (LocalPorts ports = new LocalPorts()) {
      cql = ports.claim("cqlPort", cqlPort);
      storage = ports.claim("storagePort", storagePort);
      jmx = ports.claim("jmxPort", jmxPort);
    }
    NodeConfiguration.write(layout, clusterName, cql, storage, clientTls);
    List<String> command = NodeCommand.of(serverLib, layout, maxHeap, jmx);
    LOG.debug("Starting Cassandra: {}", command);

    long started = System.nanoTime();
    ChildJvm process = ChildJvm.start("Cassandra", command, workDirectory, layout.stdoutLog(),
        CassandraNode.GRACEFUL_STOP);
    CassandraNode node = new CassandraNode(process, layout, cql, storage, jmx);
    try {
      node.awaitCql(startupTimeout);
    } catch (InterruptedException e) {
      node.close();
      throw e;
    }
    LOG.info("Cassandra {} answers CQL on {}:{} after {} ms (pid {}, work directory {})",
        VERSION, CassandraNode.HOST, cql, Duration.ofNanos(System.nanoTime() - started).toMillis(),
        process.pid(), workDirectory);
    return node;
  }

  @Override
  public String toString() {
    return "EmbeddedCassandra{version=" + VERSION + ", workDirectory=" + workDirectory
        + ", classpathDirectory=" + classpathDirectory + ", startupTimeout=" + startupTimeout
        + ", maxHeap=" + maxHeap + ", clusterName=" + clusterName + ", cqlPort=" + cqlPort
        + ", storagePort=" + storagePort + ", jmxPort=" + jmxPort + "}";
  }

  /** Settings are checked as they are set; {@link #build()} checks what needs them all together. */
  public static final class Builder {

    // What -Xmx accepts: a positive number with an optional unit.

    private Path workDirectory;
    private Path classpathDirectory = SERVER_CLASSPATH.defaultDirectory();
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private String maxHeap = DEFAULT_MAX_HEAP;
    private String clusterName = DEFAULT_CLUSTER_NAME;
    private int cqlPort = ANY_FREE_PORT;
    private int storagePort = ANY_FREE_PORT;
    private int jmxPort = ANY_FREE_PORT;
    private NodeConfiguration.ClientTls clientTls;

    private Builder() {}

    /** Required. Holds data, commit log, hints, caches, logs and conf; kept across restarts. */
    public Builder workDirectory(Path dir) {
      this.workDirectory = absolute("workDirectory", dir);
      return this;
    }

    /** Where the server's jars are resolved to; default {@code ~/.cache/tailkeep/cassandra-<version>}. */
    public Builder classpathDirectory(Path dir) {
      this.classpathDirectory = absolute("classpathDirectory", dir);
      return this;
    }

    /** How long {@link #start()} waits for CQL; default 120 s. */
    public Builder startupTimeout(Duration d) {
      requireArgument(d != null && !d.isNegative() && !d.isZero(), "startupTimeout must be positive: %s", d);
      this.startupTimeout = d;
      return this;
    }

    /** The node's heap, in -Xmx syntax such as {@code 512m}; default {@code 1g}. */
    public Builder maxHeap(String size) {
      this.maxHeap = heapSize("maxHeap", size);
      return this;
    }

    /** Default {@code tailkeep}. Cassandra refuses to start on data written under another name. */
    public Builder clusterName(String name) {
      requireArgument(name != null && !name.isBlank(), "clusterName must not be blank: '%s'", name);
      this.clusterName = name;
      return this;
    }

    /** The CQL (native transport) port; default 0, a free port chosen at each start. */
    public Builder cqlPort(int port) {
      this.cqlPort = port("cqlPort", port);
      return this;
    }

    /** The internode port; default 0, a free port chosen at each start. */
    public Builder storagePort(int port) {
      this.storagePort = port("storagePort", port);
      return this;
    }

    /** The local JMX port; default 0, a free port chosen at each start. */
    public Builder jmxPort(int port) {
      this.jmxPort = port("jmxPort", port);
      return this;
    }

    /**
     * Also accepts TLS on the CQL port, with the node's certificate and key from a PKCS#12 key
     * store. Plain connections stay accepted.
     */
    public Builder clientTls(Path keystore, String password) {
      this.clientTls = new NodeConfiguration.ClientTls(absolute("clientTls keystore", keystore), password);
      return this;
    }

    public EmbeddedCassandra build() {
      if (workDirectory == null) {
        throw new IllegalStateException("workDirectory is required");
      }
      requireDistinct("cqlPort", cqlPort, "storagePort", storagePort);
      requireDistinct("cqlPort", cqlPort, "jmxPort", jmxPort);
      requireDistinct("storagePort", storagePort, "jmxPort", jmxPort);
      return new EmbeddedCassandra(this);
    }



    private static void requireDistinct(String setting, int port, String otherSetting, int otherPort) {
      if (port != ANY_FREE_PORT && port == otherPort) {
        throw new IllegalStateException(setting + " and " + otherSetting + " are both " + port);
      }
    }

  }
}
