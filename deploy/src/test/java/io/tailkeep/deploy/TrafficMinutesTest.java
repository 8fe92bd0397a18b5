package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.sampler.traffic.ServiceGraph;
import io.tailkeep.sampler.traffic.SpanMetrics;
import io.tailkeep.store.memory.InMemorySpanStore;
import io.tailkeep.store.testing.TestSpans;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.OperationCalls;
import io.tailkeep.store.traffic.Step;
import io.tailkeep.store.traffic.StepWindow;
import io.tailkeep.store.traffic.TrafficCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A sampling node's counts of all traffic, written per minute as the counters grow. */
class TrafficMinutesTest {

  private static final Instant NOON = Instant.parse("2026-12-05T12:00:00Z");

  private final InMemorySpanStore store = InMemorySpanStore.builder().build();
  private final TestClock clock = new TestClock(NOON.plusSeconds(5));
  private final SpanMetrics spanMetrics = new SpanMetrics();
  private final ServiceGraph serviceGraph = new ServiceGraph();
  private final TrafficMinutes minutes =
      new TrafficMinutes(store.traffic(), "node-a", spanMetrics, serviceGraph, clock);

  @AfterEach
  void close() {
    store.close();
  }

  private void carts(int calls, int errors) {
    for (int i = 0; i < calls; i++) {
      spanMetrics.record("checkout", "GET /cart", SpanKind.SPAN_KIND_SERVER_VALUE, 0, i < errors, 3_000_000);
    }
  }

  private void databaseCalls(int calls) {
    for (int i = 0; i < calls; i++) {
      serviceGraph.record(List.of(TestSpans.span("checkout", "SELECT carts").kind(SpanKind.SPAN_KIND_CLIENT)
          .attribute("db.system", "postgresql").millis(2).build()));
    }
  }

  /** The cart operation's calls and errors per minute, as the store sums them. */
  private Map<Instant, List<Long>> cartsByMinute() {
    List<Step<OperationCalls>> steps = store.traffic()
        .operations("checkout", StepWindow.of(NOON, NOON.plus(Duration.ofMinutes(3)), Duration.ofMinutes(1)))
        .toCompletableFuture().join();
    return steps.stream().collect(Collectors.toMap(
        Step::start, s -> List.of(s.counts().counts().calls(), s.counts().counts().errors())));
  }

  private Map<Instant, Long> databaseRequestsByMinute() {
    List<Step<EdgeCalls>> steps = store.traffic()
        .edges(StepWindow.of(NOON, NOON.plus(Duration.ofMinutes(3)), Duration.ofMinutes(1)))
        .toCompletableFuture().join();
    assertThat(steps).allSatisfy(s -> assertThat(s.counts().client() + "->" + s.counts().server())
        .isEqualTo("checkout->postgresql"));
    return steps.stream().collect(Collectors.toMap(Step::start, s -> s.counts().requests()));
  }

  @Test
  void theRunningMinuteIsRewrittenWithItsTotalsSoFarAndTheNextStartsFromWhereItEnded() {
    carts(3, 1);
    databaseCalls(2);
    minutes.refresh().toCompletableFuture().join();
    assertThat(cartsByMinute()).isEqualTo(Map.of(NOON, List.of(3L, 1L)));
    assertThat(databaseRequestsByMinute()).isEqualTo(Map.of(NOON, 2L));

    clock.advance(Duration.ofSeconds(30));
    carts(2, 0);
    minutes.refresh().toCompletableFuture().join();
    assertThat(cartsByMinute()).as("rewritten, not added to").isEqualTo(Map.of(NOON, List.of(5L, 1L)));

    // The first refresh of the next minute closes noon with what came in since: one refresh's worth.
    clock.advance(Duration.ofSeconds(30));
    carts(1, 1);
    minutes.refresh().toCompletableFuture().join();
    carts(4, 0);
    databaseCalls(1);
    clock.advance(Duration.ofSeconds(10));
    minutes.refresh().toCompletableFuture().join();

    Instant oneMinutePast = NOON.plus(Duration.ofMinutes(1));
    assertThat(cartsByMinute()).isEqualTo(Map.of(NOON, List.of(6L, 2L), oneMinutePast, List.of(4L, 0L)));
    assertThat(databaseRequestsByMinute()).isEqualTo(Map.of(NOON, 2L, oneMinutePast, 1L));
  }

  @Test
  void aMinuteWithoutTrafficWritesNothing() {
    carts(2, 0);
    minutes.refresh().toCompletableFuture().join();
    clock.advance(Duration.ofMinutes(1));
    minutes.refresh().toCompletableFuture().join();
    clock.advance(Duration.ofMinutes(1));
    minutes.refresh().toCompletableFuture().join();

    assertThat(cartsByMinute()).isEqualTo(Map.of(NOON, List.of(2L, 0L)));
    List<Step<io.tailkeep.store.traffic.ServiceCalls>> services = store.traffic()
        .services(StepWindow.whole(NOON, NOON.plus(Duration.ofMinutes(3)))).toCompletableFuture().join();
    assertThat(services).singleElement().satisfies(s -> {
      assertThat(s.counts().service()).isEqualTo("checkout");
      assertThat(s.counts().kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
      assertThat(s.counts().counts().calls()).isEqualTo(2);
    });
  }

  @Test
  void stopWritesTheLastCounts() {
    TrafficCounts traffic = store.traffic();
    TrafficMinutes started = new TrafficMinutes(traffic, "node-a", spanMetrics, serviceGraph, clock)
        .start(Duration.ofHours(1));
    carts(7, 0);
    started.stop();

    assertThat(cartsByMinute()).isEqualTo(Map.of(NOON, List.of(7L, 0L)));
  }
}
