package io.tailkeep.ui.web;

import io.tailkeep.query.ApiJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The web UI: an HTML shell for each page and the hand-written ES modules and CSS it loads, all
 * classpath resources (no front-end build step). The pages read the native query API, the traffic
 * API and the sampling API in the browser.
 *
 * <pre>
 * GET /                   302 to /search
 * GET /search?...         search page; the query string holds the form's filters
 * GET /trace/{traceId}    one trace as a waterfall
 * GET /map                the service map: services and the calls between them (the traffic API)
 * GET /sampling           sampling rules, their counts, "why" for a trace
 * GET /static/{file}      scripts and styles
 * GET /api/v1/ui/settings  what the pages are configured with: {"logsLink": {name, template} | null}
 * </pre>
 *
 * Only these paths (and anything below them, answered 404) are claimed, so {@code /api/**},
 * {@code /metrics} and {@code /health/**} on the same router stay their owners' business.
 */
public final class WebUi {

  static final String RESOURCES = "io/tailkeep/ui/web/";

  /** Every file under {@code static/}: listed, because a jar cannot be listed cheaply. */
  static final List<String> ASSETS =
      List.of(
          "app.js",
          "api.js",
          "dom.js",
          "format.js",
          "search.js",
          "scatter.js",
          "traffic-charts.js",
          "line-chart.js",
          "map.js",
          "graph-layout.js",
          "trace.js",
          "waterfall.js",
          "span-detail.js",
          "sampling.js",
          "style.css");

  /** The pages' scripts and styles come only from here; data can never become markup or code. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  public static final String SETTINGS_PATH = "/api/v1/ui/settings";

  private final Asset shell;
  private final Asset notFound;
  private final Map<String, Asset> assets;
  private final Buffer settings;

  private WebUi(Asset shell, Asset notFound, Map<String, Asset> assets, Buffer settings) {
    this.shell = shell;
    this.notFound = notFound;
    this.assets = assets;
    this.settings = settings;
  }

  /** Adds the UI's routes to {@code router}, without a link to logs. */
  public static void mount(Router router) {
    mount(router, Optional.empty());
  }

  /**
   * Adds the UI's routes to {@code router}; resources are read once, here.
   *
   * @param logsLink the link from a span to the user's logs for its trace; none when empty
   */
  public static void mount(Router router, Optional<LogsLink> logsLink) {
    Map<String, Asset> assets = new LinkedHashMap<>();
    for (String name : ASSETS) {
      assets.put(name, Asset.load(RESOURCES + "static/" + name));
    }
    JsonObject settings = new JsonObject().put("logsLink",
        logsLink.map(link -> new JsonObject().put("name", link.name()).put("template", link.template())).orElse(null));
    WebUi ui =
        new WebUi(
            Asset.load(RESOURCES + "index.html"), Asset.load(RESOURCES + "not-found.html"), assets,
            settings.toBuffer());
    router.get(SETTINGS_PATH).handler(ui::settings);
    router.get("/").handler(WebUi::redirectToSearch);
    router.get("/search").handler(ui::page);
    router.get("/sampling").handler(ui::page);
    router.get("/map").handler(ui::page);
    router.get("/trace/:traceId").handler(ui::page);
    router.get("/static/:file").handler(ui::asset);
    // Anything else under the UI's own paths: a 404 page, not the API's JSON 404.
    router.getWithRegex("/(search|sampling|map|trace|static)(/.*)?").handler(ui::notFound);
  }

  private void settings(RoutingContext ctx) {
    ApiJson.send(ctx.response(), 200, settings);
  }

  private static void redirectToSearch(RoutingContext ctx) {
    ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, "/search").end();
  }

  /** The same shell for every page: the script reads the path and query to know what to show. */
  private void page(RoutingContext ctx) {
    send(ctx, 200, shell);
  }

  private void notFound(RoutingContext ctx) {
    send(ctx, 404, notFound);
  }

  private void asset(RoutingContext ctx) {
    Asset asset = assets.get(ctx.pathParam("file"));
    if (asset == null) {
      notFound(ctx);
      return;
    }
    // The file names carry no version, so browsers revalidate each use; the ETag makes that a 304.
    if (asset.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      ctx.response()
          .setStatusCode(304)
          .putHeader(HttpHeaders.ETAG, asset.etag())
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
          .end();
      return;
    }
    send(ctx, 200, asset);
  }

  private static void send(RoutingContext ctx, int status, Asset asset) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType())
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader(HttpHeaders.ETAG, asset.etag())
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("Referrer-Policy", "same-origin")
        .end(asset.body());
  }

  /** A resource held in memory: the UI is a few tens of kilobytes. */
  record Asset(Buffer body, String contentType, String etag) {

    static Asset load(String resource) {
      byte[] bytes;
      try (InputStream in = WebUi.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("web UI resource missing from the classpath: " + resource);
        }
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read web UI resource " + resource, e);
      }
      return new Asset(Buffer.buffer(bytes), contentType(resource), etag(bytes));
    }

    private static String contentType(String resource) {
      if (resource.endsWith(".js")) {
        return "text/javascript; charset=utf-8";
      }
      if (resource.endsWith(".css")) {
        return "text/css; charset=utf-8";
      }
      if (resource.endsWith(".html")) {
        return "text/html; charset=utf-8";
      }
      throw new IllegalArgumentException("no content type known for " + resource);
    }

    private static String etag(byte[] bytes) {
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
        return '"' + HexFormat.of().formatHex(digest, 0, 16) + '"';
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every JDK", e);
      }
    }
  }
}
