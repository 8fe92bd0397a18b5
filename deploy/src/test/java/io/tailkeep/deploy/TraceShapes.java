package io.tailkeep.deploy;

import static io.tailkeep.deploy.SpanTree.span;

import java.util.List;
import java.util.function.Supplier;

/**
 * Traces as the shipped default rules see them, each over two or three services. Entry services
 * ({@value #FRONTEND}, {@value #GATEWAY}) only ever start traces; the others are only called.
 */
final class TraceShapes {

  static final String FRONTEND = "web-frontend";
  static final String GATEWAY = "mobile-gateway";

  /** A kind of trace the default rules must keep, and the rule that keeps it. */
  record MustKeep(String kind, String rule, Supplier<SpanTree> shape) {
    @Override
    public String toString() {
      return kind;
    }
  }

  static final List<MustKeep> MUST_KEEP =
      List.of(
          new MustKeep("error status", "keep-errors", TraceShapes::errorStatus),
          new MustKeep("HTTP 500", "keep-errors", TraceShapes::serverError500),
          new MustKeep("slow", "keep-slow", TraceShapes::slow),
          new MustKeep("admin", "keep-admin-actions", TraceShapes::admin),
          new MustKeep("payment service", "keep-payments", TraceShapes::paymentService),
          new MustKeep("payment attribute", "keep-payments", TraceShapes::paymentAttribute));

  private TraceShapes() {}

  /** A client span deep in the trace ends in status ERROR. */
  static SpanTree errorStatus() {
    return span(FRONTEND, "GET /orders/{id}").server().route("/orders/{id}").lasting(120)
        .child(
            span("orders", "GET /orders/{id}").server().route("/orders/{id}").at(5).lasting(100)
                .child(span("inventory", "SELECT stock").client().at(20).lasting(30).error()),
            span("orders", "cache lookup").at(2).lasting(1));
  }

  /**
   * An error trace within one service: all its spans reach Tailkeep in one export request, so an
   * eviction can only decide it whole, with its error seen.
   */
  static SpanTree errorInOneService() {
    return span("checkout", "POST /checkout/confirm").server().route("/checkout/confirm").lasting(90)
        .child(
            span("checkout", "reserve stock").client().at(5).lasting(20),
            span("checkout", "confirm order").client().at(30).lasting(40).error());
  }

  /** No span has status ERROR, but a server span answered 500. */
  static SpanTree serverError500() {
    return span(GATEWAY, "POST /cart").server().route("/cart").lasting(80)
        .child(
            span("orders", "POST /cart/items").server().route("/cart/items").at(5).lasting(60)
                .attr("http.response.status_code", 500L)
                .child(span("ledger", "write entry").at(10).lasting(20)));
  }

  /** The root span takes 750 ms. */
  static SpanTree slow() {
    return span(FRONTEND, "GET /search").server().route("/search").lasting(750)
        .child(
            span("orders", "search orders").server().at(10).lasting(700)
                .child(span("inventory", "scan").client().at(20).lasting(600)));
  }

  static SpanTree admin() {
    return span(FRONTEND, "DELETE /admin/users/{id}").server().route("/admin/users/{id}").lasting(40)
        .child(span("orders", "delete user orders").server().at(5).lasting(20)
            .child(span("ledger", "archive").at(6).lasting(5)));
  }

  /** Passes through a service whose name contains "payment". */
  static SpanTree paymentService() {
    return span(FRONTEND, "POST /checkout").server().route("/checkout").lasting(150)
        .child(
            span("payment-service", "POST /charges").server().route("/charges").at(10).lasting(100)
                .child(span("ledger", "INSERT entry").client().at(20).lasting(30)));
  }

  /** No payment service, but a span carries a payment.* attribute. */
  static SpanTree paymentAttribute() {
    return span(GATEWAY, "POST /orders").server().route("/orders").lasting(90)
        .child(
            span("orders", "POST /orders").server().route("/orders").at(5).lasting(70)
                .attr("payment.method", "card")
                .child(span("inventory", "reserve").client().at(10).lasting(20)));
  }

  /** A load balancer probe, by route. */
  static SpanTree healthCheck() {
    return span(FRONTEND, "GET /healthz").server().route("/healthz").lasting(3)
        .child(span("orders", "ping").client().at(1).lasting(1));
  }

  /** A readiness probe, by URL path. */
  static SpanTree readinessProbe() {
    return span(GATEWAY, "GET").server().attr("url.path", "/health/ready").lasting(2)
        .child(span("inventory", "ping").client().at(1).lasting(1));
  }

  /** Baseline upload traffic (baseline-uploads, 10 %): one span, or two. */
  static SpanTree upload(int i) {
    SpanTree root =
        span("upload-api", "POST /upload/{id}").server().route("/upload/{id}").lasting(20 + i % 100);
    if (i % 2 == 0) {
      root.child(span("upload-api", "store chunk").at(2).lasting(10 + i % 7));
    }
    return root;
  }

  /** Everyday traffic no specific rule keeps (baseline-everything-else, 1 %). */
  static SpanTree catalog(int i) {
    return span(FRONTEND, "GET /catalog/{id}").server().route("/catalog/{id}").lasting(60)
        .attr("catalog.item", "item-" + i)
        .child(
            span("catalog", "GET /items/{id}").server().route("/items/{id}").at(5).lasting(40)
                .attr("db.statement", "SELECT * FROM items WHERE id = " + i)
                .child(span("inventory", "stock level").client().at(10).lasting(10)));
  }
}
