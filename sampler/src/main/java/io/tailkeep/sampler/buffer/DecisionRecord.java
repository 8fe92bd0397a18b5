package io.tailkeep.sampler.buffer;

import io.tailkeep.store.TraceId;
import java.time.Instant;
import java.util.Objects;

/**
 * Why a recently decided trace was kept or dropped, as the decision cache remembers it.
 *
 * @param traceId the trace
 * @param keep whether it was kept
 * @param rule the rule that decided, or {@code "default"}
 * @param probability the probability it was kept with; 0 for a drop
 * @param rateLimited whether the rule would have kept it but its rate limit refused
 * @param reason what made the buffer decide when it did
 * @param decidedAt when, by the buffer's clock
 * @param spansDecided the spans the decision was made on
 * @param lateSpans the spans that arrived after the decision and followed it (so far)
 * @param rulesVersion the version of the rules that decided ({@code RuleSet.version()}: the SHA-256
 *     of the rules file)
 */
public record DecisionRecord(
    TraceId traceId,
    boolean keep,
    String rule,
    double probability,
    boolean rateLimited,
    DecisionReason reason,
    Instant decidedAt,
    int spansDecided,
    long lateSpans,
    String rulesVersion) {

  public DecisionRecord {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(decidedAt, "decidedAt");
    Objects.requireNonNull(rulesVersion, "rulesVersion");
  }
}
