package io.tailkeep.deploy.demo;

/**
 * The kinds of trace the demo sends, each shaped to meet exactly one rule of the shipped default
 * rules ({@code sampler/src/main/resources/io/tailkeep/sampler/default-rules.yaml}), with its share of the traffic.
 */
public enum DemoKind {
  ERROR("error", "keep-errors", 1.0, 0.07),
  SLOW("slow", "keep-slow", 1.0, 0.07),
  ADMIN("admin", "keep-admin-actions", 1.0, 0.05),
  PAYMENT("payment", "keep-payments", 1.0, 0.06),
  UPLOAD("upload", "baseline-uploads", 0.10, 0.10),
  ORDINARY("ordinary", "baseline-everything-else", 0.01, 0.45),
  HEALTH_CHECK("health check", "drop-health-checks", 0.0, 0.20);

  /** How the summary names it. */
  public final String label;

  /** The default rule that decides a trace of this kind. */
  public final String rule;

  /** The share of these traces the default rules keep: 1 always, 0 never. */
  public final double keptShare;

  /** The share of the demo's traffic; {@link #ORDINARY} also takes what rounding leaves over. */
  final double trafficShare;

  DemoKind(String label, String rule, double keptShare, double trafficShare) {
    this.label = label;
    this.rule = rule;
    this.keptShare = keptShare;
    this.trafficShare = trafficShare;
  }

  public boolean alwaysKept() {
    return keptShare == 1.0;
  }

  /** What the default rules do with it, for the summary. */
  String expectation() {
    if (alwaysKept()) {
      return "all kept (" + rule + ")";
    }
    if (keptShare == 0.0) {
      return "all dropped (" + rule + ")";
    }
    return "about " + Math.round(keptShare * 100) + " % kept (" + rule + ", chosen by trace ID)";
  }
}
