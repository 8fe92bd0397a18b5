package io.tailkeep.query;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.LatencyHistogram;
import io.tailkeep.store.traffic.OperationCalls;

/** Traffic rows for tests, with latencies in named buckets so every quantile is known exactly. */
final class TrafficRows {

  private TrafficRows() {}

  /**
   * {@code n} durations in bucket {@code bucket} (0: up to 2 ms, 1: 2–4 ms, 3: 8–16 ms, 4: 16–32
   * ms, 5: 32–64 ms, 8: 256–512 ms); the sum is not read by the API, so it is a plain guess.
   */
  static LatencyHistogram latency(int bucket, long n) {
    long[] counts = new long[LatencyHistogram.BUCKETS];
    counts[bucket] = n;
    return new LatencyHistogram(counts, n * 1_000);
  }

  static CallCounts calls(long errors, LatencyHistogram latency) {
    return new CallCounts(errors, latency);
  }

  static OperationCalls op(String service, String name, SpanKind kind, long errors, LatencyHistogram latency) {
    return new OperationCalls(service, name, kind, new CallCounts(errors, latency));
  }

  static OperationCalls server(String service, String name, long errors, LatencyHistogram latency) {
    return op(service, name, SpanKind.SPAN_KIND_SERVER, errors, latency);
  }

  static OperationCalls client(String service, String name, long errors, LatencyHistogram latency) {
    return op(service, name, SpanKind.SPAN_KIND_CLIENT, errors, latency);
  }

  static OperationCalls internal(String service, String name, long errors, LatencyHistogram latency) {
    return op(service, name, SpanKind.SPAN_KIND_INTERNAL, errors, latency);
  }

  static EdgeCalls edge(String client, String server, long failed, LatencyHistogram clientLatency, LatencyHistogram serverLatency) {
    return new EdgeCalls(client, server, failed, clientLatency, serverLatency);
  }
}
