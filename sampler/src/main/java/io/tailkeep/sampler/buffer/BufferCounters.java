package io.tailkeep.sampler.buffer;

import io.tailkeep.sampler.rules.Decision;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The buffer's counters: plain adders, cheap on the offer and decision paths, read together into
 * a {@link BufferStats} only when someone asks.
 */
final class BufferCounters {

  final LongAdder bufferedSpans = new LongAdder();
  final LongAdder bufferedTraces = new LongAdder();
  final LongAdder bufferedBytes = new LongAdder();
  final LongAdder spansKept = new LongAdder();
  final LongAdder spansDropped = new LongAdder();
  final LongAdder lateSpansKept = new LongAdder();
  final LongAdder lateSpansDropped = new LongAdder();
  final LongAdder lateSpansOverCap = new LongAdder();
  final LongAdder evictions = new LongAdder();
  final LongAdder rateLimited = new LongAdder();
  final LongAdder sinkFailures = new LongAdder();
  /** Decisions by reason, then rule: the key objects are made once per rule, not per decision. */
  private final Map<DecisionReason, Map<String, LongAdder>> kept = byReason();
  private final Map<DecisionReason, Map<String, LongAdder>> dropped = byReason();

  private static Map<DecisionReason, Map<String, LongAdder>> byReason() {
    Map<DecisionReason, Map<String, LongAdder>> map = new EnumMap<>(DecisionReason.class);
    for (DecisionReason reason : DecisionReason.values()) {
      map.put(reason, new ConcurrentHashMap<>());
    }
    return map;
  }

  void traceBuffered(long bytes) {
    bufferedTraces.increment();
    bufferedBytes.add(bytes);
  }

  void spanBuffered(long bytes) {
    bufferedSpans.increment();
    bufferedBytes.add(bytes);
  }

  void traceDecided(Decision decision, DecisionReason reason, int spans, long bytes) {
    bufferedTraces.decrement();
    bufferedSpans.add(-spans);
    bufferedBytes.add(-bytes);
    Map<String, LongAdder> byRule = (decision.keep() ? kept : dropped).get(reason);
    LongAdder count = byRule.get(decision.rule()); // lock-free once the rule has decided before
    if (count == null) {
      count = byRule.computeIfAbsent(decision.rule(), rule -> new LongAdder());
    }
    count.increment();
    if (decision.keep()) {
      spansKept.add(spans);
    } else {
      spansDropped.add(spans);
      if (decision.rateLimited()) {
        rateLimited.increment();
      }
    }
  }

  BufferStats snapshot() {
    Map<BufferStats.Decided, Long> decided = new HashMap<>();
    collect(true, kept, decided);
    collect(false, dropped, decided);
    return new BufferStats(
        bufferedSpans.sum(),
        bufferedTraces.sum(),
        bufferedBytes.sum(),
        decided,
        spansKept.sum(),
        spansDropped.sum(),
        lateSpansKept.sum(),
        lateSpansDropped.sum(),
        lateSpansOverCap.sum(),
        evictions.sum(),
        rateLimited.sum(),
        sinkFailures.sum());
  }

  private static void collect(
      boolean keep,
      Map<DecisionReason, Map<String, LongAdder>> counts,
      Map<BufferStats.Decided, Long> into) {
    counts.forEach((reason, byRule) -> byRule.forEach(
        (rule, count) -> into.put(new BufferStats.Decided(keep, rule, reason), count.sum())));
  }
}
