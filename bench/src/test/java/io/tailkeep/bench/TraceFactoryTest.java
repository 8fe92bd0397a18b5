package io.tailkeep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.deploy.demo.ShopKind;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.WireSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The store benchmarks' traces: their sizes, what the default rules would have kept them by, determinism. */
class TraceFactoryTest {

  private static final long NOW = 1_700_000_000_000_000_000L;

  @Test
  void tracesToReadBackHaveExactlyTheSpansAsked() {
    TraceFactory factory = new TraceFactory(1);
    for (int size : new int[] {10, 100, 1_000}) {
      for (int i = 0; i < 20; i++) {
        SpanBatch batch = factory.trace(size, NOW);
        assertThat(batch.spans()).as("a trace of %s", size).hasSize(size);
        assertThat(batch.spans().stream().filter(WireSpan::isRoot)).hasSize(1);
      }
    }
  }

  @Test
  void theMixHasMostlySmallTracesOfTheKeptKindsInTheLastHour() {
    TraceFactory factory = new TraceFactory(2);
    Map<String, Integer> byRule = new HashMap<>();
    int large = 0;
    for (int i = 0; i < 5_000; i++) {
      SpanBatch batch = factory.mixedTrace(NOW);
      assertThat(batch.spans().size()).isBetween(5, 2_000);
      large += batch.spans().size() >= 100 ? 1 : 0;
      byRule.merge(batch.sampling().rule(), 1, Integer::sum);
      ShopKind kind = kindOf(batch.sampling().rule());
      assertThat(batch.sampling().probability()).isEqualTo(kind.keptShare);
      assertThat(batch.summary().startNanos()).isGreaterThanOrEqualTo(NOW - TimeUnit.HOURS.toNanos(1));
      assertThat(batch.summary().endNanos()).isLessThanOrEqualTo(NOW);
    }
    assertThat(large).as("traces of 100 spans or more").isBetween(100, 200);
    assertThat(byRule).doesNotContainKey(ShopKind.HEALTH_CHECK.rule);
    assertThat(byRule.get(ShopKind.ERROR.rule)).isBetween(1_300, 1_700);
    assertThat(byRule.get(ShopKind.ORDINARY.rule)).isBetween(650, 950);
  }

  @Test
  void theSameSeedMakesTheSameTraces() {
    assertThat(describe(new TraceFactory(3))).isEqualTo(describe(new TraceFactory(3)));
    assertThat(describe(new TraceFactory(3))).isNotEqualTo(describe(new TraceFactory(4)));
  }

  private static List<String> describe(TraceFactory factory) {
    List<String> traces = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      SpanBatch batch = factory.mixedTrace(NOW);
      traces.add(batch.traceId() + " " + batch.sampling() + " "
          + batch.spans().stream().map(span -> Arrays.toString(span.bytes())).toList());
    }
    return traces;
  }

  private static ShopKind kindOf(String rule) {
    for (ShopKind kind : ShopKind.values()) {
      if (kind.rule.equals(rule)) {
        return kind;
      }
    }
    throw new AssertionError("no kind is decided by " + rule);
  }
}
