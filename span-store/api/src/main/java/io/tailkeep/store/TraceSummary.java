package io.tailkeep.store;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What search shows of a trace without reading its spans.
 *
 * @param rootService service of the root span; of the earliest span when the root never arrived
 * @param rootOperation name of that span
 * @param sampling how the trace was kept; null when it was written without a decision
 */
public record TraceSummary(
    TraceId traceId,
    String rootService,
    String rootOperation,
    boolean rootSeen,
    long startEpochNanos,
    long durationNanos,
    int spanCount,
    int errorCount,
    Set<String> services,
    Sampling sampling) {

  public TraceSummary {
    Objects.requireNonNull(traceId, "traceId");
    services = Set.copyOf(services);
  }

  public Optional<Sampling> samplingDecision() {
    return Optional.ofNullable(sampling);
  }
}
