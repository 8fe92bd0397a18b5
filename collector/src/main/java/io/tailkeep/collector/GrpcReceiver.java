package io.tailkeep.collector;

import io.grpc.Server;
import io.grpc.Metadata;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The OTLP/gRPC receiver ({@code TraceService/Export}, port {@value #DEFAULT_PORT} by default).
 *
 * <p>It takes a {@link ServerBuilder} so the caller chooses the transport: Netty on a port in
 * production, in-process or port 0 in tests. gzip works because gRPC's default decompressor registry
 * has it; messages over the size limit (after decompression) get RESOURCE_EXHAUSTED from gRPC itself.
 */
public final class GrpcReceiver implements AutoCloseable {

  public static final int DEFAULT_PORT = 4317;
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  /** How long {@link #close} lets running exports finish before cutting them off. */
  private static final long SHUTDOWN_GRACE_SECONDS = 5;

  private final Server server;
  private final ScheduledExecutorService readTimer;
  /** Null when the caller chose the transport. */
  private final GrpcConnections connections;

  public GrpcReceiver(ServerBuilder<?> serverBuilder, SpanSink sink, int maxMessageBytes) {
    this(serverBuilder, sink, maxMessageBytes, Metrics.globalRegistry);
  }

  /** As above, counting spans received, accepted and refused in {@code registry}. */
  public GrpcReceiver(
      ServerBuilder<?> serverBuilder, SpanSink sink, int maxMessageBytes, MeterRegistry registry) {
    this(serverBuilder, sink, maxMessageBytes, registry, null);
  }

  /**
   * As above, taking only calls whose {@code authorization} metadata ({@code Bearer <token>}, or
   * {@code Basic} with the token as password) names a user {@code authentication} knows with the
   * {@code ingest} role: UNAUTHENTICATED otherwise, PERMISSION_DENIED without the role.
   */
  public static GrpcReceiver withAuthentication(
      ServerBuilder<?> serverBuilder,
      SpanSink sink,
      int maxMessageBytes,
      MeterRegistry registry,
      AuthenticationProvider authentication) {
    return new GrpcReceiver(
        serverBuilder, sink, maxMessageBytes, registry,
        Objects.requireNonNull(authentication, "authentication"));
  }

  /** @param authentication null: every call is taken */
  private GrpcReceiver(
      ServerBuilder<?> serverBuilder,
      SpanSink sink,
      int maxMessageBytes,
      MeterRegistry registry,
      AuthenticationProvider authentication) {
    this(serverBuilder, sink, maxMessageBytes, registry, authentication,
        ReceiverLimits.DEFAULT_READ_TIMEOUT, null);
  }

  /**
   * @param readTimeout how long a request may take to arrive once its headers have
   * @param connections the Netty transport under {@code serverBuilder}, closed after it; null when
   *     gRPC's own
   */
  private GrpcReceiver(
      ServerBuilder<?> serverBuilder,
      SpanSink sink,
      int maxMessageBytes,
      MeterRegistry registry,
      AuthenticationProvider authentication,
      Duration readTimeout,
      GrpcConnections connections) {
    Objects.requireNonNull(serverBuilder, "serverBuilder");
    TraceIngest ingest = new TraceIngest(sink, "OTLP/gRPC", registry);
    if (maxMessageBytes <= 0) {
      throw new IllegalArgumentException(
          "maxMessageBytes must be positive, got " + maxMessageBytes);
    }
    this.connections = connections;
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "grpc-read-timeout");
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true); // most timers are cancelled: keep the queue short
    this.readTimer = timer;
    serverBuilder
        .maxInboundMessageSize(maxMessageBytes)
        .addStreamTracerFactory(new OversizeCounter(ingest))
        .addStreamTracerFactory(new RequestReadTimeout(readTimer, readTimeout, ingest));
    if (authentication != null) {
      // Added before the metrics interceptor, so it runs inside it: refusals are counted there too.
      serverBuilder.intercept(new IngestAuthInterceptor(new AccessCheck(authentication), ingest));
    }
    this.server =
        serverBuilder
            // grpc.server.* request counts and processing time per method and status
            .intercept(new MetricCollectingServerInterceptor(registry))
            .addService(new TraceExportService(ingest).bind())
            .build();
  }

  /** Netty on {@code port} (0 picks a free one), all interfaces. */
  public static GrpcReceiver onPort(int port, SpanSink sink, int maxMessageBytes) {
    return onPort(port, sink, maxMessageBytes, Metrics.globalRegistry);
  }

  /** Netty on {@code port}, counting in {@code registry}. */
  public static GrpcReceiver onPort(
      int port, SpanSink sink, int maxMessageBytes, MeterRegistry registry) {
    checkPort(port);
    return on(new InetSocketAddress(port), sink, maxMessageBytes, registry, null, null,
        ReceiverLimits.DEFAULTS);
  }

  /** Netty on {@code host:port} (0 picks a free port), counting in {@code registry}. */
  public static GrpcReceiver onAddress(
      String host, int port, SpanSink sink, int maxMessageBytes, MeterRegistry registry) {
    return onAddress(host, port, sink, maxMessageBytes, registry, null);
  }

  /** As above, with {@code authentication} as in {@link #withAuthentication}; null: none. */
  public static GrpcReceiver onAddress(
      String host,
      int port,
      SpanSink sink,
      int maxMessageBytes,
      MeterRegistry registry,
      AuthenticationProvider authentication) {
    return onAddress(
        host, port, sink, maxMessageBytes, registry, authentication, null, ReceiverLimits.DEFAULTS);
  }

  /**
   * As above, speaking TLS with {@code tls} (e.g. {@code TlsServerCredentials}, which may also
   * require client certificates; null: plaintext), within {@code limits}: connections past the
   * cap are closed on arrival, idle ones (including those that never send a byte) closed after
   * the idle timeout, requests slower than the read timeout ended.
   */
  public static GrpcReceiver onAddress(
      String host,
      int port,
      SpanSink sink,
      int maxMessageBytes,
      MeterRegistry registry,
      AuthenticationProvider authentication,
      ServerCredentials tls,
      ReceiverLimits limits) {
    Objects.requireNonNull(host, "host");
    checkPort(port);
    return on(new InetSocketAddress(host, port), sink, maxMessageBytes, registry, authentication,
        tls, limits);
  }

  private static GrpcReceiver on(
      InetSocketAddress address,
      SpanSink sink,
      int maxMessageBytes,
      MeterRegistry registry,
      AuthenticationProvider authentication,
      ServerCredentials tls,
      ReceiverLimits limits) {
    Objects.requireNonNull(limits, "limits");
    GrpcConnections connections =
        new GrpcConnections(new ConnectionCap("otlp_grpc", limits.maxConnections(), registry));
    try {
      NettyServerBuilder builder =
          connections
              .serverBuilder(address, tls)
              .maxConcurrentCallsPerConnection(limits.maxConcurrentStreams())
              .maxConnectionIdle(limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
              // The idle timer starts once the HTTP/2 handshake is done; this bounds the time before.
              .handshakeTimeout(limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS);
      return new GrpcReceiver(
          builder, sink, maxMessageBytes, registry, authentication, limits.readTimeout(), connections);
    } catch (RuntimeException e) {
      connections.close();
      throw e;
    }
  }

  private static void checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
  }

  public GrpcReceiver start() throws IOException {
    server.start();
    return this;
  }

  /** The port it listens on once started; -1 for transports without one (in-process). */
  public int port() {
    return server.getPort();
  }

  /** Stops taking calls, lets running exports finish for a few seconds, then cuts them off. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      readTimer.shutdownNow();
      if (connections != null) {
        connections.close();
      }
    }
  }

  /**
   * Counts requests gRPC itself refuses for size: an uncompressed message over the limit is
   * refused before any of Tailkeep's code sees it, so only the stream's close tells.
   */
  private static final class OversizeCounter extends ServerStreamTracer.Factory {

    /** grpc-core's words for an uncompressed message over the limit (compressed ones say more). */
    private static final String OVERSIZE = "gRPC message exceeds maximum size";

    private final TraceIngest ingest;

    OversizeCounter(TraceIngest ingest) {
      this.ingest = ingest;
    }

    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
      return new ServerStreamTracer() {
        @Override
        public void streamClosed(Status status) {
          String description = status.getDescription();
          if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED
              && description != null
              && description.startsWith(OVERSIZE)) {
            ingest.refusedRequest("resource_exhausted");
          }
        }
      };
    }
  }
}
