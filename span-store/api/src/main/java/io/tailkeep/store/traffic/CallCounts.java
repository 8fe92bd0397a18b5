package io.tailkeep.store.traffic;

import java.util.Objects;

/**
 * Calls counted over some stretch of time: their durations (whose total is the calls) and how many
 * of them were errors by the one error definition ({@link io.tailkeep.store.ErrorSpans}).
 */
public record CallCounts(long errors, LatencyHistogram latency) {

  public CallCounts {
    Objects.requireNonNull(latency, "latency");
    if (errors < 0 || errors > latency.total()) {
      throw new IllegalArgumentException(
          "errors must be between 0 and the calls (" + latency.total() + "), got " + errors);
    }
  }

  public static CallCounts none() {
    return new CallCounts(0, LatencyHistogram.empty());
  }

  public long calls() {
    return latency.total();
  }

  public CallCounts plus(CallCounts other) {
    return new CallCounts(Math.addExact(errors, other.errors), latency.plus(other.latency));
  }
}
