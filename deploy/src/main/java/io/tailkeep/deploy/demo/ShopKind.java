package io.tailkeep.deploy.demo;

/**
 * The kinds of the shop's traces, each shaped ({@link ShopTraces}) to meet exactly one rule of the
 * shipped default rules ({@code sampler/src/main/resources/io/tailkeep/sampler/default-rules.yaml}),
 * and their shares of the traffic.
 */
public enum ShopKind {
  ERROR("error", "keep-errors", 1.0, 0.015, 0.07),
  SLOW("slow", "keep-slow", 1.0, 0.015, 0.07),
  ADMIN("admin", "keep-admin-actions", 1.0, 0.0025, 0.05),
  PAYMENT("payment", "keep-payments", 1.0, 0.0025, 0.06),
  UPLOAD("upload", "baseline-uploads", 0.10, 0.05, 0.05),
  STREAMING("streaming", "baseline-streaming", 0.05, 0.05, 0.05),
  ORDINARY("ordinary", "baseline-everything-else", 0.01, 0.815, 0.45),
  HEALTH_CHECK("health check", "drop-health-checks", 0.0, 0.05, 0.20);

  /** Which traffic a share is of. */
  public enum Mix {
    /** The shop's traffic as its users make it: the default rules keep about 5 % of it. */
    SHOP,
    /** The part of {@link #SHOP} the default rules keep: what a store holds. */
    KEPT,
    /** The demo's: the rare kinds made common, so a few hundred traces show every rule at work. */
    DEMO
  }

  /** How the demo's summary names it. */
  public final String label;

  /** The default rule that decides a trace of this kind. */
  public final String rule;

  /** The share of these traces the default rules keep: 1 always, 0 never. */
  public final double keptShare;

  private final double shopShare;
  private final double demoShare;

  ShopKind(String label, String rule, double keptShare, double shopShare, double demoShare) {
    this.label = label;
    this.rule = rule;
    this.keptShare = keptShare;
    this.shopShare = shopShare;
    this.demoShare = demoShare;
  }

  /** This kind's share of the traces of {@code mix}; the shares of a mix add up to 1. */
  public double share(Mix mix) {
    return switch (mix) {
      case SHOP -> shopShare;
      case DEMO -> demoShare;
      case KEPT -> shopShare * keptShare / KEPT_OF_SHOP;
    };
  }

  /** The share of the shop's traces the default rules keep (5.07 %). */
  public static final double KEPT_OF_SHOP = keptOfShop();

  private static double keptOfShop() {
    double kept = 0;
    for (ShopKind kind : values()) {
      kept += kind.shopShare * kind.keptShare;
    }
    return kept;
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
