package io.tailkeep.sampler.shadow;

import io.tailkeep.sampler.rules.Decision;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.shadow.ShadowReport.Disagreement;
import io.tailkeep.sampler.shadow.ShadowReport.Example;
import io.tailkeep.sampler.shadow.ShadowReport.RuleEffect;
import io.tailkeep.store.TraceId;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One trial's counts, in one bucket per wall-clock minute over the window, and the newest
 * disagreeing traces of each kind. Guarded by its own monitor: one short critical section per
 * decided trace.
 */
final class ShadowTally {

  private static final long MINUTE_SECONDS = 60;

  private final Minute[] minutes;
  private final int maxExamples;
  private final ArrayDeque<Example> keptOnlyLive = new ArrayDeque<>();
  private final ArrayDeque<Example> keptOnlyCandidate = new ArrayDeque<>();

  /** The counts of one minute; {@code minute} is the epoch minute they belong to. */
  private static final class Minute {
    long minute = Long.MIN_VALUE;
    long traces;
    long keptLive;
    long keptCandidate;
    long keptOnlyLive;
    long keptOnlyCandidate;
    /** Per candidate rule: kept, dropped. */
    final Map<String, long[]> byRule = new HashMap<>();

    void reset(long to) {
      minute = to;
      traces = keptLive = keptCandidate = keptOnlyLive = keptOnlyCandidate = 0;
      byRule.clear();
    }
  }

  ShadowTally(int windowMinutes, int maxExamples) {
    this.minutes = new Minute[windowMinutes];
    for (int i = 0; i < windowMinutes; i++) {
      minutes[i] = new Minute();
    }
    this.maxExamples = maxExamples;
  }

  synchronized void add(TraceId traceId, Decision live, Decision candidate, Instant at) {
    long epochMinute = Math.floorDiv(at.getEpochSecond(), MINUTE_SECONDS);
    Minute bucket = minutes[(int) Math.floorMod(epochMinute, (long) minutes.length)];
    if (bucket.minute < epochMinute) { // a clock stepping back counts into the newer minute
      bucket.reset(epochMinute);
    }
    bucket.traces++;
    bucket.byRule.computeIfAbsent(candidate.rule(), rule -> new long[2])[candidate.keep() ? 0 : 1]++;
    if (live.keep()) {
      bucket.keptLive++;
    }
    if (candidate.keep()) {
      bucket.keptCandidate++;
    }
    if (live.keep() != candidate.keep()) {
      Example example = new Example(traceId, at, live.rule(), candidate.rule());
      if (live.keep()) {
        bucket.keptOnlyLive++;
        remember(keptOnlyLive, example);
      } else {
        bucket.keptOnlyCandidate++;
        remember(keptOnlyCandidate, example);
      }
    }
  }

  private void remember(ArrayDeque<Example> examples, Example example) {
    if (maxExamples == 0) {
      return;
    }
    if (examples.size() == maxExamples) {
      examples.removeLast();
    }
    examples.addFirst(example);
  }

  synchronized ShadowReport report(RuleSet rules, String origin, Instant since, Instant now) {
    long nowMinute = Math.floorDiv(now.getEpochSecond(), MINUTE_SECONDS);
    long firstMinute = nowMinute - minutes.length + 1;
    Instant windowStart = Instant.ofEpochSecond(firstMinute * MINUTE_SECONDS);
    Instant from = since.isAfter(windowStart) ? since : windowStart;
    long traces = 0;
    long keptLive = 0;
    long keptCandidate = 0;
    long onlyLive = 0;
    long onlyCandidate = 0;
    Map<String, long[]> byRule = new HashMap<>();
    for (Minute bucket : minutes) {
      if (bucket.minute < firstMinute || bucket.minute > nowMinute) {
        continue;
      }
      traces += bucket.traces;
      keptLive += bucket.keptLive;
      keptCandidate += bucket.keptCandidate;
      onlyLive += bucket.keptOnlyLive;
      onlyCandidate += bucket.keptOnlyCandidate;
      bucket.byRule.forEach((rule, counts) -> {
        long[] sum = byRule.computeIfAbsent(rule, r -> new long[2]);
        sum[0] += counts[0];
        sum[1] += counts[1];
      });
    }
    // Every rule of the candidate, in file order, then the default and any other name that decided.
    Set<String> names = new LinkedHashSet<>(rules.ruleNames());
    names.add(Decision.DEFAULT_RULE);
    names.addAll(byRule.keySet());
    List<RuleEffect> effects = new ArrayList<>();
    for (String name : names) {
      long[] counts = byRule.getOrDefault(name, new long[2]);
      effects.add(new RuleEffect(name, counts[0], counts[1]));
    }
    return new ShadowReport(
        origin,
        rules.version(),
        rules.ruleTexts(),
        rules.keepsByDefault(),
        since,
        from,
        now,
        traces,
        keptLive,
        keptCandidate,
        effects,
        new Disagreement(onlyLive, since(keptOnlyLive, windowStart)),
        new Disagreement(onlyCandidate, since(keptOnlyCandidate, windowStart)));
  }

  /** The examples decided in the window (they are newest first). */
  private static List<Example> since(ArrayDeque<Example> examples, Instant windowStart) {
    List<Example> recent = new ArrayList<>();
    for (Example example : examples) {
      if (example.decidedAt().isBefore(windowStart)) {
        break;
      }
      recent.add(example);
    }
    return recent;
  }
}
