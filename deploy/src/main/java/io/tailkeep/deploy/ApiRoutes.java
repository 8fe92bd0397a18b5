package io.tailkeep.deploy;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tailkeep.query.ApiJson;
import io.tailkeep.query.QueryApi;
import io.tailkeep.query.QueryApiOptions;
import io.tailkeep.query.TrafficApi;
import io.tailkeep.store.SpanReader;
import io.tailkeep.store.SpanStore;
import io.tailkeep.ui.jaeger.JaegerApi;
import io.tailkeep.ui.jaeger.JaegerDependencies;
import io.tailkeep.ui.sampling.RecentRuleCounts;
import io.tailkeep.ui.sampling.SamplingApi;
import io.tailkeep.ui.sampling.SamplingView;
import io.tailkeep.ui.web.LogsLink;
import io.tailkeep.ui.web.WebUi;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Everything served on port 16686: the web UI, the native query and traffic APIs, the
 * Jaeger-compatible API (with {@code /api/dependencies}), the sampling admin API (with counts over
 * the last 15 minutes), {@code /metrics} and the health checks, on one router.
 */
final class ApiRoutes {

  /** A readiness check that takes longer than this means Cassandra is not answering. */
  private static final long READY_TIMEOUT_MILLIS = 2_000;

  private ApiRoutes() {}

  /**
   * @param store what the APIs read: spans, decisions and counts; null on a node without the query
   *     role
   * @param query whether this node serves the query role: the APIs and the UI; a node without it
   *     serves only {@code /metrics} and the health checks
   * @param readiness what {@code /health/ready} asks: the parts this node's roles need
   * @param queryOptions the query and Jaeger APIs' settings
   * @param logsLink the web UI's link from a span to the user's logs; none when empty
   */
  static Router router(
      Vertx vertx,
      SpanStore store,
      SamplingView samplingView,
      boolean query,
      List<ReadyCheck> readiness,
      PrometheusMeterRegistry registry,
      QueryApiOptions queryOptions,
      Optional<LogsLink> logsLink) {
    Router router = Router.router(vertx);
    if (query) {
      QueryApi.mount(router, store.reader(), queryOptions);
      TrafficApi.mount(router, store.traffic(), store.samplingCounts(), queryOptions);
      JaegerApi.mount(router, store.reader(), queryOptions);
      JaegerDependencies.mount(router, store.traffic(), queryOptions);
      SamplingApi.mount(router, samplingView, RecentRuleCounts.start(vertx, samplingView));
      WebUi.mount(router, logsLink);
    }
    router.get("/metrics").handler(ctx -> metrics(ctx, registry));
    router.get("/health/live").handler(ctx -> send(ctx, 200, status("UP", null)));
    router.get("/health/ready").handler(ctx -> ready(ctx, readiness));
    router.errorHandler(
        404, ctx -> send(ctx, 404, ApiJson.error(404, "no such path: " + ctx.request().path())));
    router.errorHandler(405, ctx -> send(ctx, 405, ApiJson.error(405, "method not allowed")));
    router.errorHandler(413, ctx -> send(ctx, 413, ApiJson.error(413, "the request body is too large")));
    return router;
  }

  /**
   * The router behind a check of the request URI's percent-escapes: one that does not decode is
   * refused with a 400 naming it. Vert.x decodes parameters lazily and throws on such an escape
   * while routing or in a handler, which answered 500, or nothing at all from a callback.
   */
  static Handler<HttpServerRequest> refusingMalformedEscapes(Router router) {
    return request -> {
      String uri = request.uri();
      int at = malformedEscapeAt(uri);
      if (at < 0) {
        router.handle(request);
        return;
      }
      String message = "malformed percent-escape '" + uri.substring(at, Math.min(uri.length(), at + 3))
          + "' at index " + at + " of the request URI (% must be followed by two hex digits)";
      ApiJson.send(request.response(), 400, ApiJson.error(400, message));
    };
  }

  /** The index of the first {@code %} not followed by two hex digits, or -1. */
  static int malformedEscapeAt(String uri) {
    for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= uri.length()
          || Character.digit(uri.charAt(i + 1), 16) < 0
          || Character.digit(uri.charAt(i + 2), 16) < 0) {
        return i;
      }
    }
    return -1;
  }

  private static void metrics(RoutingContext ctx, PrometheusMeterRegistry registry) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape());
  }

  /**
   * A part a node needs to do its job, named as the readiness answer shows it ("storage",
   * "Kafka"), and how to ask whether it answers now.
   */
  record ReadyCheck(String part, Supplier<CompletionStage<?>> probe) {

    /**
     * Cassandra answers a cheap read ({@link SpanReader#checkReachable()}: the coordinator's {@code
     * system.local} row), not a scan of the service names, which grows with what is stored.
     */
    static ReadyCheck storage(SpanReader reader) {
      return new ReadyCheck("storage", reader::checkReachable);
    }
  }

  /** Ready when every part this node needs answers in time; else 503 naming the first that did not. */
  private static void ready(RoutingContext ctx, List<ReadyCheck> checks) {
    List<Future<?>> answers = new ArrayList<>();
    for (ReadyCheck check : checks) {
      Future<?> answer;
      try {
        answer = Future.fromCompletionStage(check.probe().get());
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answers.add(answer);
    }
    Future<?> all = Future.join(answers);
    Future.any(all, ctx.vertx().timer(READY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
        .onComplete(
            done -> {
              for (int i = 0; i < checks.size(); i++) {
                Future<?> answer = answers.get(i);
                if (!answer.succeeded()) {
                  String part = checks.get(i).part();
                  String why =
                      answer.failed()
                          ? part + " unavailable: " + answer.cause().getMessage()
                          : part + " did not answer within " + READY_TIMEOUT_MILLIS + " ms";
                  send(ctx, 503, status("DOWN", why));
                  return;
                }
              }
              send(ctx, 200, status("UP", null));
            });
  }

  private static JsonObject status(String status, String reason) {
    JsonObject body = new JsonObject().put("status", status);
    return reason == null ? body : body.put("reason", reason);
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ApiJson.send(ctx.response(), status, body);
  }

}
