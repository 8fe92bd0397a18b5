package io.tailkeep.sampler.buffer;

import io.tailkeep.sampler.rules.Decision;
import io.tailkeep.store.TraceId;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A decision cache entry: the decision, immutable, and a counter of the late spans that followed. */
final class RememberedDecision {

  private final TraceId traceId;
  private final Decision decision;
  private final DecisionReason reason;
  private final Instant decidedAt;
  private final int spansDecided;
  private final AtomicLong lateSpans = new AtomicLong();

  RememberedDecision(
      TraceId traceId, Decision decision, DecisionReason reason, Instant decidedAt, int spansDecided) {
    this.traceId = traceId;
    this.decision = decision;
    this.reason = reason;
    this.decidedAt = decidedAt;
    this.spansDecided = spansDecided;
  }

  TraceId traceId() {
    return traceId;
  }

  Decision decision() {
    return decision;
  }

  boolean keep() {
    return decision.keep();
  }

  void addLateSpans(int count) {
    lateSpans.addAndGet(count);
  }

  DecisionRecord toRecord() {
    return new DecisionRecord(
        traceId,
        decision.keep(),
        decision.rule(),
        decision.probability(),
        decision.rateLimited(),
        reason,
        decidedAt,
        spansDecided,
        lateSpans.get());
  }
}
