package io.tailkeep.sampler.rules;

import static io.tailkeep.store.testing.TestSpans.root;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.testing.TestSpans;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PercentAndRateLimitTest {

  private static RuleSet keepRule(String keepSettings, TestClock ticker) throws Exception {
    return RulesFile.parse(
        "test.yaml", "rules:\n  - {name: sampled, keep: " + keepSettings + "}\n", ticker);
  }

  private static Decision decide(RuleSet rules, TraceId traceId) {
    TraceFacts facts = rules.newTraceFacts();
    facts.add(root("svc", "GET").build());
    return rules.decide(traceId, facts);
  }

  private static TraceId randomTraceId(Random random) {
    long high = random.nextLong();
    long low = random.nextLong();
    return new TraceId(high, low == 0 && high == 0 ? 1 : low);
  }

  @Test
  void sameTraceIdSameDecisionOnEveryNodeAndRun() throws Exception {
    // Two rule sets parsed apart stand for two nodes (or two runs of one node).
    RuleSet nodeA = keepRule("{percent: 10}", new TestClock());
    RuleSet nodeB = keepRule("{percent: 10}", new TestClock());
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      TraceId traceId = randomTraceId(random);
      assertThat(decide(nodeA, traceId)).isEqualTo(decide(nodeB, traceId));
      assertThat(decide(nodeA, traceId)).isEqualTo(decide(nodeA, traceId));
    }
  }

  @Test
  void tenPercentRuleKeepsTenPercentWithinThreeStandardDeviations() throws Exception {
    RuleSet rules = keepRule("{percent: 10}", new TestClock());
    int traces = 100_000;
    double p = 0.10;
    Random random = new Random(20240611);
    int kept = 0;
    for (int i = 0; i < traces; i++) {
      Decision decision = decide(rules, randomTraceId(random));
      if (decision.keep()) {
        kept++;
        assertThat(decision.probability()).isEqualTo(0.10);
        assertThat(decision.sampling().orElseThrow().adjustedCount()).isEqualTo(10.0);
      } else {
        assertThat(decision).isEqualTo(new Decision(false, "sampled", 0, false));
      }
    }
    double sigma = Math.sqrt(traces * p * (1 - p));
    assertThat((double) kept).isBetween(traces * p - 3 * sigma, traces * p + 3 * sigma);
  }

  @Test
  void sequentialTraceIdsSpreadEvenlyToo() throws Exception {
    RuleSet rules = keepRule("{percent: 10}", new TestClock());
    int traces = 100_000;
    int kept = 0;
    for (int i = 1; i <= traces; i++) {
      kept += decide(rules, new TraceId(0, i)).keep() ? 1 : 0;
    }
    double sigma = Math.sqrt(traces * 0.1 * 0.9);
    assertThat((double) kept).isBetween(10_000 - 3 * sigma, 10_000 + 3 * sigma);
  }

  @Test
  void onlyTheLow64BitsDecide() {
    Random random = new Random(3);
    for (int i = 0; i < 1_000; i++) {
      long low = random.nextLong();
      assertThat(TraceIdSampling.pointOf(new TraceId(1, low)))
          .isEqualTo(TraceIdSampling.pointOf(new TraceId(random.nextLong() | 1, low)));
    }
  }

  @Test
  void smallerSamplesNestInLargerOnes() {
    Random random = new Random(11);
    for (int i = 0; i < 50_000; i++) {
      TraceId traceId = randomTraceId(random);
      if (TraceIdSampling.inSample(traceId, 1)) {
        assertThat(TraceIdSampling.inSample(traceId, 10)).isTrue();
      }
    }
  }

  @Test
  void zeroAndHundredPercent() throws Exception {
    RuleSet none = keepRule("{percent: 0}", new TestClock());
    RuleSet all = keepRule("{percent: 100}", new TestClock());
    Random random = new Random(5);
    for (int i = 0; i < 1_000; i++) {
      TraceId traceId = randomTraceId(random);
      assertThat(decide(none, traceId).keep()).isFalse();
      assertThat(decide(all, traceId)).isEqualTo(new Decision(true, "sampled", 1.0, false));
    }
  }

  @Test
  void rateLimitRefusesPastTheRateAndRefillsWithTime() throws Exception {
    TestClock ticker = new TestClock();
    RuleSet rules = keepRule("{max_traces_per_second: 2}", ticker);
    TraceId traceId = TestSpans.TRACE_ID;

    assertThat(decide(rules, traceId).keep()).isTrue();
    assertThat(decide(rules, traceId).keep()).isTrue();
    assertThat(decide(rules, traceId)).isEqualTo(new Decision(false, "sampled", 0, true));

    ticker.advance(Duration.ofMillis(499));
    assertThat(decide(rules, traceId).rateLimited()).isTrue();
    ticker.advance(Duration.ofMillis(1));
    assertThat(decide(rules, traceId)).isEqualTo(new Decision(true, "sampled", 1.0, false));
    assertThat(decide(rules, traceId).rateLimited()).isTrue();

    // A long quiet spell refills at most one second's worth: a burst of 2, not 20.
    ticker.advance(Duration.ofSeconds(10));
    assertThat(decide(rules, traceId).keep()).isTrue();
    assertThat(decide(rules, traceId).keep()).isTrue();
    assertThat(decide(rules, traceId).rateLimited()).isTrue();
  }

  @Test
  void rateBelowOnePerSecond() throws Exception {
    TestClock ticker = new TestClock();
    RuleSet rules = keepRule("{max_traces_per_second: 0.5}", ticker);
    assertThat(decide(rules, TestSpans.TRACE_ID).keep()).isTrue();
    ticker.advance(Duration.ofMillis(1_999));
    assertThat(decide(rules, TestSpans.TRACE_ID).rateLimited()).isTrue();
    ticker.advance(Duration.ofMillis(1));
    assertThat(decide(rules, TestSpans.TRACE_ID).keep()).isTrue();
  }

  @Test
  void tracesOutsideThePercentSampleDoNotSpendTheRateLimit() throws Exception {
    TestClock ticker = new TestClock();
    RuleSet rules = keepRule("{percent: 50, max_traces_per_second: 1}", ticker);
    Random random = new Random(9);
    TraceId outside;
    do {
      outside = randomTraceId(random);
    } while (TraceIdSampling.inSample(outside, 50));
    TraceId inside;
    do {
      inside = randomTraceId(random);
    } while (!TraceIdSampling.inSample(inside, 50));

    for (int i = 0; i < 5; i++) {
      assertThat(decide(rules, outside)).isEqualTo(new Decision(false, "sampled", 0, false));
    }
    assertThat(decide(rules, inside)).isEqualTo(new Decision(true, "sampled", 0.5, false));
    assertThat(decide(rules, inside)).isEqualTo(new Decision(false, "sampled", 0, true));
  }
}
