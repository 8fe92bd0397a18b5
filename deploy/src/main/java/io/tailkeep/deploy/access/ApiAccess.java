package io.tailkeep.deploy.access;

import io.tailkeep.collector.AccessCheck;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API port's door: which role each path needs, checked before any route runs.
 *
 * <ul>
 *   <li>{@code /health/*}: open (load balancers and probes carry no token);
 *   <li>{@code /metrics}: open, or {@code read} when {@code metricsNeedsToken};
 *   <li>{@code /api/v1/sampling/*} but {@code why}: {@code admin} (the rules and their effect,
 *       the partitions);
 *   <li>everything else, unknown paths included: {@code read} (the query APIs, Jaeger's, the UI
 *       and "why" a trace was kept).
 * </ul>
 *
 * <p>A refusal is raised as an {@link HttpException}, so each API renders it in its own error
 * format (Jaeger's {@code errors}, the native API's, the router's JSON for the rest). A 401 says
 * {@code WWW-Authenticate: Basic realm="tailkeep"}, so a browser asks for a login: any user name,
 * the token as password.
 */
public final class ApiAccess {

  static final String CHALLENGE = "Basic realm=\"tailkeep\"";

  private static final Logger LOG = LoggerFactory.getLogger(ApiAccess.class);

  private final AccessCheck access;
  private final boolean metricsNeedsToken;

  private ApiAccess(AccessCheck access, boolean metricsNeedsToken) {
    this.access = access;
    this.metricsNeedsToken = metricsNeedsToken;
  }

  /** Puts the check in front of every route of {@code router}, those added later included. */
  public static void guard(Router router, AccessCheck access, boolean metricsNeedsToken) {
    ApiAccess guard = new ApiAccess(access, metricsNeedsToken);
    router.route().order(Integer.MIN_VALUE).handler(guard::check);
    for (int status : new int[] {401, 403}) {
      router.errorHandler(status, ApiAccess::renderRefusal);
    }
  }

  /** The role a path needs; empty when open. */
  Optional<String> roleFor(String path) {
    if (path.startsWith("/health/")) {
      return Optional.empty();
    }
    if (path.equals("/metrics")) {
      return metricsNeedsToken ? Optional.of("read") : Optional.empty();
    }
    if (path.startsWith("/api/v1/sampling/") && !path.startsWith("/api/v1/sampling/why/")) {
      return Optional.of("admin");
    }
    return Optional.of("read");
  }

  private void check(RoutingContext ctx) {
    // normalizedPath: "/health/../api/..." must not pass as a health check
    Optional<String> role = roleFor(ctx.normalizedPath());
    if (role.isEmpty()) {
      ctx.next();
      return;
    }
    access
        .check(ctx.request().getHeader(HttpHeaders.AUTHORIZATION), role.get())
        .onComplete(checked -> {
          if (checked.failed()) {
            LOG.warn("checking a token failed", checked.cause());
            ctx.fail(new HttpException(503, "could not check the token; retry later"));
            return;
          }
          AccessCheck.Verdict verdict = checked.result();
          switch (verdict.outcome()) {
            case ALLOWED -> ctx.next();
            case UNAUTHENTICATED -> {
              ctx.response().putHeader("WWW-Authenticate", CHALLENGE);
              ctx.fail(new HttpException(401, verdict.message()));
            }
            case FORBIDDEN -> ctx.fail(new HttpException(403, verdict.message()));
          }
        });
  }

  /** For paths whose API has no failure handler of its own: the router's JSON error. */
  private static void renderRefusal(RoutingContext ctx) {
    int status = ctx.statusCode();
    String message =
        ctx.failure() instanceof HttpException http && http.getPayload() != null
            ? http.getPayload()
            : status == 401 ? "authentication required" : "not allowed";
    if (status == 401) {
      ctx.response().putHeader("WWW-Authenticate", CHALLENGE);
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject()
            .put("error", new JsonObject().put("status", status).put("message", message))
            .encode());
  }
}
