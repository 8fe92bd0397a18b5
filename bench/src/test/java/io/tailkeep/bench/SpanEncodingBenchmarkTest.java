package io.tailkeep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.cassandra.TraceChunks;
import org.junit.jupiter.api.Test;

class SpanEncodingBenchmarkTest {

  @Test
  void encodeStoresEverySpanOfAKeptTrace() {
    SpanEncodingBenchmark benchmark = new SpanEncodingBenchmark();
    benchmark.requests = 32;
    benchmark.keepTraces();
    SpanBatch first = benchmark.kept.next();
    benchmark.keepTraces();

    Object chunk = benchmark.encode();

    assertThat(first.sampling()).isNotNull();
    assertThat(TraceChunks.spanCount(chunk)).isEqualTo(first.spans().size());
    long spanBytes = first.spans().stream().mapToLong(span -> span.bytes().length).sum();
    // Each envelope holds the span's bytes and its resource and scope: more than the span alone.
    assertThat(TraceChunks.encodedBytes(chunk)).isGreaterThan(spanBytes);
    // Every trace's root is an HTTP server span with http.route and http.request.method.
    assertThat(TraceChunks.tagCount(chunk)).isGreaterThanOrEqualTo(2);
  }
}
