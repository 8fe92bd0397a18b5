package io.tailkeep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.traffic.ServiceEdge;
import io.tailkeep.sampler.traffic.SpanSeries;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SpanMetricsBenchmarkTest {

  private static SpanMetricsBenchmark benchmark() throws Exception {
    SpanMetricsBenchmark benchmark = new SpanMetricsBenchmark();
    benchmark.requests = 8;
    benchmark.readTraces();
    return benchmark;
  }

  private static long spansOfARound(SpanMetricsBenchmark benchmark) {
    long spans = 0;
    for (int i = 0; i < benchmark.traces.size(); i++) {
      spans += benchmark.traces.next().spans().size();
    }
    return spans;
  }

  @Test
  void everyWayOfRecordingCountsEachSpanOnce() throws Exception {
    SpanMetricsBenchmark benchmark = benchmark();
    long spans = spansOfARound(benchmark);
    SpanMetricsBenchmark.Shared fields = new SpanMetricsBenchmark.Shared();
    fields.makeThem();
    SpanMetricsBenchmark.Shared fresh = new SpanMetricsBenchmark.Shared();
    fresh.makeThem();
    SpanMetricsBenchmark.Shared bytes = new SpanMetricsBenchmark.Shared();
    bytes.makeThem();

    // A round of each: every one takes the next trace.
    for (int i = 0; i < benchmark.traces.size(); i++) {
      benchmark.spanMetricsRecord(fields);
    }
    for (int i = 0; i < benchmark.traces.size(); i++) {
      benchmark.spanMetricsRecordFreshNames(fresh);
    }
    for (int i = 0; i < benchmark.traces.size(); i++) {
      benchmark.spanMetricsRecordSpan(bytes);
    }
    long summarized = 0;
    for (int i = 0; i < benchmark.traces.size(); i++) {
      summarized += benchmark.traceFactsAdd().spanCount();
    }
    assertThat(summarized).isEqualTo(spans);

    assertThat(fields.spanMetrics.snapshot().stream().mapToLong(SpanSeries::calls).sum()).isEqualTo(spans);
    assertThat(Set.copyOf(fresh.spanMetrics.snapshot())).isEqualTo(Set.copyOf(fields.spanMetrics.snapshot()));
    assertThat(Set.copyOf(bytes.spanMetrics.snapshot())).isEqualTo(Set.copyOf(fields.spanMetrics.snapshot()));
    // The shop's traffic fails now and then: errors are counted.
    assertThat(fields.spanMetrics.snapshot().stream().mapToLong(SpanSeries::errors).sum()).isPositive();
  }

  @Test
  void theShopsTrafficDrawsItsServiceGraph() throws Exception {
    SpanMetricsBenchmark benchmark = benchmark();
    SpanMetricsBenchmark.Shared shared = new SpanMetricsBenchmark.Shared();
    shared.makeThem();
    for (int i = 0; i < benchmark.traces.size(); i++) {
      benchmark.serviceGraphRecord(shared);
    }

    Set<String> edges =
        shared.serviceGraph.snapshot().stream()
            .map(e -> e.client() + "->" + e.server())
            .collect(Collectors.toSet());
    // Calls between the shop's services, and to the PostgreSQL and Redis that send no spans.
    assertThat(edges).hasSizeGreaterThan(5);
    assertThat(edges).anyMatch(e -> e.startsWith("frontend->"));
    assertThat(edges).anyMatch(e -> e.endsWith("->postgresql")).anyMatch(e -> e.endsWith("->redis"));
    assertThat(shared.serviceGraph.snapshot().stream().mapToLong(ServiceEdge::requests).sum())
        .isGreaterThan(benchmark.traces.size());
    assertThat(shared.serviceGraph.overflowRequests()).isZero();

    // The same graph from the notes taken as the spans arrived.
    SpanMetricsBenchmark.Shared notes = new SpanMetricsBenchmark.Shared();
    notes.makeThem();
    long noted = 0;
    for (int i = 0; i < benchmark.traces.size(); i++) {
      noted += benchmark.traceHopsAdd().size();
    }
    for (int i = 0; i < benchmark.traces.size(); i++) {
      benchmark.serviceGraphRecordNotes(notes);
    }
    assertThat(noted).isPositive();
    assertThat(Set.copyOf(notes.serviceGraph.snapshot())).isEqualTo(Set.copyOf(shared.serviceGraph.snapshot()));
  }
}
