package io.tailkeep.query;

import static io.tailkeep.query.TrafficRows.calls;
import static io.tailkeep.query.TrafficRows.latency;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.LatencyHistogram;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallFiguresTest {

  @Test
  void ratesAreOverTheLengthAndQuantilesInMillisecondsInterpolatedInTheirBucket() {
    // 80 calls of 2–4 ms and 20 of 32–64 ms over 10 minutes, 5 of them errors.
    long[] counts = new long[LatencyHistogram.BUCKETS];
    counts[1] = 80;
    counts[5] = 20;
    CallFigures figures = CallFigures.of(calls(5, new LatencyHistogram(counts, 0)), Duration.ofMinutes(10));
    assertThat(figures.calls()).isEqualTo(100);
    assertThat(figures.errors()).isEqualTo(5);
    assertThat(figures.ratePerSecond()).isEqualTo(100 / 600.0);
    assertThat(figures.errorRate()).isEqualTo(0.05);
    assertThat(figures.p50Ms()).isEqualTo(3.25); // rank 50 of 80 in 2–4 ms: 2 + 2 × 50/80
    assertThat(figures.p95Ms()).isEqualTo(56.0); // rank 95: the 15th of 20 in 32–64 ms: 32 + 32 × 15/20
    assertThat(figures.p99Ms()).isEqualTo(62.4); // 32 + 32 × 19/20
  }

  @Test
  void quantilesAreRoundedToTheMicrosecond() {
    // 17 calls of 2–4 ms: the p99 is 2 + 2 × 0.99 = 3.98 ms, which floating point makes 3.979999999999999.
    assertThat(CallFigures.of(calls(0, latency(1, 17)), Duration.ofMinutes(1)).p99Ms()).isEqualTo(3.98);
    CallFigures figures = CallFigures.of(calls(0, latency(0, 10)), Duration.ofMinutes(1));
    assertThat(figures.p50Ms()).isEqualTo(1.0);
    assertThat(figures.p95Ms()).isEqualTo(1.9);
    assertThat(figures.p99Ms()).isEqualTo(1.98);
    CallFigures slow = CallFigures.of(calls(0, latency(8, 3)), Duration.ofMinutes(1));
    assertThat(slow.p50Ms()).isEqualTo(384.0);
    assertThat(slow.p99Ms()).isEqualTo(509.44);
  }

  @Test
  void aRankBeyondTheHighestBoundAnswersTheHighestBound() {
    CallFigures figures = CallFigures.of(calls(0, latency(LatencyHistogram.BUCKETS - 1, 4)), Duration.ofMinutes(1));
    assertThat(figures.p50Ms()).isEqualTo(4100.0);
    assertThat(figures.p99Ms()).isEqualTo(4100.0);
  }

  @Test
  void withoutCallsRatesAndQuantilesAreNull() {
    CallFigures none = CallFigures.of(CallCounts.none(), Duration.ofMinutes(5));
    assertThat(none).isEqualTo(new CallFigures(0, 0, null, null, null, null, null));
    assertThat(none.writeTo(new JsonObject()).encode())
        .isEqualTo("{\"calls\":0,\"errors\":0,\"ratePerSecond\":null,\"errorRate\":null,"
            + "\"p50Ms\":null,\"p95Ms\":null,\"p99Ms\":null}");
  }

  @Test
  void overNoLengthTheRateIsNull() {
    CallFigures figures = CallFigures.of(calls(1, latency(0, 2)), Duration.ZERO);
    assertThat(figures.ratePerSecond()).isNull();
    assertThat(figures.errorRate()).isEqualTo(0.5);
  }

  @Test
  void theJsonHasTheContractsFieldsInItsOrder() {
    JsonObject json = CallFigures.of(calls(1, latency(3, 4)), Duration.ofSeconds(60))
        .writeTo(new JsonObject().put("service", "checkout"));
    assertThat(json.encode())
        .isEqualTo("{\"service\":\"checkout\",\"calls\":4,\"errors\":1,\"ratePerSecond\":0.06666666666666667,"
            + "\"errorRate\":0.25,\"p50Ms\":12.0,\"p95Ms\":15.6,\"p99Ms\":15.92}");
  }
}
