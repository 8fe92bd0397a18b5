package io.tailkeep.deploy.demo;

import static io.tailkeep.deploy.demo.DemoService.ADMIN_CONSOLE;
import static io.tailkeep.deploy.demo.DemoService.AUTH;
import static io.tailkeep.deploy.demo.DemoService.CATALOG;
import static io.tailkeep.deploy.demo.DemoService.CHECKOUT;
import static io.tailkeep.deploy.demo.DemoService.FRONTEND;
import static io.tailkeep.deploy.demo.DemoService.INVENTORY;
import static io.tailkeep.deploy.demo.DemoService.MEDIA_UPLOAD;
import static io.tailkeep.deploy.demo.DemoService.PAYMENT;
import static io.tailkeep.deploy.demo.DemoService.REPORTS;

import java.util.List;
import java.util.Random;

/**
 * What each kind of demo trace looks like: requests through the shop's services with the
 * OpenTelemetry semantic-convention attributes real instrumentation sets. Every shape meets exactly
 * the default rule its {@link DemoKind} names, and no rule before it: only error traces fail, only
 * slow traces have a root of 500 ms or more, only admin traces touch {@code /admin} or the admin
 * role, only payment traces touch the payment service or {@code payment.*} attributes.
 */
final class DemoTraces {

  /** The shipped keep-slow rule's threshold: slow roots last at least this, the others less. */
  static final long SLOW_MILLIS = 500;

  private static final List<DemoService> HEALTH_CHECKED = List.of(FRONTEND, CHECKOUT, CATALOG, INVENTORY);

  private final Random random;

  DemoTraces(Random random) {
    this.random = random;
  }

  DemoSpan shape(DemoKind kind) {
    return switch (kind) {
      case ERROR -> random.nextBoolean() ? stockTimeout() : productLookupFailure();
      case SLOW -> slowSearch();
      case ADMIN -> random.nextBoolean() ? disableUser() : salesReport();
      case PAYMENT -> checkout();
      case UPLOAD -> imageUpload();
      case ORDINARY -> ordinary();
      case HEALTH_CHECK -> healthCheck();
    };
  }

  // --- ordinary browsing, kept at the 1 % baseline

  private DemoSpan ordinary() {
    return switch (random.nextInt(3)) {
      case 0 -> productList();
      case 1 -> productPage();
      default -> viewCart();
    };
  }

  private DemoSpan productList() {
    long total = between(40, 250);
    return httpServer(FRONTEND, "GET", "/products", "/products", 200).lasting(total)
        .child(
            httpClient(FRONTEND, "GET", CATALOG, "/products?page=" + between(1, 5), 200)
                .at(3).lasting(total - 8)
                .child(
                    httpServer(CATALOG, "GET", "/products", "/products", 200).at(4).lasting(total - 10)
                        .child(sql(CATALOG, "SELECT", "products").at(6).lasting((total - 10) / 2))));
  }

  private DemoSpan productPage() {
    long total = between(60, 300);
    String sku = "sku-" + between(1000, 9999);
    return httpServer(FRONTEND, "GET", "/products/{id}", "/products/" + sku, 200).lasting(total)
        .child(
            httpClient(FRONTEND, "GET", CATALOG, "/products/" + sku, 200).at(2).lasting(total - 5)
                .child(
                    httpServer(CATALOG, "GET", "/products/{id}", "/products/" + sku, 200)
                        .at(3).lasting(total - 7)
                        .child(
                            sql(CATALOG, "SELECT", "products").at(4).lasting(12),
                            httpClient(CATALOG, "GET", INVENTORY, "/stock/" + sku, 200)
                                .at(20).lasting(total - 30)
                                .child(
                                    httpServer(INVENTORY, "GET", "/stock/{sku}", "/stock/" + sku, 200)
                                        .at(21).lasting(total - 32)
                                        .child(sql(INVENTORY, "SELECT", "stock").at(22).lasting(10))))));
  }

  private DemoSpan viewCart() {
    long total = between(30, 180);
    return httpServer(FRONTEND, "GET", "/cart", "/cart", 200).lasting(total)
        .child(
            httpClient(FRONTEND, "GET", CHECKOUT, "/cart", 200).at(2).lasting(total - 4)
                .child(
                    httpServer(CHECKOUT, "GET", "/cart", "/cart", 200).at(3).lasting(total - 6)
                        .child(redis(CHECKOUT, "HGETALL").at(4).lasting(3))));
  }

  // --- uploads, kept at the 10 % upload baseline

  private DemoSpan imageUpload() {
    long total = between(80, 450);
    String id = "img-" + between(10_000, 99_999);
    return httpServer(MEDIA_UPLOAD, "POST", "/upload/images", "/upload/images", 201).lasting(total)
        .child(
            DemoSpan.internal(MEDIA_UPLOAD, "resize image").at(5).lasting(total / 3)
                .attr("image.width", 1024L).attr("image.height", 768L),
            httpClient(MEDIA_UPLOAD, "PUT", "object-store", "/media/" + id + ".jpg", 200)
                .at(total / 3 + 8).lasting(total / 2));
  }

  // --- errors: kept by keep-errors

  /** The stock reservation times out in the database; checkout answers 503, the frontend 502. */
  private DemoSpan stockTimeout() {
    long total = between(120, 450);
    return httpServer(FRONTEND, "POST", "/cart/items", "/cart/items", 502).lasting(total)
        .child(
            httpClient(FRONTEND, "POST", CHECKOUT, "/cart/items", 503).at(2).lasting(total - 4)
                .child(
                    httpServer(CHECKOUT, "POST", "/cart/items", "/cart/items", 503)
                        .at(3).lasting(total - 6)
                        .failed("java.util.concurrent.TimeoutException", "stock reservation timed out")
                        .child(
                            sql(INVENTORY, "UPDATE", "stock").at(5).lasting(total - 12)
                                .failed(
                                    "org.postgresql.util.PSQLException",
                                    "ERROR: canceling statement due to statement timeout"))));
  }

  /** A product page whose catalog call fails with a 500. */
  private DemoSpan productLookupFailure() {
    long total = between(20, 120);
    String sku = "sku-" + between(1000, 9999);
    return httpServer(FRONTEND, "GET", "/products/{id}", "/products/" + sku, 500).lasting(total)
        .child(
            httpClient(FRONTEND, "GET", CATALOG, "/products/" + sku, 500).at(1).lasting(total - 3)
                .child(
                    httpServer(CATALOG, "GET", "/products/{id}", "/products/" + sku, 500)
                        .at(2).lasting(total - 5)
                        .failed("java.lang.NullPointerException", "price of " + sku + " is null")
                        .child(sql(CATALOG, "SELECT", "products").at(3).lasting(4))));
  }

  // --- slow: kept by keep-slow (root >= 500 ms)

  private DemoSpan slowSearch() {
    long total = between(600, 2000);
    return httpServer(FRONTEND, "GET", "/search", "/search", 200).lasting(total)
        .child(
            httpClient(FRONTEND, "GET", CATALOG, "/search?q=lamp", 200).at(3).lasting(total - 6)
                .child(
                    httpServer(CATALOG, "GET", "/search", "/search", 200).at(4).lasting(total - 8)
                        .child(
                            sql(CATALOG, "SELECT", "products")
                                .attr("db.query.text", "SELECT * FROM products WHERE name ILIKE ?")
                                .at(6).lasting(total - 40))));
  }

  // --- admin: kept by keep-admin-actions

  private DemoSpan disableUser() {
    long total = between(40, 300);
    String user = "u-" + between(100, 999);
    return httpServer(ADMIN_CONSOLE, "POST", "/admin/users/{id}/disable", "/admin/users/" + user + "/disable", 200)
        .lasting(total)
        .attr("enduser.id", "ops-" + between(1, 9)).attr("enduser.role", "admin")
        .child(
            httpClient(ADMIN_CONSOLE, "POST", AUTH, "/users/" + user + "/sessions/revoke", 204)
                .at(4).lasting(total - 8)
                .child(
                    httpServer(AUTH, "POST", "/users/{id}/sessions/revoke", "/users/" + user + "/sessions/revoke", 204)
                        .at(5).lasting(total - 10)
                        .child(sql(AUTH, "DELETE", "sessions").at(6).lasting((total - 10) / 2))));
  }

  private DemoSpan salesReport() {
    long total = between(150, 450);
    return httpServer(ADMIN_CONSOLE, "GET", "/admin/reports/sales", "/admin/reports/sales", 200)
        .lasting(total)
        .attr("enduser.id", "ops-" + between(1, 9)).attr("enduser.role", "admin")
        .child(
            httpClient(ADMIN_CONSOLE, "GET", REPORTS, "/reports/sales?period=week", 200)
                .at(3).lasting(total - 6)
                .child(
                    httpServer(REPORTS, "GET", "/reports/sales", "/reports/sales", 200)
                        .at(4).lasting(total - 8)
                        .child(sql(REPORTS, "SELECT", "orders").at(6).lasting(total - 20))));
  }

  // --- payments: kept by keep-payments

  private DemoSpan checkout() {
    long total = between(180, 450);
    long charge = total - 90;
    return httpServer(FRONTEND, "POST", "/checkout", "/checkout", 200).lasting(total)
        .child(
            httpClient(FRONTEND, "POST", CHECKOUT, "/checkout", 200).at(2).lasting(total - 4)
                .child(
                    httpServer(CHECKOUT, "POST", "/checkout", "/checkout", 200).at(3).lasting(total - 6)
                        .child(
                            httpClient(CHECKOUT, "GET", AUTH, "/tokens/verify", 200).at(4).lasting(15)
                                .child(
                                    httpServer(AUTH, "GET", "/tokens/verify", "/tokens/verify", 200)
                                        .at(5).lasting(12)),
                            sql(INVENTORY, "UPDATE", "stock").at(22).lasting(25),
                            rpcClient(CHECKOUT, "Charge").at(50).lasting(charge)
                                .child(
                                    rpcServer(PAYMENT, "Charge").at(52).lasting(charge - 4)
                                        .attr("payment.method", random.nextBoolean() ? "card" : "wallet")
                                        .attr("payment.currency", "EUR")
                                        .attr("payment.amount_cents", between(500, 25_000))
                                        .child(
                                            httpClient(PAYMENT, "POST", "acquirer.example.com", "/v2/authorizations", 201)
                                                .at(55).lasting(charge - 12))))));
  }

  // --- health checks: dropped by drop-health-checks (the root's route or path)

  private DemoSpan healthCheck() {
    DemoService service = HEALTH_CHECKED.get(random.nextInt(HEALTH_CHECKED.size()));
    String path = random.nextBoolean() ? "/healthz" : "/readyz";
    return httpServer(service, "GET", path, path, 200).lasting(between(1, 4))
        .attr("user_agent.original", "kube-probe/1.29");
  }

  // --- spans as instrumentation libraries make them

  private static DemoSpan httpServer(DemoService service, String method, String route, String path, long status) {
    return DemoSpan.server(service, method + " " + route)
        .attr("http.request.method", method)
        .attr("http.route", route)
        .attr("url.path", path)
        .attr("url.scheme", "http")
        .attr("http.response.status_code", status);
  }

  private static DemoSpan httpClient(DemoService service, String method, DemoService target, String pathAndQuery, long status) {
    return httpClient(service, method, target.serviceName, pathAndQuery, status);
  }

  private static DemoSpan httpClient(DemoService service, String method, String host, String pathAndQuery, long status) {
    return DemoSpan.client(service, method)
        .attr("http.request.method", method)
        .attr("server.address", host)
        .attr("server.port", 8080L)
        .attr("url.full", "http://" + host + ":8080" + pathAndQuery)
        .attr("http.response.status_code", status);
  }

  private static DemoSpan sql(DemoService service, String operation, String table) {
    return DemoSpan.client(service, operation + " shop." + table)
        .attr("db.system", "postgresql")
        .attr("db.namespace", "shop")
        .attr("db.operation.name", operation)
        .attr("db.collection.name", table)
        .attr("server.address", "postgres")
        .attr("server.port", 5432L);
  }

  private static DemoSpan redis(DemoService service, String command) {
    return DemoSpan.client(service, command)
        .attr("db.system", "redis")
        .attr("db.operation.name", command)
        .attr("server.address", "redis")
        .attr("server.port", 6379L);
  }

  private static DemoSpan rpcClient(DemoService service, String method) {
    return rpc(DemoSpan.client(service, "payments.v1.Payments/" + method), method);
  }

  private static DemoSpan rpcServer(DemoService service, String method) {
    return rpc(DemoSpan.server(service, "payments.v1.Payments/" + method), method);
  }

  private static DemoSpan rpc(DemoSpan span, String method) {
    return span
        .attr("rpc.system", "grpc")
        .attr("rpc.service", "payments.v1.Payments")
        .attr("rpc.method", method)
        .attr("rpc.grpc.status_code", 0L);
  }

  private long between(long min, long max) {
    return min + (long) (random.nextDouble() * (max - min + 1));
  }
}
