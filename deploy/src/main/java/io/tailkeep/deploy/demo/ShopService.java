package io.tailkeep.deploy.demo;

/**
 * The made-up shop's services. Declared callees first: the demo exports service by service in this
 * order, so a trace's root span (always in a caller) reaches Tailkeep after the spans of the
 * services it called, and the sampler decides on the whole trace.
 */
public enum ShopService {
  PAYMENT("payment-service", "3.2.0"),
  INVENTORY("inventory", "1.9.4"),
  AUTH("auth", "2.0.1"),
  REPORTS("reports", "0.7.3"),
  CATALOG("catalog", "4.1.0"),
  CURRENCY("currency", "1.4.2"),
  SHIPPING("shipping", "2.2.0"),
  CART("cart", "3.0.7"),
  RECOMMENDATION("recommendation", "0.9.8"),
  CHECKOUT("checkout", "2.6.2"),
  MEDIA_UPLOAD("media-upload", "1.3.0"),
  STREAM_GATEWAY("stream-gateway", "1.0.4"),
  ADMIN_CONSOLE("admin-console", "1.1.5"),
  FRONTEND("frontend", "5.0.2");

  /** {@code service.name} */
  public final String serviceName;

  /** {@code service.version} */
  public final String version;

  ShopService(String serviceName, String version) {
    this.serviceName = serviceName;
    this.version = version;
  }
}
