package io.tailkeep.store.cassandra.node;

import io.tailkeep.embedded.ChildJvm;
import io.tailkeep.embedded.LocalPorts;
import io.tailkeep.embedded.LogTail;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A running Cassandra node in a child JVM, started by {@link EmbeddedCassandra#start()}. Closing it stops the
 * JVM gracefully and waits; a JVM shutdown hook closes it too, and the child exits by itself if this JVM dies.
 */
public final class CassandraNode implements AutoCloseable {

  static final String HOST = LocalPorts.LOOPBACK;
  static final String LOCAL_DATACENTER = "datacenter1"; // what SimpleSnitch reports
  static final Duration GRACEFUL_STOP = Duration.ofSeconds(30);
  private static final int LOG_TAIL_LINES = 40;

  private final ChildJvm process;
  private final NodeLayout layout;
  private final int cqlPort;
  private final int storagePort;
  private final int jmxPort;

  CassandraNode(ChildJvm process, NodeLayout layout, int cqlPort, int storagePort, int jmxPort) {
    this.process = process;
    this.layout = layout;
    this.cqlPort = cqlPort;
    this.storagePort = storagePort;
    this.jmxPort = jmxPort;
  }

  /**
   * Leaves stopping to the caller: by default the node stops when this JVM exits, but JVM shutdown
   * hooks run in parallel, so a server that must write to the node while it shuts down calls this
   * and closes the node itself afterwards. The node still exits if this JVM dies (its stdin closes).
   */
  public CassandraNode stopOnlyWhenClosed() {
    process.stopOnlyWhenAsked();
    return this;
  }

  public String host() {
    return HOST;
  }

  public int cqlPort() {
    return cqlPort;
  }

  public int storagePort() {
    return storagePort;
  }

  public int jmxPort() {
    return jmxPort;
  }

  public InetSocketAddress cqlAddress() {
    return new InetSocketAddress(HOST, cqlPort);
  }

  public String localDatacenter() {
    return LOCAL_DATACENTER;
  }

  public Path logDirectory() {
    return layout.logs();
  }

  /** The child JVM's process ID, e.g. for reading its CPU time from {@code /proc/<pid>/stat}. */
  public long pid() {
    return process.pid();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /**
   * Waits until the node answers CQL. On a timeout or an early exit, stops the node and fails with the tail of
   * its logs, which is where the reason is.
   */
  void awaitCql(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!CqlProbe.answers(cqlAddress())) {
      if (!process.isAlive()) {
        close();
        throw new IOException("Cassandra in " + layout.workDirectory() + " exited with code "
            + process.exitValue() + " before answering CQL on " + HOST + ":" + cqlPort + logTails());
      }
      if (System.nanoTime() - deadline > 0) {
        String logs = logTails(); // read before stopping: the tail shows where start-up was stuck
        close();
        throw new IOException("Cassandra in " + layout.workDirectory() + " did not answer CQL on " + HOST
            + ":" + cqlPort + " within startupTimeout " + timeout + logs);
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  private String logTails() {
    StringBuilder message = new StringBuilder();
    for (Path log : new Path[] {layout.systemLog(), layout.stdoutLog()}) {
      String tail = LogTail.of(log, LOG_TAIL_LINES);
      if (!tail.isBlank()) {
        message.append(System.lineSeparator()).append("Last lines of ").append(log).append(':')
            .append(System.lineSeparator()).append(tail);
      }
    }
    return message.length() == 0 ? " (its logs in " + layout.logs() + " are empty)" : message.toString();
  }

  /**
   * Stops the node: closing its stdin makes the child exit through Cassandra's shutdown hook (flushing
   * memtables); a node that has not stopped after 30 s is killed. Idempotent. Its ports are free
   * once this returns.
   */
  @Override
  public void close() {
    process.stop();
  }

  @Override
  public String toString() {
    return "CassandraNode{cql=" + HOST + ":" + cqlPort + ", storagePort=" + storagePort + ", jmxPort=" + jmxPort
        + ", workDirectory=" + layout.workDirectory() + ", running=" + isRunning() + "}";
  }
}
