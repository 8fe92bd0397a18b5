package io.tailkeep.collector;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.tailkeep.store.wire.ExportRequestScanner.ScannedRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/HTTP receiver: {@code POST /v1/traces} on port {@value #DEFAULT_PORT} by default, protobuf
 * or OTLP/JSON, optionally gzip. A verticle; {@link #start} answers with the listening server.
 *
 * <p>Every error body is a {@code google.rpc.Status} in the request's encoding (JSON when the request
 * named neither), as the OTLP specification asks; no stack trace ever reaches the client.
 */
public final class HttpReceiver extends VerticleBase {

  public static final int DEFAULT_PORT = 4318;
  public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
  public static final String TRACES_PATH = "/v1/traces";

  private static final String READ_TIMER = "tailkeep.readTimer";

  private static final Logger LOG = LoggerFactory.getLogger(HttpReceiver.class);

  private final TraceIngest ingest;
  /** Null when every request is taken. */
  private final AccessCheck access;
  private final HttpServerOptions listen;
  private final ConnectionCap connections;
  private final long readTimeoutMillis;
  private final int maxBodyBytes;
  private final ExportRequestReader reader;
  private volatile HttpServer server;

  /** All interfaces, the default port and body limit. */
  public HttpReceiver(SpanSink sink) {
    this(sink, "0.0.0.0", DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES);
  }

  /**
   * @param port 0 picks a free port (see {@link #actualPort})
   * @param maxBodyBytes the largest body taken, compressed and after decompression; larger gets 413
   */
  public HttpReceiver(SpanSink sink, String host, int port, int maxBodyBytes) {
    this(sink, host, port, maxBodyBytes, Metrics.globalRegistry);
  }

  /** As above, counting spans received, accepted and refused in {@code registry}. */
  public HttpReceiver(
      SpanSink sink, String host, int port, int maxBodyBytes, MeterRegistry registry) {
    this(sink, host, port, maxBodyBytes, registry, null);
  }

  /**
   * As above, taking only requests whose {@code Authorization} header ({@code Bearer <token>}, or
   * {@code Basic} with the token as password) names a user {@code authentication} knows with the
   * {@code ingest} role: 401 otherwise, 403 without the role. Null: every request is taken.
   */
  public HttpReceiver(
      SpanSink sink,
      String host,
      int port,
      int maxBodyBytes,
      MeterRegistry registry,
      AuthenticationProvider authentication) {
    this(sink, new HttpServerOptions().setHost(Objects.requireNonNull(host, "host")).setPort(port),
        maxBodyBytes, registry, authentication, ReceiverLimits.DEFAULTS);
  }

  /**
   * As above, listening as {@code listen} says: its host and port, and TLS when it sets SSL
   * (a key and certificate, and client certificates when it asks for them); within {@code
   * limits}: connections past the cap closed on arrival, idle ones closed, a body slower than the
   * read timeout answered 408 and its connection closed.
   */
  public HttpReceiver(
      SpanSink sink,
      HttpServerOptions listen,
      int maxBodyBytes,
      MeterRegistry registry,
      AuthenticationProvider authentication,
      ReceiverLimits limits) {
    this.access = authentication == null ? null : new AccessCheck(authentication);
    this.ingest = new TraceIngest(sink, "OTLP/HTTP", registry);
    this.listen = limits.applyTo(new HttpServerOptions(Objects.requireNonNull(listen, "listen")));
    this.connections = new ConnectionCap("otlp_http", limits.maxConnections(), registry);
    this.readTimeoutMillis = limits.readTimeout().toMillis();
    int port = listen.getPort();
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
    }
    this.maxBodyBytes = maxBodyBytes;
    this.reader = new ExportRequestReader(maxBodyBytes);
  }

  @Override
  public Future<HttpServer> start() {
    Router router = Router.router(vertx);
    if (access != null) {
      // First, on every path: an unknown caller learns nothing, not even which paths exist.
      router.route().handler(this::authenticate);
    }
    // Headers are checked on a route of their own: Vert.x wants the body handler first on its route.
    router.post(TRACES_PATH).handler(this::checkHeaders).handler(this::startReadTimeout);
    router
        .post(TRACES_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(this::export);
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 500, 503}) {
      router.errorHandler(status, this::renderFailure);
    }
    return vertx
        .createHttpServer(listen)
        .connectionHandler(connections::admit)
        .requestHandler(router)
        .listen()
        .onSuccess(listening -> server = listening);
  }

  @Override
  public Future<Void> stop() {
    HttpServer listening = server;
    return listening == null ? Future.succeededFuture() : listening.close();
  }

  /** The port it listens on once started (useful with port 0); -1 before. */
  public int actualPort() {
    HttpServer listening = server;
    return listening == null ? -1 : listening.actualPort();
  }

  /** Before the body is read, so an unknown caller's body is never buffered. */
  private void authenticate(RoutingContext ctx) {
    access
        .check(ctx.request().getHeader(HttpHeaders.AUTHORIZATION), IngestAuthInterceptor.ROLE)
        .onComplete(checked -> {
          if (checked.failed()) {
            LOG.warn("OTLP/HTTP: checking a token failed", checked.cause());
            ctx.fail(new HttpException(503, "could not check the token; retry later"));
          } else if (checked.result().allowed()) {
            ctx.next();
          } else {
            AccessCheck.Verdict verdict = checked.result();
            int status = verdict.outcome() == AccessCheck.Outcome.FORBIDDEN ? 403 : 401;
            ctx.fail(new HttpException(status, verdict.message()));
          }
        });
  }

  /** Before the body is read, so a wrong content type is refused without buffering megabytes. */
  private void checkHeaders(RoutingContext ctx) {
    ExportRequestReader.checkHeaders(
        ctx.request().getHeader(HttpHeaders.CONTENT_TYPE),
        ctx.request().getHeader(HttpHeaders.CONTENT_ENCODING));
    ctx.next();
  }

  /**
   * Once the headers are taken: a body that has not arrived in full by the read timeout is
   * answered 408 and its connection closed, so the rest of a slow upload is never buffered.
   */
  private void startReadTimeout(RoutingContext ctx) {
    long timer = ctx.vertx().setTimer(readTimeoutMillis, fired -> {
      if (ctx.response().ended() || ctx.response().closed()) {
        return;
      }
      ingest.refusedRequest("408");
      LOG.debug("OTLP/HTTP: a request body did not arrive within {} ms; closing its connection",
          readTimeoutMillis);
      respond(ctx, 408, Code.DEADLINE_EXCEEDED,
              "the request body did not arrive within the read timeout of " + readTimeoutMillis + " ms")
          .onComplete(answered -> ctx.request().connection().close());
    });
    ctx.put(READ_TIMER, timer);
    ctx.addEndHandler(ended -> ctx.vertx().cancelTimer(timer));
    ctx.next();
  }

  private void export(RoutingContext ctx) {
    ctx.vertx().cancelTimer(ctx.<Long>get(READ_TIMER));
    if (ctx.response().ended()) {
      return; // answered 408 while the last bytes were on their way
    }
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    Buffer body = ctx.body().buffer();
    ScannedRequest request =
        reader.read(
            contentType,
            ctx.request().getHeader(HttpHeaders.CONTENT_ENCODING),
            body == null ? Buffer.buffer() : body);
    // The sink may complete on its own thread (Kafka's): answer on the request's event loop.
    Context context = ctx.vertx().getOrCreateContext();
    ingest.export(request).thenAccept(outcome -> {
      if (Vertx.currentContext() == context) {
        answer(ctx, contentType, outcome);
      } else {
        context.runOnContext(v -> answer(ctx, contentType, outcome));
      }
    });
  }

  private void answer(RoutingContext ctx, String contentType, TraceIngest.Outcome outcome) {
    if (outcome instanceof TraceIngest.Outcome.Accepted accepted) {
      OtlpMediaType mediaType = OtlpMediaType.fromContentType(contentType);
      ctx.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, mediaType.contentType())
          .end(mediaType.encode(accepted.response()));
    } else if (outcome instanceof TraceIngest.Outcome.Full full) {
      // Whole seconds, at least one: a zero Retry-After would invite a retry storm.
      long seconds = Math.max(1, full.retryAfter().plusNanos(999_999_999).getSeconds());
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
      respond(ctx, 429, Code.RESOURCE_EXHAUSTED, full.reason());
    } else {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
      respond(ctx, 503, Code.UNAVAILABLE, "span sink failed; retry later");
    }
  }

  /** Failures raised by handlers (HttpException) or by the router itself (404, 405, 413). */
  private void renderFailure(RoutingContext ctx) {
    int status = ctx.statusCode();
    Throwable failure = ctx.failure();
    String message =
        failure instanceof HttpException http && http.getPayload() != null
            ? http.getPayload()
            : defaultMessage(status);
    if (status == 500) {
      LOG.warn("OTLP/HTTP {} {} failed", ctx.request().method(), ctx.request().path(), failure);
    } else {
      LOG.debug("OTLP/HTTP {} {} refused with {}: {}", ctx.request().method(), ctx.request().path(),
          status, message);
    }
    if (status == 405) {
      ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
    }
    if (status == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"tailkeep\"");
    }
    ingest.refusedRequest(Integer.toString(status));
    respond(ctx, status, codeFor(status), message);
  }

  private String defaultMessage(int status) {
    return switch (status) {
      case 401 -> "authentication required";
      case 403 -> "not allowed";
      case 404 -> "no such path; OTLP/HTTP traces go to POST " + TRACES_PATH;
      case 405 -> "method not allowed; OTLP/HTTP traces go to POST " + TRACES_PATH;
      case 413 -> "request body is larger than the limit of " + maxBodyBytes + " bytes";
      case 500 -> "internal error";
      default -> "bad request";
    };
  }

  private static Code codeFor(int status) {
    return switch (status) {
      case 401 -> Code.UNAUTHENTICATED;
      case 403 -> Code.PERMISSION_DENIED;
      case 404 -> Code.NOT_FOUND;
      case 405 -> Code.UNIMPLEMENTED;
      case 413 -> Code.RESOURCE_EXHAUSTED;
      case 500 -> Code.INTERNAL;
      case 503 -> Code.UNAVAILABLE;
      default -> Code.INVALID_ARGUMENT;
    };
  }

  private static Future<Void> respond(RoutingContext ctx, int status, Code code, String message) {
    if (ctx.response().ended()) {
      return Future.succeededFuture();
    }
    OtlpMediaType mediaType =
        Objects.requireNonNullElse(
            OtlpMediaType.fromContentType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE)),
            OtlpMediaType.JSON);
    Status body = Status.newBuilder().setCode(code.getNumber()).setMessage(message).build();
    return ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, mediaType.contentType())
        .end(mediaType.encode(body));
  }
}
