package io.tailkeep.kafka.broker;

import io.tailkeep.embedded.ChildJvm;
import io.tailkeep.embedded.LocalPorts;
import io.tailkeep.embedded.LogTail;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A running Kafka broker in a child JVM, started by {@link EmbeddedKafka#start()}. {@link #stop()} stops it
 * gracefully and waits; a JVM shutdown hook stops it too, and the child exits by itself if this JVM dies.
 */
public final class KafkaBroker implements AutoCloseable {

  static final String HOST = LocalPorts.LOOPBACK;
  static final Duration GRACEFUL_STOP = Duration.ofSeconds(30);
  private static final int LOG_TAIL_LINES = 40;
  private static final long PROBE_INTERVAL_MILLIS = 200;

  private final ChildJvm process;
  private final BrokerLayout layout;
  private final int brokerPort;
  private final int controllerPort;

  KafkaBroker(ChildJvm process, BrokerLayout layout, int brokerPort, int controllerPort) {
    this.process = process;
    this.layout = layout;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
  }

  /** What clients put in {@code bootstrap.servers}: {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return HOST + ":" + brokerPort;
  }

  public String host() {
    return HOST;
  }

  /** The clients' (PLAINTEXT) port. */
  public int port() {
    return brokerPort;
  }

  /** The KRaft controller's port; clients never need it. */
  public int controllerPort() {
    return controllerPort;
  }

  /** The broker's process ID, e.g. for reading its CPU time from {@code /proc/<pid>/stat}. */
  public long pid() {
    return process.pid();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** Where {@code server.log} (the broker's log) and {@code stdout.log} (the JVM's own output) are. */
  public Path logDirectory() {
    return layout.logs();
  }

  /** Kafka's {@code log.dirs}: topics and the metadata log, kept across restarts. */
  public Path dataDirectory() {
    return layout.data();
  }

  /**
   * Leaves stopping to the caller: by default the broker stops when this JVM exits, but JVM shutdown hooks run in
   * parallel, so a server that must still use the broker while it shuts down calls this and stops the broker
   * itself afterwards. The broker still exits if this JVM dies (its stdin closes).
   */
  public KafkaBroker stopOnlyWhenAsked() {
    process.stopOnlyWhenAsked();
    return this;
  }

  /**
   * Waits until the broker answers an AdminClient. On a timeout or an early exit, stops the broker and fails with
   * the tail of its logs, which is where the reason is.
   */
  void awaitAnswer(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (AdminProbe probe = new AdminProbe(new InetSocketAddress(HOST, brokerPort))) {
      while (!probe.answers()) {
        if (!process.isAlive()) {
          stop();
          throw new IOException("Kafka in " + layout.workDirectory() + " exited with code " + process.exitValue()
              + " before answering on " + bootstrapServers() + logTails());
        }
        if (System.nanoTime() - deadline > 0) {
          String logs = logTails(); // read before stopping: the tail shows where start-up was stuck
          stop();
          throw new IOException("Kafka in " + layout.workDirectory() + " did not answer on " + bootstrapServers()
              + " within startupTimeout " + timeout + logs);
        }
        TimeUnit.MILLISECONDS.sleep(PROBE_INTERVAL_MILLIS);
      }
    }
  }

  private String logTails() {
    StringBuilder message = new StringBuilder();
    for (Path log : new Path[] {layout.serverLog(), layout.stdoutLog()}) {
      String tail = LogTail.of(log, LOG_TAIL_LINES);
      if (!tail.isBlank()) {
        message.append(System.lineSeparator()).append("Last lines of ").append(log).append(':')
            .append(System.lineSeparator()).append(tail);
      }
    }
    return message.length() == 0 ? " (its logs in " + layout.logs() + " are empty)" : message.toString();
  }

  /**
   * Stops the broker: closing its stdin makes the child exit through Kafka's shutdown hook (a controlled
   * shutdown that closes every log cleanly); a broker that has not stopped after 30 s is killed. Idempotent. Its
   * ports are free once this returns.
   */
  public void stop() {
    process.stop();
  }

  /** The same as {@link #stop()}, for try-with-resources. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "KafkaBroker{bootstrapServers=" + bootstrapServers() + ", controllerPort=" + controllerPort
        + ", workDirectory=" + layout.workDirectory() + ", running=" + isRunning() + "}";
  }
}
