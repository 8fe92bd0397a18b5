package io.tailkeep.deploy.demo;

/**
 * The made-up shop the demo traffic comes from. Declared callees first: spans are exported in this
 * order, so a trace's root span (always in a caller) reaches Tailkeep after the spans of the
 * services it called, and the sampler decides on the whole trace.
 */
enum DemoService {
  PAYMENT("payment-service", "3.2.0"),
  INVENTORY("inventory", "1.9.4"),
  AUTH("auth", "2.0.1"),
  REPORTS("reports", "0.7.3"),
  CATALOG("catalog", "4.1.0"),
  CHECKOUT("checkout", "2.6.2"),
  MEDIA_UPLOAD("media-upload", "1.3.0"),
  ADMIN_CONSOLE("admin-console", "1.1.5"),
  FRONTEND("frontend", "5.0.2");

  final String serviceName;
  final String version;

  DemoService(String serviceName, String version) {
    this.serviceName = serviceName;
    this.version = version;
  }
}
