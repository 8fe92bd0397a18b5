package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tailkeep.deploy.OtelServices.Transport;
import io.tailkeep.deploy.TraceShapes.MustKeep;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.cassandra.CassandraSpanStore;
import io.tailkeep.store.cassandra.node.CassandraNode;
import io.tailkeep.store.cassandra.node.EmbeddedCassandra;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cassandra goes away under load and comes back: {@code /health/ready} turns DOWN and UP again;
 * Tailkeep refuses spans (RESOURCE_EXHAUSTED) once its store queue is full instead of dropping
 * them, retries the queued writes, and in the end every trace an exporter saw accepted is stored
 * whole.
 *
 * <p>Runs its own Cassandra node (the shared one serves the other test classes), stopped and
 * started again on the same work directory and ports, so the data written before the outage must
 * survive the restart too.
 */
class CassandraRestartTest {

  private static final Logger LOG = LoggerFactory.getLogger(CassandraRestartTest.class);

  static final String KEYSPACE = "e2e_cassandra_restart";
  static final long MAX_QUEUED_BYTES = 64 * 1024;

  @Test
  void noAcceptedTraceIsLostWhileCassandraIsStoppedAndRestarted() throws Exception {
    Path workDirectory = Path.of("target", "cassandra-restart-node").toAbsolutePath();
    TestDirectories.deleteRecursively(workDirectory);
    int[] ports = freePorts(3);
    EmbeddedCassandra launcher =
        EmbeddedCassandra.builder()
            .workDirectory(workDirectory)
            .cqlPort(ports[0])
            .storagePort(ports[1])
            .jmxPort(ports[2])
            .build();
    CassandraNode node = launcher.start();
    TailkeepServer server = null;
    RetryingSender sender = null;
    try {
      CassandraSpanStore store = TestStores.open(node.cqlAddress(), node.localDatacenter(), KEYSPACE);
      server =
          TestServers.start(
              TestServers.builder(
                  store,
                  TestServers.QUICK_DECISIONS,
                  q ->
                      q.maxQueuedBytes(MAX_QUEUED_BYTES)
                          .initialBackoff(Duration.ofMillis(100))
                          .maxBackoff(Duration.ofSeconds(1))));
      StoreQueue queue = server.sampler().storeQueue();
      TraceBuffer buffer = server.sampler().buffer();
      sender = new RetryingSender(server.grpcPort());
      sender.start();

      RetryingSender running = sender;
      Poll.until(Duration.ofSeconds(60), "20 traces accepted", () -> running.accepted.size() >= 20);
      Poll.until(Duration.ofSeconds(60), "kept traces written", () -> queue.stats().batchesWritten() >= 10);

      TailkeepServer serving = server;
      assertThat(readiness(serving)).as("/health/ready before the stop").isEqualTo(200);

      long stopping = System.nanoTime();
      node.close();
      long stopped = System.nanoTime();
      LOG.info("Cassandra stopped in {} ms", millis(stopping, stopped));
      Poll.until(
          Duration.ofSeconds(60),
          "exports refused while Cassandra is down",
          () -> running.refusedAfter(stopped) >= 3);
      assertThat(queue.stats().retries()).as("failed writes retried").isPositive();
      Poll.until(Duration.ofSeconds(30), "/health/ready DOWN while Cassandra is stopped",
          () -> readiness(serving) == 503);
      long refusing = System.nanoTime();
      LOG.info("store queue full and exports refused {} ms after the stop", millis(stopped, refusing));

      node = launcher.start();
      long restarted = System.nanoTime();
      int acceptedAtRestart = running.accepted.size();
      LOG.info("Cassandra answers CQL again, {} ms after the stop", millis(stopped, restarted));
      Poll.until(
          Duration.ofSeconds(120),
          "exports accepted again after the restart",
          () -> running.accepted.size() >= acceptedAtRestart + 10);
      LOG.info("exports accepted again {} ms after the restart", millis(restarted, System.nanoTime()));
      Poll.until(Duration.ofSeconds(60), "/health/ready UP again after the restart",
          () -> readiness(serving) == 200);
      sender.stop();

      Poll.until(
          Duration.ofSeconds(60),
          "every buffered trace decided and every kept one written",
          () -> buffer.stats().bufferedTraces() == 0 && queue.stats().queuedBatches() == 0);

      assertThat(sender.refusedAfter(stopped)).isPositive();
      assertThat(sender.refusedAfter(stopping) - sender.refusedAfter(restarted))
          .as("exports refused during the outage")
          .isPositive();
      assertThat(sender.refusalCodes)
          .as("why exports failed")
          .containsOnly(Status.Code.RESOURCE_EXHAUSTED.value());
      assertThat(queue.stats().deadLetteredBatches()).as("batches given up").isZero();
      assertThat(buffer.stats().sinkFailures()).isZero();
      assertThat(buffer.stats().tracesKept()).isGreaterThanOrEqualTo(sender.accepted.size());

      StoredTraces stored = new StoredTraces(store.reader());
      LOG.info("{} traces accepted, {} exports refused; checking Cassandra", sender.accepted.size(),
          sender.refusalCodes.size());
      for (Accepted accepted : sender.accepted) {
        SentTrace trace = accepted.trace();
        assertThat(stored.spanIds(trace.traceId())).as("spans of %s", trace).isEqualTo(trace.spanIds());
        assertThat(stored.summary(trace.traceId()).sampling())
            .as("sampling of %s", trace)
            .isEqualTo(new Sampling(accepted.rule(), 1.0));
      }
    } finally {
      if (sender != null) {
        sender.stop();
      }
      if (server != null) {
        server.close();
      }
      node.close();
    }
  }

  private static int readiness(TailkeepServer server) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.apiPort() + "/health/ready"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      throw new AssertionError("GET /health/ready failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private record Accepted(SentTrace trace, String rule, long atNanos) {}

  /**
   * An application whose exporter retries a refused batch until it is taken, as OTLP exporters do
   * (after a shorter pause than the server's RetryInfo asks, to keep the test short). Only
   * exports the exporter reported as successful count as accepted.
   */
  private static final class RetryingSender {

    final List<Accepted> accepted = new CopyOnWriteArrayList<>();
    final List<Integer> refusalCodes = new CopyOnWriteArrayList<>();
    final List<Long> refusalTimes = new CopyOnWriteArrayList<>();
    private final int port;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable crashed;

    RetryingSender(int port) {
      this.port = port;
      this.thread = new Thread(this::run, "retrying-otlp-sender");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    long refusedAfter(long nanos) {
      return refusalTimes.stream().filter(t -> t - nanos > 0).count();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(thread.isAlive()).as("sender still running").isFalse();
      if (crashed != null) {
        throw new AssertionError("the sender failed", crashed);
      }
    }

    private void run() {
      SpanExporter exporter = OtelServices.exporter(Transport.GRPC, port, false);
      try (OtelServices services = OtelServices.collecting()) {
        for (int i = 0; running; i++) {
          MustKeep kind = TraceShapes.MUST_KEEP.get(i % TraceShapes.MUST_KEEP.size());
          SentTrace trace = services.send(kind.kind(), kind.shape().get());
          List<SpanData> spans = services.takeEnded();
          while (running) {
            CompletableResultCode result = exporter.export(spans).join(30, TimeUnit.SECONDS);
            if (result.isSuccess()) {
              accepted.add(new Accepted(trace, kind.rule(), System.nanoTime()));
              break;
            }
            refusalTimes.add(System.nanoTime());
            refusalCodes.add(statusCode(result));
            Thread.sleep(200);
          }
          Thread.sleep(20);
        }
      } catch (Throwable e) {
        crashed = e;
      } finally {
        exporter.shutdown().join(10, TimeUnit.SECONDS);
      }
    }

    private static int statusCode(CompletableResultCode result) {
      if (result.getFailureThrowable() instanceof FailedExportException.GrpcExportException grpc
          && grpc.failedWithResponse()) {
        return grpc.getResponse().grpcStatusValue();
      }
      return -1;
    }
  }

  private static long millis(long fromNanos, long toNanos) {
    return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
  }

  private static int[] freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }
}
