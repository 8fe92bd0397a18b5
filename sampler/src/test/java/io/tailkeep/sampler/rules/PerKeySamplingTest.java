package io.tailkeep.sampler.rules;

import static io.tailkeep.store.testing.TestSpans.root;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Per-key targets on a fake clock, with Zipf-distributed keys: a few routes take most traffic and
 * many are rare, as real routes do.
 */
class PerKeySamplingTest {

  private static final int KEYS = 100;
  private static final int TRACES_PER_SECOND = 500;
  private static final double TARGET = 5;
  private static final int SECONDS = 1_200;
  /** The first intervals, while the rates are learnt, do not count toward the rate check. */
  private static final int ADAPTATION_SECONDS = 60;

  @Test
  void eachKeyIsKeptAtItsTargetRareKeysWholeAndAdjustedCountsAddUp() throws RulesFileException {
    TestClock clock = new TestClock();
    RuleSet rules = RulesFile.parse("rules.yaml", """
        version: 1
        rules:
          - name: per-route
            conditions: []
            keep: {per_second: 5, by: [http.route], interval: 10s}
        """, clock);
    List<WireSpan> roots = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      roots.add(root("shop", "GET").attribute("http.route", "/route/" + k).build());
    }
    double[] cumulative = zipf(KEYS, 1.2);
    long[] sent = new long[KEYS];
    long[] keptAfterAdaptation = new long[KEYS];
    long[] sentAfterAdaptation = new long[KEYS];
    long[] kept = new long[KEYS];
    double[] adjusted = new double[KEYS];
    SplittableRandom random = new SplittableRandom(7);
    long stepNanos = Duration.ofSeconds(1).toNanos() / TRACES_PER_SECOND;
    for (long i = 0; i < (long) SECONDS * TRACES_PER_SECOND; i++) {
      int key = pick(cumulative, random.nextDouble());
      boolean adapted = i >= (long) ADAPTATION_SECONDS * TRACES_PER_SECOND;
      TraceFacts facts = rules.newTraceFacts();
      facts.add(roots.get(key));
      Decision decision = rules.decide(new TraceId(random.nextLong(), random.nextLong()), facts);
      sent[key]++;
      if (adapted) {
        sentAfterAdaptation[key]++;
      }
      if (decision.keep()) {
        kept[key]++;
        adjusted[key] += 1 / decision.probability();
        if (adapted) {
          keptAfterAdaptation[key]++;
        }
      }
      clock.advance(Duration.ofNanos(stepNanos));
    }

    double measured = SECONDS - ADAPTATION_SECONDS;
    int hotKeys = 0;
    for (int k = 0; k < KEYS; k++) {
      double offered = sentAfterAdaptation[k] / measured;
      double keptRate = keptAfterAdaptation[k] / measured;
      String key = "/route/" + k + " (" + sent[k] + " sent)";
      if (offered >= 2 * TARGET) {
        hotKeys++;
        assertThat(keptRate).as("kept per second of %s", key).isBetween(TARGET * 0.9, TARGET * 1.1);
      } else if (sent[k] > 0) {
        // At or under its target a key keeps (nearly) everything: its rare traces are the point.
        assertThat(keptRate).as("kept per second of %s", key).isBetween(Math.min(offered, TARGET) * 0.9, offered);
      }
      if (sent[k] > 0) {
        assertThat(kept[k]).as("traces kept of %s", key).isPositive();
        assertThat(adjusted[k]).as("sum of 1/p of %s", key).isCloseTo(sent[k], withinPercent(sent[k], 5));
      }
    }
    assertThat(hotKeys).as("keys offered at twice their target or more").isGreaterThanOrEqualTo(5);
    long totalSent = java.util.Arrays.stream(sent).sum();
    double totalAdjusted = java.util.Arrays.stream(adjusted).sum();
    assertThat(totalAdjusted).isCloseTo(totalSent, withinPercent(totalSent, 5));
    assertThat(java.util.Arrays.stream(sent).filter(n -> n > 0).count()).isEqualTo(KEYS);
  }

  @Test
  void twoSamplersThatEachSeeHalfTheTracesKeepTheTargetOnceBetweenThem() throws RulesFileException {
    TestClock clock = new TestClock();
    String yaml = """
        version: 1
        rules:
          - name: per-route
            conditions: []
            keep: {per_second: 5, by: [http.route], interval: 10s}
        """;
    // Two nodes on Kafka, each owning half of the partitions, so seeing half of every key's traces.
    List<RuleSet> nodes = List.of(RulesFile.parse("rules.yaml", yaml, clock), RulesFile.parse("rules.yaml", yaml, clock));
    nodes.forEach(node -> node.trafficShare(0.5));
    WireSpan hot = root("shop", "GET").attribute("http.route", "/hot").build();
    SplittableRandom random = new SplittableRandom(11);
    int perSecond = 200;
    int seconds = 600;
    long kept = 0;
    long keptAfterAdaptation = 0;
    double adjusted = 0;
    for (int i = 0; i < perSecond * seconds; i++) {
      TraceId traceId = new TraceId(random.nextLong(), random.nextLong());
      RuleSet node = nodes.get((int) (traceId.low() & 1)); // the trace's partition decides its node
      TraceFacts facts = node.newTraceFacts();
      facts.add(hot);
      Decision decision = node.decide(traceId, facts);
      if (decision.keep()) {
        kept++;
        adjusted += 1 / decision.probability();
        if (i >= perSecond * ADAPTATION_SECONDS) {
          keptAfterAdaptation++;
        }
      }
      clock.advance(Duration.ofNanos(Duration.ofSeconds(1).toNanos() / perSecond));
    }

    assertThat(keptAfterAdaptation / (double) (seconds - ADAPTATION_SECONDS))
        .as("kept per second by both nodes together").isBetween(TARGET * 0.9, TARGET * 1.1);
    assertThat(adjusted).as("sum of 1/p over %s kept", kept)
        .isCloseTo(perSecond * seconds, withinPercent(perSecond * seconds, 5));
  }

  @Test
  void keysPastTheBoundShareOneBudgetAndAreCounted() throws RulesFileException {
    TestClock clock = new TestClock();
    KeyedThroughput throughput = new KeyedThroughput(1, Duration.ofSeconds(1), 3, clock, new TrafficShare());
    for (String key : List.of("a", "b", "c")) {
      assertThat(throughput.probability(key)).isEqualTo(1.0);
    }
    assertThat(throughput.probability("d")).as("a key past the bound, before any rate is known").isEqualTo(1.0);
    assertThat(throughput.overflowed()).isEqualTo(1);
    for (int i = 0; i < 99; i++) {
      throughput.probability("key-" + i); // all past the bound: they share OTHER
    }
    clock.advance(Duration.ofSeconds(1));
    assertThat(throughput.probability("e")).as("100 traces a second shared by the keys past the bound")
        .isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(throughput.overflowed()).isEqualTo(101);
    assertThat(throughput.keys()).isEqualTo(4);
    assertThat(throughput.probability("a")).as("a key under its target").isEqualTo(1.0);
  }

  private static org.assertj.core.data.Offset<Double> withinPercent(double of, double percent) {
    return org.assertj.core.data.Offset.offset(of * percent / 100);
  }

  /** Cumulative Zipf probabilities over ranks 1..n with exponent s. */
  private static double[] zipf(int n, double s) {
    double[] cumulative = new double[n];
    double total = 0;
    for (int k = 0; k < n; k++) {
      total += 1 / Math.pow(k + 1, s);
      cumulative[k] = total;
    }
    for (int k = 0; k < n; k++) {
      cumulative[k] /= total;
    }
    return cumulative;
  }

  private static int pick(double[] cumulative, double u) {
    int low = 0;
    int high = cumulative.length - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (cumulative[mid] < u) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
