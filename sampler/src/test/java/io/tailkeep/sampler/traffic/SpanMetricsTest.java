package io.tailkeep.sampler.traffic;

import static io.tailkeep.sampler.traffic.TrafficSpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SpanMetricsTest {

  private static final int INTERNAL = 1;
  private static final int SERVER = 2;
  private static final int CLIENT = 3;

  /** The series of a snapshot by "service|span_name|span_kind|status_code". */
  private static Map<String, SpanSeries> byLabels(SpanMetrics metrics) {
    return metrics.snapshot().stream()
        .collect(Collectors.toMap(
            s -> s.service() + "|" + s.spanName() + "|" + s.spanKind() + "|" + s.statusCode(),
            Function.identity()));
  }

  @Test
  void durationsLandInTheirBucketsAndSum() {
    SpanMetrics metrics = new SpanMetrics();
    long[] durations = {
      0, // le 0.002
      2_000_000, // exactly 0.002: le 0.002
      2_000_001, // le 0.004
      7_999_999, // le 0.008
      300_000_000, // le 0.512
      1_020_000_000, // exactly 1.02: le 1.02
      1_020_000_001, // le 2.05
      4_100_000_000L, // le 4.1
      9_000_000_000L, // +Inf
    };
    for (long d : durations) {
      metrics.record("checkout", "GET /cart", SERVER, 0, false, d);
    }

    assertThat(metrics.snapshot()).hasSize(1);
    SpanSeries series = metrics.snapshot().get(0);
    assertThat(series.service()).isEqualTo("checkout");
    assertThat(series.spanName()).isEqualTo("GET /cart");
    assertThat(series.spanKind()).isEqualTo("SPAN_KIND_SERVER");
    assertThat(series.statusCode()).isEqualTo("STATUS_CODE_UNSET");
    assertThat(series.calls()).isEqualTo(9);
    assertThat(series.errors()).isZero();
    assertThat(series.latency().counts()).containsExactly(2, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1);
    // Microseconds, rounded to the nearest: 2 000.001 µs is 2 000, 7 999.999 µs is 8 000.
    assertThat(series.latency().sumMicros())
        .isEqualTo(0 + 2_000 + 2_000 + 8_000 + 300_000 + 1_020_000 + 1_020_000 + 4_100_000 + 9_000_000);
  }

  @Test
  void labelsNameKindAndStatusAsTempoDoes() {
    SpanMetrics metrics = new SpanMetrics();
    metrics.record("a", "x", 0, 0, false, 1);
    metrics.record("a", "x", INTERNAL, 1, false, 1);
    metrics.record("a", "x", CLIENT, 2, true, 1);
    metrics.record("a", "x", 4, 0, false, 1);
    metrics.record("a", "x", 5, 0, false, 1);
    metrics.record("a", "x", 42, 7, false, 1); // numbers OTLP does not define

    assertThat(byLabels(metrics).keySet())
        .containsExactlyInAnyOrder(
            "a|x|SPAN_KIND_UNSPECIFIED|STATUS_CODE_UNSET",
            "a|x|SPAN_KIND_INTERNAL|STATUS_CODE_OK",
            "a|x|SPAN_KIND_CLIENT|STATUS_CODE_ERROR",
            "a|x|SPAN_KIND_PRODUCER|STATUS_CODE_UNSET",
            "a|x|SPAN_KIND_CONSUMER|STATUS_CODE_UNSET");
    assertThat(byLabels(metrics).get("a|x|SPAN_KIND_UNSPECIFIED|STATUS_CODE_UNSET").calls()).isEqualTo(2);
  }

  @Test
  void errorsFollowTheOneDefinition() {
    SpanMetrics metrics = new SpanMetrics();
    // Status ERROR on any kind.
    metrics.record(span("shop", 1, 0).name("a").client().error().build());
    // An HTTP server 5xx with its status left unset, both attribute versions: an error.
    metrics.record(span("shop", 2, 0).name("b").server().attribute("http.response.status_code", 503).build());
    metrics.record(span("shop", 3, 0).name("b").server().attribute("http.status_code", "500").build());
    // ... also when the instrumentation said OK.
    metrics.record(span("shop", 4, 0).name("b").server().status(StatusCode.STATUS_CODE_OK)
        .attribute("http.response.status_code", 502).build());
    // A server's 404 and a client's 500 are not errors by themselves.
    metrics.record(span("shop", 5, 0).name("b").server().attribute("http.response.status_code", 404).build());
    metrics.record(span("shop", 6, 0).name("c").client().attribute("http.response.status_code", 500).build());
    metrics.record(span("shop", 7, 0).name("c").client().status(StatusCode.STATUS_CODE_OK).build());

    Map<String, SpanSeries> series = byLabels(metrics);
    assertThat(series.keySet())
        .containsExactlyInAnyOrder(
            "shop|a|SPAN_KIND_CLIENT|STATUS_CODE_ERROR",
            "shop|b|SPAN_KIND_SERVER|STATUS_CODE_ERROR",
            "shop|b|SPAN_KIND_SERVER|STATUS_CODE_UNSET",
            "shop|c|SPAN_KIND_CLIENT|STATUS_CODE_UNSET",
            "shop|c|SPAN_KIND_CLIENT|STATUS_CODE_OK");
    assertThat(series.get("shop|b|SPAN_KIND_SERVER|STATUS_CODE_ERROR").calls()).isEqualTo(3);
    assertThat(series.get("shop|b|SPAN_KIND_SERVER|STATUS_CODE_ERROR").errors()).isEqualTo(3);
    assertThat(series.get("shop|b|SPAN_KIND_SERVER|STATUS_CODE_UNSET").errors()).isZero();
    assertThat(series.get("shop|a|SPAN_KIND_CLIENT|STATUS_CODE_ERROR").latency().sumMicros()).isEqualTo(1_000);
  }

  @Test
  void recordWireSpanReadsNameKindAndDuration() {
    SpanMetrics metrics = new SpanMetrics();
    metrics.record(span("checkout", 1, 0).name("SELECT orders").kind(SpanKind.SPAN_KIND_CLIENT).millis(30).build());

    SpanSeries series = metrics.snapshot().get(0);
    assertThat(series.service()).isEqualTo("checkout");
    assertThat(series.spanName()).isEqualTo("SELECT orders");
    assertThat(series.spanKind()).isEqualTo("SPAN_KIND_CLIENT");
    assertThat(series.latency().counts()).containsExactly(0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(series.latency().sumMicros()).isEqualTo(30_000);
  }

  @Test
  void seriesPastTheBoundAreCountedUnderTheServicesOverflow() {
    SpanMetrics metrics = new SpanMetrics(3, 10);
    for (int i = 0; i < 5; i++) {
      metrics.record("shop", "GET /item/" + i, SERVER, 0, false, 1_000_000);
    }
    metrics.record("shop", "GET /item/0", SERVER, 2, true, 1_000_000); // a 4th series of a known name
    metrics.record("shop", "GET /item/1", SERVER, 0, false, 1_000_000); // an existing series
    metrics.record("shop", "GET /item/4", CLIENT, 0, false, 1_000_000);
    metrics.record("other", "GET /item/4", SERVER, 0, false, 1_000_000); // its own bound

    Map<String, SpanSeries> series = byLabels(metrics);
    assertThat(series.keySet())
        .containsExactlyInAnyOrder(
            "shop|GET /item/0|SPAN_KIND_SERVER|STATUS_CODE_UNSET",
            "shop|GET /item/1|SPAN_KIND_SERVER|STATUS_CODE_UNSET",
            "shop|GET /item/2|SPAN_KIND_SERVER|STATUS_CODE_UNSET",
            "shop|__overflow__|SPAN_KIND_SERVER|STATUS_CODE_UNSET",
            "shop|__overflow__|SPAN_KIND_SERVER|STATUS_CODE_ERROR",
            "shop|__overflow__|SPAN_KIND_CLIENT|STATUS_CODE_UNSET",
            "other|GET /item/4|SPAN_KIND_SERVER|STATUS_CODE_UNSET");
    assertThat(series.get("shop|GET /item/1|SPAN_KIND_SERVER|STATUS_CODE_UNSET").calls()).isEqualTo(2);
    assertThat(series.get("shop|__overflow__|SPAN_KIND_SERVER|STATUS_CODE_UNSET").calls()).isEqualTo(2);
    assertThat(series.get("shop|__overflow__|SPAN_KIND_SERVER|STATUS_CODE_ERROR").errors()).isEqualTo(1);
    assertThat(series.get("shop|__overflow__|SPAN_KIND_CLIENT|STATUS_CODE_UNSET").isOverflow()).isTrue();
    // Every span is counted once: the service's calls add up.
    assertThat(metrics.snapshot().stream().filter(s -> s.service().equals("shop")).mapToLong(SpanSeries::calls).sum())
        .isEqualTo(8);
  }

  @Test
  void servicesPastTheBoundShareTheOverflowService() {
    SpanMetrics metrics = new SpanMetrics(100, 2);
    metrics.record("a", "x", SERVER, 0, false, 1);
    metrics.record("b", "x", SERVER, 0, false, 1);
    metrics.record("c", "x", SERVER, 0, false, 1);
    metrics.record("d", "y", SERVER, 2, true, 1);
    metrics.record("a", "z", SERVER, 0, false, 1);

    Map<String, SpanSeries> series = byLabels(metrics);
    assertThat(series.keySet())
        .containsExactlyInAnyOrder(
            "a|x|SPAN_KIND_SERVER|STATUS_CODE_UNSET",
            "a|z|SPAN_KIND_SERVER|STATUS_CODE_UNSET",
            "b|x|SPAN_KIND_SERVER|STATUS_CODE_UNSET",
            "__overflow__|__overflow__|SPAN_KIND_SERVER|STATUS_CODE_UNSET",
            "__overflow__|__overflow__|SPAN_KIND_SERVER|STATUS_CODE_ERROR");
    assertThat(metrics.serviceCount()).isEqualTo(2);
  }

  @Test
  void namesSharingARecentSlotAreEachCountedUnderTheirOwnSeries() {
    // Two names of one length whose sampled characters agree: the same slot of the recent table.
    String first = "GET /a/x/b/z";
    String second = "GET /c/x/d/z";
    int serverUnset = SERVER * 3; // the slot of kind SERVER, status UNSET
    assertThat(SpanMetrics.recentIndex("shop", second, serverUnset))
        .isEqualTo(SpanMetrics.recentIndex("shop", first, serverUnset));
    SpanMetrics metrics = new SpanMetrics();
    for (int i = 0; i < 1_000; i++) {
      // Fresh strings, as the reader makes them; alternating, so each evicts the other's slot.
      metrics.record(new String("shop"), new String(i % 2 == 0 ? first : second), SERVER, 0, false, 1_000);
      metrics.record("shop", first, CLIENT, 0, i % 4 == 0, 1_000);
    }

    Map<String, SpanSeries> series = byLabels(metrics);
    assertThat(series.get("shop|" + first + "|SPAN_KIND_SERVER|STATUS_CODE_UNSET").calls()).isEqualTo(500);
    assertThat(series.get("shop|" + second + "|SPAN_KIND_SERVER|STATUS_CODE_UNSET").calls()).isEqualTo(500);
    assertThat(series.get("shop|" + first + "|SPAN_KIND_CLIENT|STATUS_CODE_UNSET").calls()).isEqualTo(750);
    assertThat(series.get("shop|" + first + "|SPAN_KIND_CLIENT|STATUS_CODE_ERROR").calls()).isEqualTo(250);
    assertThat(series).hasSize(4);
  }

  @Test
  void manyMoreNamesThanRecentSlotsAreCountedExactly() {
    int services = 7;
    int names = 4 * SpanMetrics.RECENT; // more names per service than the table has slots in all
    SpanMetrics metrics = new SpanMetrics(names, services);
    for (int round = 0; round < 3; round++) {
      for (int s = 0; s < services; s++) {
        for (int n = 0; n < names; n++) {
          metrics.record("svc-" + s, "GET /items/" + n, SERVER, 0, false, 1_000L * (n + 1));
        }
      }
    }

    List<SpanSeries> all = metrics.snapshot();
    assertThat(all).hasSize(services * names).noneMatch(SpanSeries::isOverflow);
    assertThat(all).allSatisfy(s -> assertThat(s.calls()).isEqualTo(3));
    Map<String, SpanSeries> series = byLabels(metrics);
    assertThat(series.get("svc-3|GET /items/41|SPAN_KIND_SERVER|STATUS_CODE_UNSET").latency().sumMicros())
        .isEqualTo(3 * 42);
  }

  @Test
  void aServiceCountedUnderTheOverflowServiceStaysThereWhenItsNamesRepeat() {
    SpanMetrics metrics = new SpanMetrics(100, 1);
    for (int i = 0; i < 10; i++) {
      metrics.record("a", "x", SERVER, 0, false, 1);
      metrics.record("b", "x", SERVER, 0, false, 1); // past the bound: the overflow service's
    }
    Map<String, SpanSeries> series = byLabels(metrics);
    assertThat(series.get("a|x|SPAN_KIND_SERVER|STATUS_CODE_UNSET").calls()).isEqualTo(10);
    assertThat(series.get("__overflow__|__overflow__|SPAN_KIND_SERVER|STATUS_CODE_UNSET").calls()).isEqualTo(10);
    assertThat(series).hasSize(2);
  }

  @Test
  void boundsMustBePositive() {
    assertThatThrownBy(() -> new SpanMetrics(0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSeriesPerService must be positive, got 0");
    assertThatThrownBy(() -> new SpanMetrics(10, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxServices must be positive, got -1");
  }

  @Test
  void threadsRecordingAtOnceLoseNothing() throws Exception {
    SpanMetrics metrics = new SpanMetrics(5, 100);
    int threads = 4;
    int perThread = 200_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done =
          java.util.stream.IntStream.range(0, threads)
              .mapToObj(
                  t ->
                      pool.submit(
                          () -> {
                            start.await();
                            for (int i = 0; i < perThread; i++) {
                              // 8 names over a bound of 5 series: creation and overflow race too.
                              metrics.record("svc-" + (i % 3), "op-" + (i % 8), SERVER, 0, (i & 1) == 0, 1_000L * (i % 5_000));
                            }
                            return null;
                          }))
              .collect(Collectors.toList());
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<SpanSeries> all = metrics.snapshot();
    assertThat(all.stream().mapToLong(SpanSeries::calls).sum()).isEqualTo((long) threads * perThread);
    assertThat(all.stream().mapToLong(SpanSeries::errors).sum()).isEqualTo((long) threads * perThread / 2);
    // Each thread sums 1 000 µs × (i mod 5 000) over i < 200 000: 40 rounds of 0..4 999.
    long perThreadMicros = 40L * (4_999L * 5_000 / 2);
    assertThat(all.stream().mapToLong(s -> s.latency().sumMicros()).sum()).isEqualTo(threads * perThreadMicros);
    for (String service : List.of("svc-0", "svc-1", "svc-2")) {
      assertThat(all.stream().filter(s -> s.service().equals(service) && !s.isOverflow()).count())
          .isEqualTo(5);
    }
  }
}
