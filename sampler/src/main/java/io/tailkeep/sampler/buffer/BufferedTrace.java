package io.tailkeep.sampler.buffer;

import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.TraceFacts;
import io.tailkeep.sampler.traffic.TraceHops;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.SpanFields;
import java.util.List;

/**
 * One trace waiting for its decision: its spans, the summary the rules decide on, and the times the
 * decision timing reads. Callers hold the entry's monitor ({@code synchronized (trace)}) for every
 * method except {@link #weight()}, which Caffeine's weigher reads.
 */
final class BufferedTrace {


  private final TraceId traceId;
  private final TraceSpans spans;
  private final long firstSpanNanos;

  private RuleSet factsRules;
  private TraceFacts facts;
  private final boolean noteHops;
  /** The trace's calls and answers for the service graph; made at the first one, if noted at all. */
  private TraceHops hops;
  private long lastSpanNanos;
  private boolean rootArrived;
  private boolean decided;
  /** Set when Caffeine evicted the trace: decided in the eviction, handed over by the removal listener. */
  private DecidedTrace evictedDecision;
  /** Read by the weigher; written under the monitor. */
  private volatile long bytes;

  BufferedTrace(
      TraceId traceId,
      SpanSlabs slabs,
      RuleSet rules,
      long nowNanos,
      int overheadBytes,
      boolean noteHops) {
    this.traceId = traceId;
    this.spans = new TraceSpans(slabs);
    this.noteHops = noteHops;
    this.factsRules = rules;
    this.facts = rules.newTraceFacts();
    this.firstSpanNanos = nowNanos;
    this.lastSpanNanos = nowNanos;
    this.bytes = overheadBytes;
  }

  TraceId traceId() {
    return traceId;
  }

  /**
   * Adds a span, copying it into room from {@code writer}, and returns its fields as the rules'
   * summary read them; {@link #bytes()} grows by what it added to the trace's weight.
   */
  SpanFields add(WireSpan span, SpanSlabs.Writer writer, RuleSet rules, long nowNanos) {
    useRules(rules);
    long spanBytes = spans.add(span, writer) + span.origin().shareBytes();
    lastSpanNanos = nowNanos;
    if (span.isRoot()) {
      rootArrived = true;
    }
    long summaryBefore = facts.summary().retainedBytes();
    int hopsBefore = hops == null ? 0 : hops.size();
    SpanFields fields = facts.add(span);
    if (noteHops && TraceHops.notesKind(fields.kind())) {
      if (hops == null) {
        hops = new TraceHops();
      }
      hops.add(span, fields);
    }
    long hopBytes = hops == null ? 0 : (long) (hops.size() - hopsBefore) * TraceHops.BYTES_PER_HOP;
    bytes += spanBytes + facts.summary().retainedBytes() - summaryBefore + hopBytes;
    return fields;
  }

  /** The trace's calls and answers noted so far; null when there are none (or none are noted). */
  TraceHops hops() {
    return hops;
  }

  /**
   * Makes the facts match these rules: the summary only holds the attribute keys its rules refer
   * to, so facts grown under other rules are rebuilt from the buffered spans.
   */
  void useRules(RuleSet rules) {
    if (rules == factsRules) {
      return;
    }
    facts = summarize(rules);
    factsRules = rules;
  }

  private TraceFacts summarize(RuleSet rules) {
    TraceFacts summary = rules.newTraceFacts();
    for (WireSpan span : spans.toWireSpans(traceId)) {
      summary.add(span);
    }
    return summary;
  }

  TraceFacts facts() {
    return facts;
  }

  /** The trace's summary as {@code rules} read it, built afresh for rules other than the trace's. */
  TraceFacts factsFor(RuleSet rules) {
    return rules == factsRules ? facts : summarize(rules);
  }

  int spanCount() {
    return spans.count();
  }

  /** The spans, each with a copy of its bytes: they outlive the trace's {@link #release()}. */
  List<WireSpan> spans() {
    return spans.toWireSpans(traceId);
  }

  /** Moves the spans out of mostly dead slabs, so that those can be reused. */
  void moveOutOfSparseSlabs() {
    spans.moveOutOfSparseSlabs();
  }

  /** Gives the spans' slab room back, once decided; they cannot be read afterwards. */
  void release() {
    spans.release();
  }

  boolean decided() {
    return decided;
  }

  void markDecided() {
    decided = true;
  }

  void evictedAs(DecidedTrace decision) {
    evictedDecision = decision;
  }

  /** The eviction's decision, once: null if there is none or it was already taken. */
  DecidedTrace takeEvictedDecision() {
    DecidedTrace taken = evictedDecision;
    evictedDecision = null;
    return taken;
  }

  /**
   * Which timing rule makes the trace due at {@code nowNanos}, or null if none does. When several
   * do, the one whose deadline passed first names the reason.
   */
  DecisionReason dueReason(long nowNanos, long graceNanos, long idleNanos, long maxWaitNanos) {
    long sinceLastSpan = nowNanos - lastSpanNanos;
    // How long ago each deadline passed; negative while it is still ahead.
    long graceOverdue = rootArrived ? sinceLastSpan - graceNanos : Long.MIN_VALUE;
    long idleOverdue = sinceLastSpan - idleNanos;
    long maxWaitOverdue = (nowNanos - firstSpanNanos) - maxWaitNanos;
    DecisionReason reason = null;
    long earliest = -1;
    if (graceOverdue > earliest) {
      reason = DecisionReason.ROOT_GRACE;
      earliest = graceOverdue;
    }
    if (idleOverdue > earliest) {
      reason = DecisionReason.IDLE_TIMEOUT;
      earliest = idleOverdue;
    }
    if (maxWaitOverdue > earliest) {
      reason = DecisionReason.MAX_WAIT;
    }
    return reason;
  }

  long firstSpanNanos() {
    return firstSpanNanos;
  }

  /** Buffered bytes: the spans' records and index, the summary, and the per-trace overhead. */
  long bytes() {
    return bytes;
  }

  /** Caffeine weighs in ints; a trace past 2 GiB (far past any sane cap) weighs the most it can. */
  int weight() {
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }
}
