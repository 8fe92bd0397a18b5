package io.tailkeep.store.memory;

import static io.tailkeep.store.testing.TrafficCountsContract.at;
import static io.tailkeep.store.testing.TrafficCountsContract.latency;
import static io.tailkeep.store.testing.TrafficCountsContract.op;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.testing.TrafficCountsContract;
import io.tailkeep.store.traffic.Step;
import io.tailkeep.store.traffic.StepWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The traffic counts' contract in memory, plus what only memory does: names are kept whole. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InMemoryTrafficCountsTest implements TrafficCountsContract {
  private final SpanStore store = InMemorySpanStore.builder().build();

  @Override
  public SpanStore store() {
    return store;
  }

  @Override
  public SpanStore openSeparateStore() {
    return InMemorySpanStore.builder().build();
  }

  @AfterAll
  void close() {
    store.close();
  }

  @Test
  void namesOverOneKibibyteAreKeptWhole() {
    String service = TrafficCountsContract.servicePrefix() + "s".repeat(2000);
    Instant m = TrafficCountsContract.someHour();
    StepWindow window = StepWindow.of(m, m.plus(Duration.ofMinutes(1)), Duration.ofMinutes(1));
    store.traffic().write("node-1", m,
        List.of(op(service, "x".repeat(3000) + "a", SpanKind.SPAN_KIND_SERVER, 0, latency(1, at(0, 1))),
            op(service, "x".repeat(3000) + "b", SpanKind.SPAN_KIND_SERVER, 0, latency(2, at(0, 2)))),
        List.of()).toCompletableFuture().join();

    assertThat(store.traffic().operations(service, window).toCompletableFuture().join())
        .containsExactlyInAnyOrder(
            new Step<>(m, op(service, "x".repeat(3000) + "a", SpanKind.SPAN_KIND_SERVER, 0, latency(1, at(0, 1)))),
            new Step<>(m, op(service, "x".repeat(3000) + "b", SpanKind.SPAN_KIND_SERVER, 0, latency(2, at(0, 2)))));
    assertThat(store.traffic().operations(service.substring(0, 1024), window).toCompletableFuture().join()).isEmpty();
  }
}
