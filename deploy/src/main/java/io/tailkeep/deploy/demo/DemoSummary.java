package io.tailkeep.deploy.demo;

import java.io.PrintStream;
import java.util.List;

/** What the demo prints after sending: counts by kind, what the default rules do, where to look. */
final class DemoSummary {

  /** The server's default grace period after a root span, before it decides. */
  private static final String DECISION_DELAY = "about 2 s";

  private static final List<ShopKind> MUST_KEEP_LINKS =
      List.of(ShopKind.ERROR, ShopKind.SLOW, ShopKind.ADMIN, ShopKind.PAYMENT);

  private final DemoOptions options;
  private final DemoRun run;

  DemoSummary(DemoOptions options, DemoRun run) {
    this.options = options;
    this.run = run;
  }

  void print(PrintStream out) {
    String api = options.api().toString();
    String transport = options.protocol() == DemoOptions.Protocol.GRPC ? "OTLP/gRPC" : "OTLP/HTTP";
    out.printf(
        "Sent %d traces (%d spans) from %d services to %s (%s) in %.1f s.%n%n",
        run.traces(), run.spans(), ShopService.values().length, options.endpointAddress(),
        transport, run.took().toMillis() / 1000.0);
    out.println("What the shipped default rules do with them:");
    for (ShopKind kind : ShopKind.values()) {
      out.printf("  %-13s %6d   %s%n", kind.label, run.traceIds(kind).size(), kind.expectation());
    }
    out.println();
    out.println("Each trace is decided " + DECISION_DELAY + " after its root span arrives; then look at:");
    out.printf("  %-70s %s%n", api + "/", "the web UI");
    out.printf("  %-70s %s%n", api + "/api/v1/traces?service=checkout&sort=duration", "checkout traces, slowest first");
    out.printf("  %-70s %s%n", api + "/api/v1/sampling/rules", "what each rule kept and dropped");
    out.println();
    out.println("Traces that must be kept:");
    for (ShopKind kind : MUST_KEEP_LINKS) {
      List<String> ids = run.traceIds(kind);
      if (!ids.isEmpty()) {
        out.printf("  %-8s %s/trace/%s%n", kind.label, api, ids.get(0));
      }
    }
    out.println();
    out.println("The same traffic again (with new trace IDs): tailkeep demo --seed " + options.seed()
        + " --traces " + options.traces());
  }
}
