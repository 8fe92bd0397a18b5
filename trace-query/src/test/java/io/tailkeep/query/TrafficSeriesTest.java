package io.tailkeep.query;

import static io.tailkeep.query.TrafficRows.calls;
import static io.tailkeep.query.TrafficRows.client;
import static io.tailkeep.query.TrafficRows.edge;
import static io.tailkeep.query.TrafficRows.internal;
import static io.tailkeep.query.TrafficRows.latency;
import static io.tailkeep.query.TrafficRows.op;
import static io.tailkeep.query.TrafficRows.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.MinuteWindow;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.OperationCalls;
import io.tailkeep.store.traffic.Step;
import io.tailkeep.store.traffic.StepWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrafficSeriesTest {
  private static final Instant H11 = Instant.parse("2026-12-05T11:00:00Z");

  private static Instant at(int minutesAfter11) {
    return H11.plus(Duration.ofMinutes(minutesAfter11));
  }

  private static Step<OperationCalls> step(int minutesAfter11, OperationCalls calls) {
    return new Step<>(at(minutesAfter11), calls);
  }

  @ParameterizedTest
  @CsvSource({
    "0, 1",       // an empty window still has a step
    "1, 1",
    "60, 1",
    "120, 1",
    "121, 2",     // 121 minutes in 1-minute steps would be 121 steps
    "360, 3",
    "1440, 12",
    "44640, 372", // 31 days
  })
  void theDefaultStepIsTheSmallestWholeMinuteCountGivingAtMost120Steps(long windowMinutes, long stepMinutes) {
    MinuteWindow minutes = new MinuteWindow(H11, H11.plus(Duration.ofMinutes(windowMinutes)));
    Duration step = TrafficSeries.defaultStep(minutes);
    assertThat(step).isEqualTo(Duration.ofMinutes(stepMinutes));
    assertThat(new StepWindow(minutes, step).steps()).isLessThanOrEqualTo(120);
    if (stepMinutes > 1) {
      assertThat(new StepWindow(minutes, Duration.ofMinutes(stepMinutes - 1)).steps()).isGreaterThan(120);
    }
  }

  @Test
  void everyStepIsThereInOrderZerosWhereNothingWasCountedAndTheLastStepIsShorter() {
    StepWindow window = StepWindow.of(H11, at(60), Duration.ofMinutes(25));
    List<TrafficSeries.Point> points = TrafficSeries.points(window, List.of(
        new Step<>(at(50), calls(1, latency(0, 4))),
        new Step<>(at(0), calls(0, latency(3, 2))),
        new Step<>(at(50), calls(0, latency(0, 6)))));
    assertThat(points).containsExactly(
        new TrafficSeries.Point(at(0), Duration.ofMinutes(25), calls(0, latency(3, 2))),
        new TrafficSeries.Point(at(25), Duration.ofMinutes(25), CallCounts.none()),
        new TrafficSeries.Point(at(50), Duration.ofMinutes(10), calls(1, latency(0, 10))));
    assertThat(TrafficSeries.total(points)).isEqualTo(calls(1, latency(3, 2)).plus(calls(0, latency(0, 10))));
    // The last step's rate is over its own 10 minutes.
    assertThat(CallFigures.of(points.get(2).counts(), points.get(2).length()).ratePerSecond()).isEqualTo(10 / 600.0);
  }

  @Test
  void anEmptyWindowHasNoPoints() {
    StepWindow window = new StepWindow(new MinuteWindow(H11, H11), Duration.ofMinutes(1));
    assertThat(TrafficSeries.points(window, List.of())).isEmpty();
  }

  private static final List<Step<OperationCalls>> FRONTEND = List.of(
      step(0, server("frontend", "GET /", 1, latency(1, 10))),
      step(0, client("frontend", "POST /checkout", 0, latency(4, 5))),
      step(10, server("frontend", "GET /cart", 0, latency(1, 3))),
      step(10, op("frontend", "orders", SpanKind.SPAN_KIND_CONSUMER, 0, latency(2, 2))),
      step(20, client("frontend", "GET /", 0, latency(0, 7))));

  @Test
  void byDefaultAServiceIsMeasuredByItsServerAndConsumerSpans() {
    TrafficSeries.Selected selected = TrafficSeries.select(FRONTEND, null, null);
    assertThat(selected.measuredBy()).isEqualTo(MeasuredBy.SERVER);
    assertThat(selected.steps()).containsExactly(
        new Step<>(at(0), calls(1, latency(1, 10))),
        new Step<>(at(10), calls(0, latency(1, 3))),
        new Step<>(at(10), calls(0, latency(2, 2))));
  }

  @Test
  void aServiceThatServedNothingIsMeasuredByAllItsSpans() {
    TrafficSeries.Selected selected = TrafficSeries.select(List.of(
        step(0, internal("batch", "nightly-report", 1, latency(8, 2))),
        step(30, client("batch", "SELECT", 0, latency(0, 9)))), null, null);
    assertThat(selected.measuredBy()).isEqualTo(MeasuredBy.SPANS);
    assertThat(selected.steps()).containsExactly(
        new Step<>(at(0), calls(1, latency(8, 2))),
        new Step<>(at(30), calls(0, latency(0, 9))));
  }

  @Test
  void anOperationCountsItsSpansOfAnyKindUnlessAKindIsGiven() {
    TrafficSeries.Selected anyKind = TrafficSeries.select(FRONTEND, "GET /", null);
    assertThat(anyKind.measuredBy()).isEqualTo(MeasuredBy.SPANS);
    assertThat(anyKind.steps()).containsExactly(
        new Step<>(at(0), calls(1, latency(1, 10))),
        new Step<>(at(20), calls(0, latency(0, 7))));
    TrafficSeries.Selected clientOnly = TrafficSeries.select(FRONTEND, "GET /", SpanKind.SPAN_KIND_CLIENT);
    assertThat(clientOnly.steps()).containsExactly(new Step<>(at(20), calls(0, latency(0, 7))));
    TrafficSeries.Selected allClients = TrafficSeries.select(FRONTEND, null, SpanKind.SPAN_KIND_CLIENT);
    assertThat(allClients.steps()).containsExactly(
        new Step<>(at(0), calls(0, latency(4, 5))),
        new Step<>(at(20), calls(0, latency(0, 7))));
    assertThat(TrafficSeries.select(FRONTEND, "no such", null).steps()).isEmpty();
  }

  @Test
  void aServiceWithoutSpansIsLeftToTheEdgesIntoIt() {
    assertThat(TrafficSeries.select(List.of(), null, null)).isNull();
    TrafficSeries.Selected postgres = TrafficSeries.intoService("postgresql", List.of(
        new Step<>(at(0), edge("checkout", "postgresql", 1, latency(0, 5), latency(0, 5))),
        new Step<>(at(0), edge("checkout", "redis", 0, latency(0, 8), latency(0, 8))),
        new Step<>(at(5), edge("batch", "postgresql", 0, latency(2, 3), latency(1, 3)))));
    assertThat(postgres.measuredBy()).isEqualTo(MeasuredBy.EDGES);
    assertThat(postgres.steps()).containsExactly(
        new Step<>(at(0), calls(1, latency(0, 5))),
        new Step<>(at(5), calls(0, latency(1, 3))));
    TrafficSeries.Selected unknown = TrafficSeries.intoService("nobody", List.of());
    assertThat(unknown).isEqualTo(new TrafficSeries.Selected(MeasuredBy.SERVER, List.of()));
  }
}
