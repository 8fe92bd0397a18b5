package io.tailkeep.deploy.demo;

import static io.tailkeep.deploy.demo.ShopService.ADMIN_CONSOLE;
import static io.tailkeep.deploy.demo.ShopService.AUTH;
import static io.tailkeep.deploy.demo.ShopService.CART;
import static io.tailkeep.deploy.demo.ShopService.CATALOG;
import static io.tailkeep.deploy.demo.ShopService.CHECKOUT;
import static io.tailkeep.deploy.demo.ShopService.CURRENCY;
import static io.tailkeep.deploy.demo.ShopService.FRONTEND;
import static io.tailkeep.deploy.demo.ShopService.INVENTORY;
import static io.tailkeep.deploy.demo.ShopService.MEDIA_UPLOAD;
import static io.tailkeep.deploy.demo.ShopService.PAYMENT;
import static io.tailkeep.deploy.demo.ShopService.RECOMMENDATION;
import static io.tailkeep.deploy.demo.ShopService.REPORTS;
import static io.tailkeep.deploy.demo.ShopService.SHIPPING;
import static io.tailkeep.deploy.demo.ShopService.STREAM_GATEWAY;

import io.tailkeep.deploy.demo.ShopSpan.Instrumentation;
import io.tailkeep.deploy.demo.ShopSpan.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The shop's traces: requests through its services with the OpenTelemetry semantic-convention
 * attributes real instrumentation sets. Every trace meets exactly the default rule its
 * {@link ShopKind} names, and no rule before it: only error traces fail, only slow traces have a
 * root of 500 ms or more, only admin traces touch {@code /admin} or the admin role, only payment
 * traces touch the payment service or {@code payment.*} attributes, only upload and streaming
 * traces have a root on an upload or streaming service or route, only health checks a probe's route.
 *
 * <p>{@link #trace(ShopKind)} is the request alone (1 to 9 spans), as the demo sends it;
 * {@link #trace(ShopKind, int)} grows it with the shop's routine calls to the size a benchmark asks
 * for. The same random generator, seeded the same, makes the same traces.
 */
public final class ShopTraces {

  /** The shipped keep-slow rule's threshold: slow roots last at least this, the others less. */
  public static final long SLOW_MILLIS = 500;

  private static final List<ShopService> HEALTH_CHECKED = List.of(FRONTEND, CHECKOUT, CATALOG, INVENTORY);
  private static final List<String> USER_AGENTS =
      List.of(
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
          "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
          "shop-android/4.12.1 okhttp/4.12.0");

  /**
   * What any request may also do, made for the span it is called from (its service): gRPC calls
   * to the catalog, cart, recommendation and auth services, HTTP calls, SQL, Redis, work in the
   * service itself. None fails, none touches payments or {@code /admin}.
   */
  private static final List<Function<ShopService, ShopSpan>> ROUTINE_CALLS =
      List.of(
          caller -> rpcServer(CATALOG, "CatalogService", "GetProduct"),
          caller -> rpcServer(CATALOG, "CatalogService", "ListProducts"),
          caller -> rpcServer(RECOMMENDATION, "RecommendationService", "ListRecommendations"),
          caller -> rpcServer(CART, "CartService", "GetCart"),
          caller -> rpcServer(CART, "CartService", "AddItem"),
          caller -> rpcServer(AUTH, "AuthService", "VerifyToken"),
          caller -> httpClient(caller, "GET", SHIPPING.serviceName, "/quote?country=DE", 200),
          caller -> httpClient(caller, "GET", CURRENCY.serviceName, "/convert?from=USD&to=EUR", 200),
          caller -> sql(caller, "SELECT", "products", "SELECT id, name, price_cents, stock FROM products WHERE id = $1"),
          caller -> sql(caller, "SELECT", "products",
              "SELECT id, name, price_cents FROM products WHERE category = $1 ORDER BY rank LIMIT $2"),
          caller -> sql(caller, "SELECT", "users", "SELECT id, password_hash, role FROM users WHERE email = $1"),
          caller -> sql(caller, "SELECT", "orders", "SELECT id, status, total_cents FROM orders WHERE id = $1"),
          caller -> redis(caller, "HGET", "HGET cart:? items"),
          caller -> redis(caller, "HSET", "HSET cart:? items ?"),
          caller -> internal(caller, "render page"),
          caller -> internal(caller, "score candidates"));

  /** What a health check may call: a probe's query to each store. */
  private static final List<Function<ShopService, ShopSpan>> HEALTH_CALLS =
      List.of(caller -> sql(caller, "SELECT", "", "SELECT 1"), caller -> redis(caller, "PING", "PING"));

  private final RandomGenerator random;

  public ShopTraces(RandomGenerator random) {
    this.random = random;
  }

  /** A kind drawn by its share of {@code mix}. */
  public ShopKind nextKind(ShopKind.Mix mix) {
    double p = random.nextDouble();
    for (ShopKind kind : ShopKind.values()) {
      p -= kind.share(mix);
      if (p < 0) {
        return kind;
      }
    }
    return ShopKind.ORDINARY;
  }

  /** A request of this kind alone: 1 to 9 spans. */
  public ShopSpan trace(ShopKind kind) {
    return finish(request(kind), kind);
  }

  /**
   * A request of this kind with routine calls added under its server and internal spans, nested in
   * their time, until it has {@code spans} spans (or the request's own, when that is more). The
   * calls added leave the trace to its kind's rule; a health check only calls its stores.
   */
  public ShopSpan trace(ShopKind kind, int spans) {
    ShopSpan root = request(kind);
    grow(root, spans, kind == ShopKind.HEALTH_CHECK ? HEALTH_CALLS : ROUTINE_CALLS);
    return finish(root, kind);
  }

  /** The kind's request; its root lasts a random fraction of a millisecond more, as real roots do. */
  private ShopSpan request(ShopKind kind) {
    ShopSpan root = switch (kind) {
      case ERROR -> random.nextBoolean() ? stockTimeout() : productLookupFailure();
      case SLOW -> slowSearch();
      case ADMIN -> random.nextBoolean() ? disableUser() : salesReport();
      case PAYMENT -> checkout();
      case UPLOAD -> imageUpload();
      case STREAMING -> videoChunk();
      case ORDINARY -> ordinary();
      case HEALTH_CHECK -> healthCheck();
    };
    // Whole milliseconds would give many traces the same duration (and ties in slowest-first searches).
    return root.lastingNanos(root.durationNanos() + random.nextLong(TimeUnit.MILLISECONDS.toNanos(1)));
  }

  private void grow(ShopSpan root, int spans, List<Function<ShopService, ShopSpan>> calls) {
    List<ShopSpan> callers = new ArrayList<>();
    for (ShopSpan span : root.spans()) {
      if (span.kind() != Kind.CLIENT) {
        callers.add(span);
      }
    }
    for (int count = root.spanCount(); count < spans; count++) {
      ShopSpan caller = callers.get(random.nextInt(callers.size()));
      ShopSpan call = calls.get(random.nextInt(calls.size())).apply(caller.service());
      long start = caller.offsetNanos() + (long) (random.nextDouble() * 0.8 * caller.durationNanos());
      long room = caller.offsetNanos() + caller.durationNanos() - start;
      call.atNanos(start).lastingNanos(Math.max(1, (long) (random.nextDouble() * room)));
      caller.child(call);
      if (call.kind() != Kind.CLIENT) {
        callers.add(call);
      }
    }
  }

  /**
   * What differs per request and thread: the client at the entry (users come through the shop's
   * public address, probes straight to the pod), the thread of every span.
   */
  private ShopSpan finish(ShopSpan root, ShopKind kind) {
    if (kind == ShopKind.HEALTH_CHECK) {
      root.attr("user_agent.original", "kube-probe/1.29");
    } else {
      root.attr("url.scheme", "https")
          .attr("server.address", "shop.example.com")
          .attr("server.port", 443L)
          .attr("user_agent.original", USER_AGENTS.get(random.nextInt(USER_AGENTS.size())));
    }
    root.attr("client.address", "10.0." + random.nextInt(256) + "." + random.nextInt(256));
    for (ShopSpan span : root.spans()) {
      span.attr("thread.id", random.nextInt(30, 250))
          .attr("thread.name", "http-nio-8080-exec-" + random.nextInt(1, 200));
    }
    return root;
  }

  // --- ordinary browsing, kept at the 1 % baseline

  private ShopSpan ordinary() {
    return switch (random.nextInt(5)) {
      case 0 -> productList();
      case 1 -> productPage();
      case 2 -> viewCart();
      case 3 -> recommendations();
      default -> shippingQuote();
    };
  }

  private ShopSpan productList() {
    long total = between(40, 250);
    return httpServer(FRONTEND, "GET", "/products", "/products", 200).lasting(total)
        .child(
            httpCall(FRONTEND, "GET", CATALOG, "/products", "/products?page=" + between(1, 5), 200, 3, total - 8,
                sql(CATALOG, "SELECT", "products",
                    "SELECT id, name, price_cents FROM products ORDER BY rank LIMIT $1 OFFSET $2")
                    .at(6).lasting((total - 10) / 2)));
  }

  private ShopSpan productPage() {
    long total = between(60, 300);
    String sku = "sku-" + between(1000, 9999);
    return httpServer(FRONTEND, "GET", "/products/{id}", "/products/" + sku, 200).lasting(total)
        .child(
            httpCall(FRONTEND, "GET", CATALOG, "/products/{id}", "/products/" + sku, 200, 2, total - 5,
                sql(CATALOG, "SELECT", "products", "SELECT id, name, price_cents, stock FROM products WHERE sku = $1")
                    .at(4).lasting(12),
                httpCall(CATALOG, "GET", INVENTORY, "/stock/{sku}", "/stock/" + sku, 200, 20, total - 30,
                    sql(INVENTORY, "SELECT", "stock", "SELECT available FROM stock WHERE sku = $1")
                        .at(22).lasting(10))));
  }

  private ShopSpan viewCart() {
    long total = between(30, 180);
    return httpServer(FRONTEND, "GET", "/cart", "/cart", 200).lasting(total)
        .child(
            rpcClient(FRONTEND, CART, "CartService", "GetCart").at(2).lasting(total - 4)
                .child(
                    rpcServer(CART, "CartService", "GetCart").at(3).lasting(total - 6)
                        .child(redis(CART, "HGETALL", "HGETALL cart:?").at(4).lasting(3))));
  }

  private ShopSpan recommendations() {
    long total = between(50, 280);
    return httpServer(FRONTEND, "GET", "/recommendations", "/recommendations", 200).lasting(total)
        .child(
            rpcClient(FRONTEND, RECOMMENDATION, "RecommendationService", "ListRecommendations")
                .at(2).lasting(total - 4)
                .child(
                    rpcServer(RECOMMENDATION, "RecommendationService", "ListRecommendations")
                        .at(3).lasting(total - 6)
                        .child(
                            rpcClient(RECOMMENDATION, CATALOG, "CatalogService", "ListProducts")
                                .at(5).lasting(total / 3)
                                .child(
                                    rpcServer(CATALOG, "CatalogService", "ListProducts")
                                        .at(6).lasting(total / 3 - 2)))));
  }

  private ShopSpan shippingQuote() {
    long total = between(40, 220);
    return httpServer(FRONTEND, "GET", "/shipping/quote", "/shipping/quote", 200).lasting(total)
        .child(
            httpCall(FRONTEND, "GET", SHIPPING, "/quote", "/quote?country=DE", 200, 2, total - 4,
                httpClient(SHIPPING, "GET", CURRENCY, "/convert?from=USD&to=EUR", 200).at(5).lasting((total - 6) / 2)));
  }

  // --- uploads, kept at the 10 % upload baseline

  private ShopSpan imageUpload() {
    long total = between(80, 450);
    String id = "img-" + between(10_000, 99_999);
    return httpServer(MEDIA_UPLOAD, "POST", "/upload/images", "/upload/images", 201).lasting(total)
        .child(
            internal(MEDIA_UPLOAD, "resize image").at(5).lasting(total / 3)
                .attr("image.width", 1024L).attr("image.height", 768L),
            httpClient(MEDIA_UPLOAD, "PUT", "object-store", "/media/" + id + ".jpg", 200)
                .at(total / 3 + 8).lasting(total / 2));
  }

  // --- streaming, kept at the 5 % streaming baseline

  private ShopSpan videoChunk() {
    long total = between(20, 400);
    String video = "v-" + between(1000, 9999);
    return httpServer(STREAM_GATEWAY, "GET", "/stream/video/{id}", "/stream/video/" + video, 200).lasting(total)
        .child(
            redis(STREAM_GATEWAY, "GET", "GET session:?").at(1).lasting(2),
            internal(STREAM_GATEWAY, "read chunk").at(4).lasting(total - 8)
                .attr("video.chunk", between(0, 600)));
  }

  // --- errors: kept by keep-errors

  /** The stock reservation times out in the database; checkout answers 503, the frontend 502. */
  private ShopSpan stockTimeout() {
    long total = between(120, 450);
    return httpServer(FRONTEND, "POST", "/cart/items", "/cart/items", 502).lasting(total)
        .child(
            httpClient(FRONTEND, "POST", CHECKOUT, "/cart/items", 503).at(2).lasting(total - 4)
                .child(
                    httpServer(CHECKOUT, "POST", "/cart/items", "/cart/items", 503)
                        .at(3).lasting(total - 6)
                        .failed("java.util.concurrent.TimeoutException", "stock reservation timed out")
                        .child(
                            sql(INVENTORY, "UPDATE", "stock", "UPDATE stock SET reserved = reserved + $1 WHERE sku = $2")
                                .at(5).lasting(total - 12)
                                .failed(
                                    "org.postgresql.util.PSQLException",
                                    "ERROR: canceling statement due to statement timeout"))));
  }

  /** A product page whose catalog call fails with a 500. */
  private ShopSpan productLookupFailure() {
    long total = between(20, 120);
    String sku = "sku-" + between(1000, 9999);
    return httpServer(FRONTEND, "GET", "/products/{id}", "/products/" + sku, 500).lasting(total)
        .child(
            httpClient(FRONTEND, "GET", CATALOG, "/products/" + sku, 500).at(1).lasting(total - 3)
                .child(
                    httpServer(CATALOG, "GET", "/products/{id}", "/products/" + sku, 500)
                        .at(2).lasting(total - 5)
                        .failed("java.lang.NullPointerException", "price of " + sku + " is null")
                        .child(
                            sql(CATALOG, "SELECT", "products",
                                "SELECT id, name, price_cents, stock FROM products WHERE sku = $1")
                                .at(3).lasting(4))));
  }

  // --- slow: kept by keep-slow (root >= 500 ms)

  private ShopSpan slowSearch() {
    long total = between(600, 1999);
    return httpServer(FRONTEND, "GET", "/search", "/search", 200).lasting(total)
        .child(
            httpCall(FRONTEND, "GET", CATALOG, "/search", "/search?q=lamp", 200, 3, total - 6,
                sql(CATALOG, "SELECT", "products", "SELECT * FROM products WHERE name ILIKE ?")
                    .at(6).lasting(total - 40)));
  }

  // --- admin: kept by keep-admin-actions

  private ShopSpan disableUser() {
    long total = between(40, 300);
    String user = "u-" + between(100, 999);
    return httpServer(ADMIN_CONSOLE, "POST", "/admin/users/{id}/disable", "/admin/users/" + user + "/disable", 200)
        .lasting(total)
        .attr("enduser.id", "ops-" + between(1, 9)).attr("enduser.role", "admin")
        .child(
            httpCall(ADMIN_CONSOLE, "POST", AUTH, "/users/{id}/sessions/revoke", "/users/" + user + "/sessions/revoke",
                204, 4, total - 8,
                sql(AUTH, "DELETE", "sessions", "DELETE FROM sessions WHERE user_id = $1")
                    .at(6).lasting((total - 10) / 2)));
  }

  private ShopSpan salesReport() {
    long total = between(150, 450);
    return httpServer(ADMIN_CONSOLE, "GET", "/admin/reports/sales", "/admin/reports/sales", 200)
        .lasting(total)
        .attr("enduser.id", "ops-" + between(1, 9)).attr("enduser.role", "admin")
        .child(
            httpCall(ADMIN_CONSOLE, "GET", REPORTS, "/reports/sales", "/reports/sales?period=week", 200, 3, total - 6,
                sql(REPORTS, "SELECT", "orders",
                    "SELECT date_trunc('day', placed_at), sum(total_cents) FROM orders GROUP BY 1")
                    .at(6).lasting(total - 20)));
  }

  // --- payments: kept by keep-payments

  private ShopSpan checkout() {
    long total = between(180, 450);
    long charge = total - 90;
    return httpServer(FRONTEND, "POST", "/checkout", "/checkout", 200).lasting(total)
        .child(
            httpCall(FRONTEND, "POST", CHECKOUT, "/checkout", "/checkout", 200, 2, total - 4,
                httpCall(CHECKOUT, "GET", AUTH, "/tokens/verify", "/tokens/verify", 200, 4, 15),
                sql(INVENTORY, "UPDATE", "stock", "UPDATE stock SET available = available - $1 WHERE sku = $2")
                    .at(22).lasting(25),
                rpcClient(CHECKOUT, PAYMENT, "PaymentService", "Charge").at(50).lasting(charge)
                    .child(
                        rpcServer(PAYMENT, "PaymentService", "Charge").at(52).lasting(charge - 4)
                            .attr("payment.method", random.nextBoolean() ? "card" : "wallet")
                            .attr("payment.currency", "EUR")
                            .attr("payment.amount_cents", between(500, 25_000))
                            .child(
                                httpClient(PAYMENT, "POST", "acquirer.example.com", "/v2/authorizations", 201)
                                    .at(55).lasting(charge - 12)))));
  }

  // --- health checks: dropped by drop-health-checks (the root's route or path)

  private ShopSpan healthCheck() {
    ShopService service = HEALTH_CHECKED.get(random.nextInt(HEALTH_CHECKED.size()));
    String path = random.nextBoolean() ? "/healthz" : "/readyz";
    return httpServer(service, "GET", path, path, 200).lasting(between(1, 4));
  }

  // --- spans as the Java agent's instrumentation makes them

  /**
   * An HTTP call that succeeds: the caller's client span, {@code at} ms after the root and lasting
   * {@code lasting} ms, and under it the target's server span, a millisecond later and two shorter
   * (its path without the query), doing {@code work}.
   */
  private static ShopSpan httpCall(
      ShopService caller, String method, ShopService target, String route, String pathAndQuery, long status,
      long at, long lasting, ShopSpan... work) {
    String path = pathAndQuery.replaceFirst("\\?.*", "");
    return httpClient(caller, method, target, pathAndQuery, status).at(at).lasting(lasting)
        .child(httpServer(target, method, route, path, status).at(at + 1).lasting(lasting - 2).child(work));
  }

  private static ShopSpan httpServer(ShopService service, String method, String route, String path, long status) {
    return new ShopSpan(service, method + " " + route, Kind.SERVER, Instrumentation.HTTP_SERVER)
        .attr("http.request.method", method)
        .attr("http.route", route)
        .attr("url.path", path)
        .attr("url.scheme", "http")
        .attr("network.protocol.version", "1.1")
        .attr("http.response.status_code", status);
  }

  private static ShopSpan httpClient(ShopService service, String method, ShopService target, String pathAndQuery, long status) {
    return httpClient(service, method, target.serviceName, pathAndQuery, status);
  }

  private static ShopSpan httpClient(ShopService service, String method, String host, String pathAndQuery, long status) {
    return new ShopSpan(service, method, Kind.CLIENT, Instrumentation.HTTP_CLIENT)
        .attr("http.request.method", method)
        .attr("server.address", host)
        .attr("server.port", 8080L)
        .attr("url.full", "http://" + host + ":8080" + pathAndQuery)
        .attr("network.protocol.version", "1.1")
        .attr("http.response.status_code", status);
  }

  private static ShopSpan sql(ShopService service, String operation, String table, String query) {
    ShopSpan span =
        new ShopSpan(service, table.isEmpty() ? operation : operation + " shop." + table, Kind.CLIENT, Instrumentation.JDBC)
            .attr("db.system.name", "postgresql")
            .attr("db.namespace", "shop")
            .attr("db.operation.name", operation);
    if (!table.isEmpty()) {
      span.attr("db.collection.name", table);
    }
    return span.attr("db.query.text", query).attr("server.address", "postgres.shop.svc").attr("server.port", 5432L);
  }

  private static ShopSpan redis(ShopService service, String command, String query) {
    return new ShopSpan(service, command, Kind.CLIENT, Instrumentation.REDIS)
        .attr("db.system.name", "redis")
        .attr("db.operation.name", command)
        .attr("db.query.text", query)
        .attr("server.address", "redis.shop.svc")
        .attr("server.port", 6379L);
  }

  private static ShopSpan rpcClient(ShopService service, ShopService target, String grpcService, String method) {
    return rpc(new ShopSpan(service, "shop.v1." + grpcService + "/" + method, Kind.CLIENT, Instrumentation.GRPC),
            grpcService, method)
        .attr("server.address", target.serviceName)
        .attr("server.port", 7070L);
  }

  private static ShopSpan rpcServer(ShopService service, String grpcService, String method) {
    return rpc(new ShopSpan(service, "shop.v1." + grpcService + "/" + method, Kind.SERVER, Instrumentation.GRPC),
            grpcService, method)
        .attr("server.address", service.serviceName)
        .attr("server.port", 7070L);
  }

  private static ShopSpan rpc(ShopSpan span, String grpcService, String method) {
    return span
        .attr("rpc.system", "grpc")
        .attr("rpc.service", "shop.v1." + grpcService)
        .attr("rpc.method", method)
        .attr("rpc.grpc.status_code", 0L);
  }

  private static ShopSpan internal(ShopService service, String name) {
    return new ShopSpan(service, name, Kind.INTERNAL, Instrumentation.INTERNAL);
  }

  private long between(long min, long max) {
    return min + (long) (random.nextDouble() * (max - min + 1));
  }
}
