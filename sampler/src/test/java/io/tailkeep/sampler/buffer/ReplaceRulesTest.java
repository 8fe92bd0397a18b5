package io.tailkeep.sampler.buffer;

import static io.tailkeep.store.testing.TestSpans.child;
import static io.tailkeep.store.testing.TestSpans.root;
import static io.tailkeep.store.testing.TestSpans.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.TraceId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hot reload: buffered traces are re-summarised for the new rules and decided by them. */
class ReplaceRulesTest {

  private static final String ERRORS_ONLY =
      """
      rules:
        - name: keep-errors
          conditions:
            - error: true
          keep: {}
      """;

  private static final String ERRORS_AND_VIP_TENANT =
      """
      rules:
        - name: keep-errors
          conditions:
            - error: true
          keep: {}
        - name: keep-vip
          conditions:
            - attribute: {key: tenant, equals: vip}
          keep: {}
      """;

  private final TestClock ticker = new TestClock();
  private final RecordingKeptTraceSink sink = new RecordingKeptTraceSink();
  private final TraceBuffer buffer =
      TraceBuffer.builder()
          .rules(rules(ERRORS_ONLY))
          .sink(sink)
          .ticker(ticker)
          .executor(Runnable::run)
          .build();

  @Test
  void withoutAReloadTheOldRulesDropTheTrace() {
    TraceId trace = traceId(1);
    buffer.offer(List.of(root(trace).build(), child(trace).attribute("tenant", "vip").build()));
    ticker.advanceMillis(2_000);
    buffer.decideDue();

    assertThat(sink.batches).isEmpty();
    assertThat(buffer.stats().tracesDropped("default")).isEqualTo(1);
  }

  @Test
  void aBufferedTraceIsDecidedByANewRuleOnAKeyTheOldRulesNeverRead() {
    TraceId trace = traceId(2);
    buffer.offer(List.of(root(trace).build(), child(trace).attribute("tenant", "vip").build()));
    assertThat(buffer.rules().referencedKeys()).doesNotContain("tenant");

    RuleSet reloaded = rules(ERRORS_AND_VIP_TENANT);
    buffer.replaceRules(reloaded);
    assertThat(buffer.rules()).isSameAs(reloaded);
    assertThat(buffer.stats().bufferedSpans()).isEqualTo(2);
    ticker.advanceMillis(2_000);
    buffer.decideDue();

    assertThat(sink.of(trace)).hasSize(1);
    assertThat(sink.of(trace).get(0).spans()).hasSize(2);
    assertThat(sink.of(trace).get(0).sampling()).isEqualTo(new Sampling("keep-vip", 1.0));
    assertThat(buffer.why(trace).orElseThrow().rule()).isEqualTo("keep-vip");
  }

  @Test
  void spansAddedAfterTheReloadAndNewTracesUseTheNewRules() {
    TraceId buffered = traceId(3);
    TraceId fresh = traceId(4);
    buffer.offer(List.of(root(buffered).build()));

    buffer.replaceRules(rules(ERRORS_AND_VIP_TENANT));
    buffer.offer(List.of(child(buffered).attribute("tenant", "vip").build()));
    buffer.offer(List.of(root(fresh).resourceAttribute("tenant", "vip").build()));
    ticker.advanceMillis(2_000);
    buffer.decideDue();

    assertThat(buffer.stats().tracesKept("keep-vip")).isEqualTo(2);
    assertThat(sink.of(buffered).get(0).spans()).hasSize(2);
    assertThat(sink.of(fresh)).hasSize(1);
  }

  private RuleSet rules(String yaml) {
    try {
      return RulesFile.parse("rules.yaml", yaml, ticker);
    } catch (RulesFileException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
