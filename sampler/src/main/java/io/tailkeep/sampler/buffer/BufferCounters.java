package io.tailkeep.sampler.buffer;

import io.tailkeep.sampler.rules.Decision;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The buffer's counters and gauges; plain adders so metrics can read them later without locks. */
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
  private final Map<String, LongAdder> keptByRule = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> droppedByRule = new ConcurrentHashMap<>();
  private final Map<DecisionReason, LongAdder> byReason = new EnumMap<>(DecisionReason.class);

  BufferCounters() {
    for (DecisionReason reason : DecisionReason.values()) {
      byReason.put(reason, new LongAdder());
    }
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
    byReason.get(reason).increment();
    if (decision.keep()) {
      keptByRule.computeIfAbsent(decision.rule(), rule -> new LongAdder()).increment();
      spansKept.add(spans);
    } else {
      droppedByRule.computeIfAbsent(decision.rule(), rule -> new LongAdder()).increment();
      spansDropped.add(spans);
      if (decision.rateLimited()) {
        rateLimited.increment();
      }
    }
  }

  long decided(DecisionReason reason) {
    return byReason.get(reason).sum();
  }

  static long count(Map<String, LongAdder> byRule, String rule) {
    LongAdder adder = byRule.get(rule);
    return adder == null ? 0 : adder.sum();
  }

  static long total(Map<String, LongAdder> byRule) {
    return byRule.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** A sorted snapshot, rule name to count. */
  static Map<String, Long> snapshot(Map<String, LongAdder> byRule) {
    Map<String, Long> copy = new TreeMap<>();
    byRule.forEach((rule, adder) -> copy.put(rule, adder.sum()));
    return copy;
  }

  Map<String, LongAdder> keptByRule() {
    return keptByRule;
  }

  Map<String, LongAdder> droppedByRule() {
    return droppedByRule;
  }
}
