package io.tailkeep.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpConnection;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts one port's open connections and closes those past its cap as soon as they are accepted:
 * a client opening thousands of sockets is refused, the clients already connected keep theirs.
 * Metrics {@code tailkeep_receiver_connections{port}} (open now) and {@code
 * tailkeep_receiver_connections_refused_total{port}}.
 */
public final class ConnectionCap {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);
  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final String port;
  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final Counter refused;
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

  /** @param port the metric tag and the name in the log, e.g. {@code otlp_grpc} */
  public ConnectionCap(String port, int max, MeterRegistry registry) {
    this.port = Objects.requireNonNull(port, "port");
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    this.max = max;
    Gauge.builder("tailkeep.receiver.connections", open, AtomicInteger::get)
        .description("Connections open on a port")
        .tag("port", port)
        .register(registry);
    this.refused =
        Counter.builder("tailkeep.receiver.connections.refused")
            .description("Connections closed on arrival because the port had its maximum open")
            .tag("port", port)
            .register(registry);
  }

  /** For a Vert.x server's {@code connectionHandler}. */
  public void admit(HttpConnection connection) {
    if (tryOpen()) {
      connection.closeHandler(closed -> closed());
    } else {
      connection.close();
    }
  }

  /** Whether one more connection may stay open; when true, {@link #closed} follows its close. */
  boolean tryOpen() {
    if (open.incrementAndGet() <= max) {
      return true;
    }
    open.decrementAndGet();
    refused.increment();
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
      LOG.warn("{}: {} connections open, the most allowed (server.max_connections); closing new"
          + " ones until some close", port, max);
    }
    return false;
  }

  void closed() {
    open.decrementAndGet();
  }
}
