package io.tailkeep.collector;

import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What clients may hold on one port, so that slow, silent or numerous clients cannot stall the
 * server or exhaust its memory.
 *
 * @param maxConnections open connections per port; one more is closed as soon as it is accepted
 *     (on the Vert.x ports, as soon as its first bytes make it an HTTP connection)
 * @param maxConcurrentStreams requests under way at once on one HTTP/2 connection (gRPC, or
 *     OTLP/HTTP over HTTP/2)
 * @param idleTimeout a connection with nothing read or written for this long is closed, including
 *     one that never sent a byte
 * @param readTimeout how long one request may take to arrive in full once its headers have; a
 *     slower one is answered 408 (HTTP) or has its stream reset (gRPC, CANCELLED) and its buffers
 *     given back
 */
public record ReceiverLimits(
    int maxConnections, int maxConcurrentStreams, Duration idleTimeout, Duration readTimeout) {

  public static final int DEFAULT_MAX_CONNECTIONS = 4_096;
  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  public static final ReceiverLimits DEFAULTS =
      new ReceiverLimits(
          DEFAULT_MAX_CONNECTIONS,
          DEFAULT_MAX_CONCURRENT_STREAMS,
          DEFAULT_IDLE_TIMEOUT,
          DEFAULT_READ_TIMEOUT);

  public ReceiverLimits {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
    }
    if (maxConcurrentStreams < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentStreams must be at least 1, got " + maxConcurrentStreams);
    }
    atLeastOneMillisecond(idleTimeout, "idleTimeout");
    atLeastOneMillisecond(readTimeout, "readTimeout");
  }

  /** {@code options} with the idle timeout and, for HTTP/2, the stream cap set. */
  public HttpServerOptions applyTo(HttpServerOptions options) {
    return options
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setInitialSettings(
            new Http2Settings(options.getInitialSettings()).setMaxConcurrentStreams(maxConcurrentStreams));
  }

  public ReceiverLimits withMaxConnections(int max) {
    return new ReceiverLimits(max, maxConcurrentStreams, idleTimeout, readTimeout);
  }

  public ReceiverLimits withIdleTimeout(Duration timeout) {
    return new ReceiverLimits(maxConnections, maxConcurrentStreams, timeout, readTimeout);
  }

  public ReceiverLimits withReadTimeout(Duration timeout) {
    return new ReceiverLimits(maxConnections, maxConcurrentStreams, idleTimeout, timeout);
  }

  private static void atLeastOneMillisecond(Duration timeout, String name) {
    Objects.requireNonNull(timeout, name);
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException(name + " must be at least 1 ms, got " + timeout);
    }
  }
}
