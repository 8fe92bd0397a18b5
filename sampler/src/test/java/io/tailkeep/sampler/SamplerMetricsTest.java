package io.tailkeep.sampler;

import static io.tailkeep.store.testing.TestSpans.root;
import static io.tailkeep.store.testing.TestSpans.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tailkeep.sampler.buffer.BufferStats;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.testing.TestClock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decision counters come from the buffers' snapshots, one per kind of decision as it first occurs. */
class SamplerMetricsTest {

  private static final String KEEP_ERRORS =
      """
      rules:
        - name: keep-errors
          conditions:
            - error: true
          keep: {}
      """;

  private static final String KEEP_VIP =
      """
      rules:
        - name: keep-vip
          conditions:
            - attribute: {key: tenant, equals: vip}
          keep: {}
      """;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SamplerMetrics metrics = new SamplerMetrics(registry);
  private final TestClock ticker = new TestClock();

  private TraceBuffer buffer(String rules) throws Exception {
    RuleSet ruleSet = RulesFile.parse("rules.yaml", rules, ticker);
    return TraceBuffer.builder()
        .rules(ruleSet)
        .sink(batch -> {})
        .ticker(ticker)
        .executor(Runnable::run)
        .decisionListener(metrics)
        .build();
  }

  private double decided(String decision, String rule) {
    return registry.get("tailkeep.sampler.traces.decided")
        .tags("decision", decision, "rule", rule, "reason", "root_grace")
        .functionCounter()
        .count();
  }

  @Test
  void aRuleDecidingForTheFirstTimeGetsItsCounterBeforeAndAfterBinding() throws Exception {
    TraceBuffer buffer = buffer(KEEP_ERRORS);
    buffer.offer(List.of(root(traceId(1)).error().build()));
    ticker.advanceMillis(2_000);
    buffer.decideDue();
    assertThat(registry.find("tailkeep.sampler.traces.decided").meters()).as("nothing bound yet").isEmpty();

    metrics.bindBuffers(buffer::stats);
    assertThat(decided("kept", "keep-errors")).isEqualTo(1);

    buffer.replaceRules(RulesFile.parse("rules.yaml", KEEP_VIP, ticker));
    buffer.offer(List.of(root(traceId(2)).attribute("tenant", "vip").build()));
    buffer.offer(List.of(root(traceId(3)).build()));
    ticker.advanceMillis(2_000);
    buffer.decideDue();

    assertThat(decided("kept", "keep-vip")).isEqualTo(1);
    assertThat(decided("dropped", "default")).isEqualTo(1);
    assertThat(decided("kept", "keep-errors")).as("read again when scraped, not counted twice").isEqualTo(1);
    assertThat(registry.get("tailkeep.sampler.spans.decided").tags("decision", "kept").functionCounter().count())
        .isEqualTo(2);
  }

  @Test
  void keysPastAPerKeyRulesBoundAreCounted() throws Exception {
    TraceBuffer buffer = buffer("""
        rules:
          - name: per-tenant
            conditions: []
            keep: {per_second: 5, by: [tenant], max_keys: 2}
        """);
    metrics.bindRules(buffer::rules, java.util.Optional::empty);
    for (int i = 0; i < 5; i++) {
      buffer.offer(List.of(root(traceId(10 + i)).attribute("tenant", "t" + i).build()));
    }
    ticker.advanceMillis(2_000);
    buffer.decideDue();
    assertThat(registry.get("tailkeep.rules.keys.overflowed").functionCounter().count()).isEqualTo(3);
  }

  @Test
  void buffersAreBoundOnce() {
    metrics.bindBuffers(() -> BufferStats.EMPTY);
    assertThatThrownBy(() -> metrics.bindBuffers(() -> BufferStats.EMPTY))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("buffers are bound already");
  }
}
