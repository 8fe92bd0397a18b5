package io.tailkeep.sampler.traffic;

import io.tailkeep.store.traffic.LatencyHistogram;

/**
 * One span-metrics series as counted so far: its labels as Prometheus shows them, and its
 * durations. Calls are the histogram's total; errors are its calls when the status code is {@code
 * STATUS_CODE_ERROR} (the one error definition, {@link SpanMetrics}), else none.
 *
 * @param spanKind {@code SPAN_KIND_SERVER}, ... as Tempo labels it
 * @param statusCode {@code STATUS_CODE_UNSET}, {@code STATUS_CODE_OK} or {@code STATUS_CODE_ERROR}
 */
public record SpanSeries(
    String service, String spanName, String spanKind, String statusCode, LatencyHistogram latency) {

  public long calls() {
    return latency.total();
  }

  public long errors() {
    return "STATUS_CODE_ERROR".equals(statusCode) ? calls() : 0;
  }

  /** Whether this is the series spans past a cardinality bound are counted under. */
  public boolean isOverflow() {
    return SpanMetrics.OVERFLOW.equals(spanName);
  }
}
