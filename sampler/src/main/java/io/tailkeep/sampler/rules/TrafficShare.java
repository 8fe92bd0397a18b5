package io.tailkeep.sampler.rules;

/**
 * The share of all traces one sampler sees, in (0, 1]: 1 in the all-in-one, a node's share of the
 * partitions on Kafka. One per rule set, read by its per-key targets when they update.
 */
final class TrafficShare {

  private volatile double fraction = 1;

  void set(double fraction) {
    if (!(fraction > 0 && fraction <= 1)) {
      return; // a node between assignments owns nothing: keep the last share until it owns some
    }
    this.fraction = fraction;
  }

  double get() {
    return fraction;
  }
}
