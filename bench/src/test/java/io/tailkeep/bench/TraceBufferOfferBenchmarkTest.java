package io.tailkeep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceBufferOfferBenchmarkTest {

  @Test
  void offerBuffersARequestsSpansAndDecidesNothing() {
    TraceBufferOfferBenchmark benchmark = new TraceBufferOfferBenchmark();
    benchmark.requests = 2;
    benchmark.readRequests();
    benchmark.freshBufferEachRound();

    benchmark.offer();

    assertThat(benchmark.buffer.stats().bufferedSpans()).isEqualTo(ExportTraffic.SPANS_PER_REQUEST);
    // The spans of the 64 traces in flight and of those begun while the request filled.
    assertThat(benchmark.buffer.stats().bufferedTraces()).isBetween(64L, 200L);
    assertThat(benchmark.buffer.stats().tracesKept() + benchmark.buffer.stats().tracesDropped()).isZero();
  }

  @Test
  void aRoundStartsOnAFreshBuffer() {
    TraceBufferOfferBenchmark benchmark = new TraceBufferOfferBenchmark();
    benchmark.requests = 2;
    benchmark.readRequests();
    for (int i = 0; i < 2; i++) {
      benchmark.freshBufferEachRound();
      benchmark.offer();
    }
    assertThat(benchmark.buffer.stats().bufferedSpans()).isEqualTo(2L * ExportTraffic.SPANS_PER_REQUEST);

    benchmark.freshBufferEachRound();

    assertThat(benchmark.buffer.stats().bufferedSpans()).isZero();
  }
}
