package io.tailkeep.sampler.buffer;

import io.tailkeep.sampler.rules.Decision;
import io.tailkeep.store.TraceId;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A decision cache entry: the decision, immutable, and counters of the late spans that followed. */
final class RememberedDecision {

  private final TraceId traceId;
  private final Decision decision;
  private final DecisionReason reason;
  private final Instant decidedAt;
  private final int spansDecided;
  private final String rulesVersion;
  private final AtomicLong lateSpans = new AtomicLong();
  private final AtomicLong lateSpansTaken = new AtomicLong();

  RememberedDecision(
      TraceId traceId,
      Decision decision,
      DecisionReason reason,
      Instant decidedAt,
      int spansDecided,
      String rulesVersion) {
    this.traceId = traceId;
    this.decision = decision;
    this.reason = reason;
    this.decidedAt = decidedAt;
    this.spansDecided = spansDecided;
    this.rulesVersion = rulesVersion;
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

  /**
   * Counts {@code count} late spans and returns how many of them still fit under the trace's span
   * cap, with the spans it was decided on: a kept trace stops growing where a buffered one would.
   */
  int addLateSpans(int count, int maxSpansPerTrace) {
    lateSpans.addAndGet(count);
    while (true) {
      long taken = lateSpansTaken.get();
      int fit = (int) Math.max(0, Math.min(count, (long) maxSpansPerTrace - spansDecided - taken));
      if (fit == 0 || lateSpansTaken.compareAndSet(taken, taken + fit)) {
        return fit;
      }
    }
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
        lateSpans.get(),
        rulesVersion);
  }
}
