package io.tailkeep.sampler.traffic;

import static io.tailkeep.sampler.traffic.TrafficSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.testing.TestClock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A trace buffer built with traffic counts feeds them: every span it takes, late ones too, and every decided trace's calls. */
class BufferTrafficTest {

  private final TestClock clock = new TestClock();
  private final SpanMetrics spanMetrics = new SpanMetrics();
  private final ServiceGraph graph = new ServiceGraph();

  @Test
  void aDroppedTraceIsCountedWholeAndALateSpanToo() throws Exception {
    TraceBuffer buffer = TraceBuffer.builder()
        .rules(RulesFile.parse("rules.yaml", "rules: []\n", clock)) // drops everything
        .traffic(spanMetrics, graph)
        .sink(batch -> {})
        .ticker(clock)
        .clock(clock)
        .executor(Runnable::run)
        .build();

    buffer.offer(List.of(
        span("web", 1, 0).server().name("GET /").build(),
        span("web", 2, 1).client().name("call api").build(),
        span("api", 3, 2).server().name("GET /items").millis(3).build(),
        span("api", 4, 3).client().name("SELECT").attribute("db.system", "postgresql").build(),
        span("api", 5, 3).name("render").build()));
    clock.advanceMillis(3_000);
    assertThat(buffer.decideDue()).isEqualTo(1);
    assertThat(buffer.stats().tracesDropped()).isEqualTo(1);

    assertThat(calls()).isEqualTo(5);
    assertThat(graph.snapshot())
        .extracting(edge -> edge.client() + " -> " + edge.server() + ": " + edge.requests())
        .containsExactlyInAnyOrder("web -> api: 1", "api -> postgresql: 1");

    buffer.offer(List.of(span("api", 6, 3).name("late").build()));
    assertThat(calls()).as("a late span counts as well").isEqualTo(6);
    assertThat(graph.snapshot()).hasSize(2);
  }

  @Test
  void withoutTrafficCountsTheBufferCountsNothing() throws Exception {
    TraceBuffer buffer = TraceBuffer.builder()
        .rules(RulesFile.parse("rules.yaml", "rules: []\n", clock))
        .sink(batch -> {})
        .ticker(clock)
        .executor(Runnable::run)
        .build();
    buffer.offer(List.of(span("web", 1, 0).server().build()));
    clock.advanceMillis(3_000);
    buffer.decideDue();
    assertThat(calls()).isZero();
  }

  private long calls() {
    return spanMetrics.snapshot().stream().mapToLong(SpanSeries::calls).sum();
  }
}
