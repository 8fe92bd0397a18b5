package io.tailkeep.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tailkeep.collector.AccessCheck;
import io.tailkeep.collector.ConnectionCap;
import io.tailkeep.collector.GrpcReceiver;
import io.tailkeep.collector.HttpReceiver;
import io.tailkeep.collector.ReceiverLimits;
import io.tailkeep.collector.SamplerSink;
import io.tailkeep.collector.SpanSink;
import io.tailkeep.deploy.access.ApiAccess;
import io.tailkeep.deploy.access.ServerTls;
import io.tailkeep.deploy.access.TokenFile;
import io.tailkeep.query.ApiJson;
import io.tailkeep.query.QueryApiOptions;
import io.tailkeep.sampler.TailSampler;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.DeadLetters;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.store.SpanStore;
import io.tailkeep.ui.sampling.SamplingView;
import io.tailkeep.ui.web.LogsLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: OTLP receivers in front of the tail sampler, the sampler writing kept traces
 * to a span store. The only place these parts meet; the sampler's own parts come from {@link
 * SamplerAssembly}, the same for the all-in-one and a node on Kafka.
 *
 * <p>{@link #close()} is the graceful stop a SIGTERM triggers: stop taking spans, decide every
 * buffered trace, write every kept trace, then close the store. Nothing accepted is lost as long
 * as the store comes back within the shutdown timeout.
 */
public final class TailkeepServer implements AutoCloseable {

  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_API_PORT = 16686;
  public static final Duration DEFAULT_TRAFFIC_REFRESH = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(TailkeepServer.class);

  private final SpanStore store;
  /** The all-in-one's sampler; null on a node on Kafka. */
  private final TailSampler sampler;
  /** A node on Kafka's parts; null in the all-in-one. */
  private final KafkaNode kafka;
  private final PrometheusMeterRegistry registry;
  private final Duration shutdownTimeout;
  private final Vertx vertx;
  private final GrpcReceiver grpc;
  private final HttpReceiver http;
  private final HttpServer api;
  /** Null without {@code auth.tokens_file}: no authentication. */
  private final TokenFile tokens;
  /** Null without {@code server.tls.*}: plaintext. */
  private final ServerTls tls;
  /** This node's traffic counts written per minute; null on a node that does not sample. */
  private final TrafficMinutes traffic;
  private boolean closed;

  private TailkeepServer(
      Builder builder,
      TailSampler sampler,
      KafkaNode kafka,
      SamplingView samplingView,
      PrometheusMeterRegistry registry,
      TokenFile tokens,
      ServerTls tls,
      TrafficMinutes traffic)
      throws IOException {
    this.store = builder.store;
    this.traffic = traffic;
    this.sampler = sampler;
    this.kafka = kafka;
    this.registry = registry;
    this.shutdownTimeout = builder.shutdownTimeout;
    SpanSink sink = kafka == null ? new SamplerSink(sampler) : kafka.sink().orElse(null);
    this.tokens = tokens;
    this.tls = tls;
    announceAccess(builder.host, tokens);
    this.vertx = vertxWithMetrics(registry);
    this.http = sink == null ? null
        : new HttpReceiver(
            sink, listen(builder.host, builder.httpPort, tls, true), builder.maxMessageBytes,
            registry, tokens, builder.limits);
    this.grpc = sink == null ? null
        : GrpcReceiver.onAddress(
            builder.host, builder.grpcPort, sink, builder.maxMessageBytes, registry, tokens,
            tls == null ? null : tls.grpc(), builder.limits);
    boolean started = false;
    try {
      if (tokens != null) {
        tokens.watch(builder.tokensCheckInterval);
      }
      if (sampler != null) {
        sampler.start();
      }
      if (grpc != null) {
        grpc.start();
        await(vertx.deployVerticle(http), "OTLP/HTTP receiver on port " + builder.httpPort);
      }
      Router apiRouter =
          ApiRoutes.router(vertx, store, samplingView,
              builder.query, readiness(store, kafka), registry, builder.queryOptions, builder.logsLink);
      if (tokens != null) {
        ApiAccess.guard(apiRouter, new AccessCheck(tokens), builder.metricsNeedToken);
      }
      api =
          await(
              vertx
                  .createHttpServer(
                      builder.limits.applyTo(listen(builder.host, builder.apiPort, tls, false)))
                  .connectionHandler(
                      new ConnectionCap("api", builder.limits.maxConnections(), registry)::admit)
                  .requestHandler(ApiRoutes.refusingMalformedEscapes(apiRouter))
                  .listen(),
              "API on port " + builder.apiPort);
      started = true;
    } finally {
      if (!started) {
        if (grpc != null) {
          grpc.close();
        }
        vertx.close();
        stopSampler(Duration.ZERO);
        if (tokens != null) {
          tokens.close();
        }
        if (tls != null) {
          tls.close();
        }
      }
    }
  }

  /**
   * Where a Vert.x server listens, with TLS when configured (client certificates on ingest only);
   * the API as {@link ApiJson#serverOptions()} says, OTLP/HTTP on the ingest port with HTTP/2.
   */
  private static HttpServerOptions listen(String host, int port, ServerTls tls, boolean ingest) {
    HttpServerOptions options =
        (ingest ? new HttpServerOptions() : ApiJson.serverOptions()).setHost(host).setPort(port);
    return tls == null ? options : ingest ? tls.ingestHttp(options) : tls.api(options);
  }

  /** Says at start who may come in; warns once when anyone on the network may. */
  private static void announceAccess(String host, TokenFile tokens) {
    if (tokens != null) {
      LOG.info("authentication on: tokens {}", tokens.describe());
    } else if (isLoopback(host)) {
      LOG.info("no auth.tokens_file: no authentication, listening on {} only (this machine);"
          + " set auth.tokens_file and server.host to listen beyond it", host);
    } else {
      LOG.warn("no auth.tokens_file: listening on {} WITHOUT authentication; anyone who reaches"
          + " these ports can send spans and read every trace", host);
    }
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false; // listening will fail and say so
    }
  }

  /** What this node's roles need: Cassandra (unless ingest only), Kafka (on an ingest node). */
  private static List<ApiRoutes.ReadyCheck> readiness(SpanStore store, KafkaNode kafka) {
    List<ApiRoutes.ReadyCheck> checks = new ArrayList<>();
    if (store != null) {
      checks.add(ApiRoutes.ReadyCheck.storage(store.reader()));
    }
    if (kafka != null) {
      kafka.readiness().ifPresent(checks::add);
    }
    return checks;
  }

  /** Vert.x recording its HTTP servers' requests (both receivers' and the API's) in {@code registry}. */
  private static Vertx vertxWithMetrics(MeterRegistry registry) {
    MicrometerMetricsOptions metrics =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            // on top of the defaults (method, code, pool): which server (4318 or 16686) and route
            .addLabels(Label.LOCAL, Label.HTTP_ROUTE);
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The OTLP/gRPC port; -1 on a node without the ingest role. */
  public int grpcPort() {
    return grpc == null ? -1 : grpc.port();
  }

  /** The OTLP/HTTP port; -1 on a node without the ingest role. */
  public int httpPort() {
    return http == null ? -1 : http.actualPort();
  }

  /** The port of the query API, Jaeger API, sampling API, {@code /metrics} and health checks. */
  public int apiPort() {
    return api.actualPort();
  }

  /** The all-in-one's sampler; null on a node on Kafka. */
  public TailSampler sampler() {
    return sampler;
  }

  /** The span store; null on a node with only the ingest role, which needs none. */
  public SpanStore store() {
    return store;
  }

  /** Every metric in Prometheus' text format. */
  public String scrapeMetrics() {
    return registry.scrape();
  }

  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /**
   * Stops taking spans (exporters get UNAVAILABLE or a refused connection and retry elsewhere or
   * later), decides every buffered trace, writes every kept trace, then closes the store.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // One deadline for the whole stop, receivers included, so it fits the grace period an
    // orchestrator gives (deploy/README.md adds it up).
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    LOG.info(kafka == null
        ? "stopping: no more spans taken; deciding and writing what is buffered"
        : "stopping: no more spans taken; writing what was decided, committing, handing partitions over");
    if (grpc != null) {
      grpc.close();
    }
    try {
      await(vertx.close(), "stopping the OTLP/HTTP receiver");
    } catch (IOException e) {
      LOG.warn("OTLP/HTTP receiver did not stop cleanly", e);
    }
    stopSampler(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    if (traffic != null) {
      traffic.stop(); // after the last decisions: their edges are in the last minute written
    }
    if (store != null) {
      store.close();
    }
    if (tokens != null) {
      tokens.close();
    }
    if (tls != null) {
      tls.close();
    }
    registry.close();
    LOG.info("stopped");
  }

  private void stopSampler(Duration timeout) {
    try {
      if (sampler != null) {
        sampler.shutdown(timeout);
      }
      if (kafka != null) {
        kafka.stop(timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("interrupted while writing kept traces; some may not be stored");
    }
  }

  private static <T> T await(Future<T> future, String what) throws IOException {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException(what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(what + " did not finish within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(what + " was interrupted", e);
    }
  }

  /**
   * Configures a {@link TailkeepServer}; the span store is closed with the server, and required
   * except on a node on Kafka with only the ingest role.
   */
  public static final class Builder {

    private SpanStore store;
    private Path rulesFile;
    private Path candidateRulesFile;
    private Consumer<TraceBuffer.Builder> bufferSettings = b -> {};
    private Consumer<StoreQueue.Builder> storeQueueSettings = q -> {};
    private Duration tick = TailSampler.DEFAULT_TICK;
    private Duration rulesCheckInterval = TailSampler.DEFAULT_RULES_CHECK_INTERVAL;
    private String host = "127.0.0.1";
    private Path tokensFile;
    private boolean metricsNeedToken;
    private Duration tokensCheckInterval = Duration.ofSeconds(1);
    private Path tlsCertFile;
    private Path tlsKeyFile;
    private Path tlsClientCaFile;
    private int grpcPort = GrpcReceiver.DEFAULT_PORT;
    private int httpPort = HttpReceiver.DEFAULT_PORT;
    private int apiPort = DEFAULT_API_PORT;
    private int maxMessageBytes = GrpcReceiver.DEFAULT_MAX_MESSAGE_BYTES;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private ReceiverLimits limits = ReceiverLimits.DEFAULTS;
    private KafkaNode.Settings kafka;
    private boolean query = true;
    private Path deadLetterDirectory;
    private long deadLetterBytes;
    private Duration trafficRefresh = DEFAULT_TRAFFIC_REFRESH;
    private QueryApiOptions queryOptions = QueryApiOptions.defaults();
    private Optional<LogsLink> logsLink = Optional.empty();

    private Builder() {}

    /** The query and Jaeger APIs' settings (span cap, timeout, Retry-After, Jaeger's largest limit). */
    /** The web UI's link from a span to the user's logs for its trace; none by default. */
    public Builder logsLink(LogsLink link) {
      this.logsLink = Optional.of(link);
      return this;
    }

    public Builder queryOptions(QueryApiOptions options) {
      this.queryOptions = Objects.requireNonNull(options, "queryOptions");
      return this;
    }

    /**
     * Where the store queue keeps batches the span store refuses for good, bounded to {@code
     * maxBytes}; opened at start on a node that writes kept traces (a directory that cannot be
     * created fails the start). Unset: such batches are only counted and logged.
     */
    public Builder deadLetters(Path directory, long maxBytes) {
      this.deadLetterDirectory = Objects.requireNonNull(directory, "deadLetters directory");
      if (maxBytes <= 0) {
        throw new IllegalArgumentException("deadLetters maxBytes must be positive, got " + maxBytes);
      }
      this.deadLetterBytes = maxBytes;
      return this;
    }

    /**
     * Runs as a node on Kafka with these roles instead of the all-in-one; the rules file, buffer,
     * store queue and timing settings apply to its sampler role.
     */
    Builder kafka(KafkaNode.Settings kafka, boolean query) {
      this.kafka = Objects.requireNonNull(kafka, "kafka");
      this.query = query;
      return this;
    }

    public Builder spanStore(SpanStore store) {
      this.store = Objects.requireNonNull(store, "spanStore");
      return this;
    }

    /** The sampling rules file, watched for changes; the shipped defaults when unset. */
    public Builder rulesFile(Path file) {
      this.rulesFile = Objects.requireNonNull(file, "rulesFile");
      return this;
    }

    /**
     * The candidate rules file, tried beside the rules in force and watched; it may be missing.
     * None when unset (candidates can still be sent through the API).
     */
    public Builder candidateRulesFile(Path file) {
      this.candidateRulesFile = Objects.requireNonNull(file, "candidateRulesFile");
      return this;
    }

    /**
     * Buffer settings (size, timing, caps); rules, sink, ticker, clock, executor and metrics are
     * set by the assembly. On Kafka, each partition's buffer gets a share of the size.
     */
    public Builder buffer(Consumer<TraceBuffer.Builder> settings) {
      this.bufferSettings = Objects.requireNonNull(settings, "buffer settings");
      return this;
    }

    /** Store queue settings (bound, writes in flight, backoff); the writer is the span store's. */
    public Builder storeQueue(Consumer<StoreQueue.Builder> settings) {
      this.storeQueueSettings = Objects.requireNonNull(settings, "storeQueue settings");
      return this;
    }

    /**
     * How often a sampling node writes the running minute's traffic counts to the store (and so how
     * fresh the service map and the charts are); 10 s by default.
     */
    public Builder trafficRefresh(Duration interval) {
      this.trafficRefresh = requirePositive("trafficRefresh", interval);
      return this;
    }

    /** How often due traces are decided and failed writes retried; 100 ms by default. */
    public Builder tick(Duration tick) {
      requirePositive("tick", tick);
      if (tick.toMillis() == 0) {
        throw new IllegalArgumentException("tick must be at least 1 ms, got " + tick);
      }
      this.tick = tick;
      return this;
    }

    /** How often the rules file is looked at for a new version; 1 s by default. */
    public Builder rulesCheckInterval(Duration interval) {
      this.rulesCheckInterval = requirePositive("rulesCheckInterval", interval);
      return this;
    }

    /**
     * The access tokens file ({@code TokenFile}): every port but {@code /health/*} (and {@code
     * /metrics} unless {@link #metricsNeedToken}) then needs a token with the right role. Unset:
     * no authentication.
     */
    public Builder tokensFile(Path file) {
      this.tokensFile = Objects.requireNonNull(file, "tokensFile");
      return this;
    }

    /** Whether {@code /metrics} needs a token with the {@code read} role; false by default. */
    public Builder metricsNeedToken(boolean needed) {
      this.metricsNeedToken = needed;
      return this;
    }

    /**
     * TLS on all three ports with this PEM certificate (chain) and key, read again when they
     * change (every {@link #tokensCheckInterval}); unset: plaintext.
     */
    public Builder tls(Path certFile, Path keyFile) {
      this.tlsCertFile = Objects.requireNonNull(certFile, "certFile");
      this.tlsKeyFile = Objects.requireNonNull(keyFile, "keyFile");
      return this;
    }

    /** With {@link #tls}: the ingest ports (4317, 4318) require client certificates from this CA. */
    public Builder tlsClientCa(Path caFile) {
      this.tlsClientCaFile = Objects.requireNonNull(caFile, "caFile");
      return this;
    }

    /** How often the tokens file (and TLS files) are looked at for a change; 1 s by default. */
    public Builder tokensCheckInterval(Duration interval) {
      this.tokensCheckInterval = requirePositive("tokensCheckInterval", interval);
      return this;
    }

    /** The interface the receivers and the API listen on; 127.0.0.1 (this machine) by default. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** OTLP/gRPC port, 4317 by default; 0 picks a free one. */
    public Builder grpcPort(int port) {
      this.grpcPort = requirePort("grpcPort", port);
      return this;
    }

    /** OTLP/HTTP port, 4318 by default; 0 picks a free one. */
    public Builder httpPort(int port) {
      this.httpPort = requirePort("httpPort", port);
      return this;
    }

    /** The API port, 16686 (Jaeger's, so Grafana's Jaeger datasource finds it) by default. */
    public Builder apiPort(int port) {
      this.apiPort = requirePort("apiPort", port);
      return this;
    }

    /** The largest export request taken, on both receivers; 4 MiB by default. */
    public Builder maxMessageBytes(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxMessageBytes must be positive, got " + bytes);
      }
      this.maxMessageBytes = bytes;
      return this;
    }

    /** What clients may hold on each of the three ports; {@link ReceiverLimits#DEFAULTS} by default. */
    public Builder limits(ReceiverLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** How long a stop waits for kept traces to be written; 30 s by default. */
    public Builder shutdownTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "shutdownTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative, got " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * Assembles the sampler (loading the rules file) and starts the receivers. A bad rules file or
     * a port in use fails here, with nothing left running.
     */
    public TailkeepServer start() throws RulesFileException, IOException {
      boolean ingestOnly = kafka != null && !kafka.sampler() && !query;
      if (store == null && !ingestOnly) {
        throw new IllegalStateException("spanStore must be set");
      }
      // Before anything runs: a missing or invalid tokens file must leave nothing to stop.
      TokenFile tokens = tokensFile == null ? null : TokenFile.load(tokensFile);
      if (tlsClientCaFile != null && tlsCertFile == null) {
        throw new IllegalStateException("tlsClientCa needs tls(certFile, keyFile)");
      }
      ServerTls tls = tlsCertFile == null ? null
          : ServerTls.load(tlsCertFile, tlsKeyFile, java.util.Optional.ofNullable(tlsClientCaFile),
              tokensCheckInterval);
      Consumer<StoreQueue.Builder> storeQueue = storeQueueSettings;
      boolean writesKeptTraces = kafka == null || kafka.sampler();
      if (deadLetterDirectory != null && writesKeptTraces) {
        DeadLetters deadLetters;
        try {
          deadLetters = DeadLetters.open(deadLetterDirectory, deadLetterBytes, Clock.systemUTC());
        } catch (IOException e) {
          throw new IOException(
              "the dead-letter directory " + deadLetterDirectory + " (sampler.dead_letter_directory)"
                  + " cannot be used: " + e, e);
        }
        storeQueue = storeQueueSettings.andThen(q -> q.deadLetters(deadLetters));
      }
      SamplerAssembly parts =
          SamplerAssembly.load(
              rulesFile, candidateRulesFile, bufferSettings, storeQueue, tick, rulesCheckInterval);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmGcMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      if (writesKeptTraces) {
        parts.bindTraffic(registry);
      }
      if (kafka != null) {
        KafkaNode node;
        try {
          node = KafkaNode.start(kafka, store, parts, registry);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          closeTls(tls);
          throw new IOException("interrupted while connecting to Kafka", e);
        } catch (RuntimeException e) {
          closeTls(tls); // its file watcher would outlive the failed start
          throw e;
        }
        TrafficMinutes traffic = kafka.sampler()
            ? parts.writeTraffic(store.traffic(), kafka.nodeName(), trafficRefresh) : null;
        return started(() -> new TailkeepServer(this, null, node, node, registry, tokens, tls, traffic), traffic);
      }
      TailSampler sampler = parts.tailSampler(store.writer(), registry);
      TrafficMinutes traffic = parts.writeTraffic(store.traffic(), TrafficMinutes.ALL_IN_ONE, trafficRefresh);
      return started(
          () -> new TailkeepServer(
              this, sampler, null, SamplerViews.of(sampler, parts.candidate()), registry, tokens, tls, traffic),
          traffic);
    }

    /** The server {@code start} makes; the traffic writer is stopped when it fails to start. */
    private static TailkeepServer started(ServerStart start, TrafficMinutes traffic) throws IOException {
      try {
        return start.get();
      } catch (IOException | RuntimeException e) {
        if (traffic != null) {
          traffic.stop();
        }
        throw e;
      }
    }

    private interface ServerStart {
      TailkeepServer get() throws IOException;
    }

    private static void closeTls(ServerTls tls) {
      if (tls != null) {
        tls.close();
      }
    }

    private static Duration requirePositive(String setting, Duration duration) {
      Objects.requireNonNull(duration, setting);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(setting + " must be positive, got " + duration);
      }
      return duration;
    }

    private static int requirePort(String setting, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(setting + " must be 0..65535, got " + port);
      }
      return port;
    }
  }
}
