package io.tailkeep.query;

import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.LatencyHistogram;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Calls counted over a stretch of time as the traffic API shows them: rate per second over the
 * stretch's length, share of errors, and latency quantiles in milliseconds.
 *
 * @param ratePerSecond calls per second over the stretch; null without calls (the contract's
 *     choice: a chart shows no point rather than a zero) and over a stretch of no length
 * @param errorRate errors / calls; null without calls
 * @param p50Ms median latency, as Prometheus' {@code histogram_quantile} estimates it from the
 *     buckets, rounded to the microsecond; null without calls (so for p95Ms, p99Ms)
 */
record CallFigures(
    long calls, long errors, Double ratePerSecond, Double errorRate, Double p50Ms, Double p95Ms, Double p99Ms) {

  static CallFigures of(CallCounts counts, Duration length) {
    long calls = counts.calls();
    long seconds = length.toSeconds();
    return new CallFigures(
        calls,
        counts.errors(),
        calls > 0 && seconds > 0 ? calls / (double) seconds : null,
        calls > 0 ? counts.errors() / (double) calls : null,
        quantileMs(counts.latency(), 0.5),
        quantileMs(counts.latency(), 0.95),
        quantileMs(counts.latency(), 0.99));
  }

  /**
   * The quantile in milliseconds rounded to the microsecond: the buckets are far coarser, and
   * rounding keeps 3.0000000000000004 (floating point's view of 3 ms) off the screen.
   */
  static Double quantileMs(LatencyHistogram latency, double q) {
    if (latency.total() == 0) {
      return null;
    }
    return Math.round(latency.quantileSeconds(q) * 1e6) / 1e3;
  }

  /** Adds the figures to {@code json} in the contract's order, nulls included. */
  JsonObject writeTo(JsonObject json) {
    return json.put("calls", calls)
        .put("errors", errors)
        .put("ratePerSecond", ratePerSecond)
        .put("errorRate", errorRate)
        .put("p50Ms", p50Ms)
        .put("p95Ms", p95Ms)
        .put("p99Ms", p99Ms);
  }
}
