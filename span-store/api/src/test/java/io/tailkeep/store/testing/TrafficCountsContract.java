package io.tailkeep.store.testing;

import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT;
import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CONSUMER;
import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_INTERNAL;
import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.LatencyHistogram;
import io.tailkeep.store.traffic.OperationCalls;
import io.tailkeep.store.traffic.ServiceCalls;
import io.tailkeep.store.traffic.Step;
import io.tailkeep.store.traffic.StepWindow;
import io.tailkeep.store.traffic.TrafficCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What every store's {@link TrafficCounts} must do. Tests share the store, so each writes in an
 * hour picked at random from five years and names its services with a prefix of its own, and
 * looks only at those services. Names here are short: how a store keeps names over 1 KiB is its
 * own (the Cassandra store cuts them, the in-memory one keeps them whole) and tested with it.
 */
public interface TrafficCountsContract {
  Duration MINUTE = Duration.ofMinutes(1);
  Duration FIVE_MINUTES = Duration.ofMinutes(5);

  /** The store the tests share. */
  SpanStore store();

  /** A store of the same kind that the test closes. */
  SpanStore openSeparateStore();

  @Test
  default void operationsSumOverNodesAndOverTheMinutesOfEachStep() {
    String s = servicePrefix() + "checkout";
    Instant h = someHour();
    write("node-1", h.plus(minutes(10)),
        List.of(op(s, "GET /cart", SPAN_KIND_SERVER, 1, latency(30_000, at(2, 3))),
            op(s, "SELECT", SPAN_KIND_CLIENT, 0, latency(2_000, at(0, 2))),
            op(s + "-other", "GET /cart", SPAN_KIND_SERVER, 1, latency(5, at(0, 1)))),
        List.of());
    write("node-2", h.plus(minutes(10)), List.of(op(s, "GET /cart", SPAN_KIND_SERVER, 0, latency(9_000, at(2, 1)))), List.of());
    write("node-1", h.plus(minutes(14)), List.of(op(s, "GET /cart", SPAN_KIND_SERVER, 2, latency(100_000, at(5, 2)))), List.of());
    write("node-1", h.plus(minutes(15)), List.of(op(s, "GET /cart", SPAN_KIND_SERVER, 0, latency(5_000_000, at(12, 1)))), List.of());
    write("node-2", h.plus(minutes(20)), List.of(op(s, "SELECT", SPAN_KIND_CLIENT, 0, latency(12_000, at(1, 4)))), List.of());
    write("node-1", h.plus(minutes(9)), List.of(op(s, "GET /cart", SPAN_KIND_SERVER, 0, latency(1, at(0, 1)))), List.of());
    write("node-1", h.plus(minutes(21)), List.of(op(s, "GET /cart", SPAN_KIND_SERVER, 0, latency(1, at(0, 1)))), List.of());

    // Steps of 5 minutes over [h+10, h+21): 10-14, 15-19 and a shorter last step, 20.
    List<Step<OperationCalls>> steps = operations(s, StepWindow.of(h.plus(minutes(10)), h.plus(minutes(21)), FIVE_MINUTES));
    assertThat(steps).extracting(Step::start).isSorted();
    assertThat(steps)
        .containsExactlyInAnyOrder(
            new Step<>(h.plus(minutes(10)), op(s, "GET /cart", SPAN_KIND_SERVER, 3, latency(139_000, at(2, 4), at(5, 2)))),
            new Step<>(h.plus(minutes(10)), op(s, "SELECT", SPAN_KIND_CLIENT, 0, latency(2_000, at(0, 2)))),
            new Step<>(h.plus(minutes(15)), op(s, "GET /cart", SPAN_KIND_SERVER, 0, latency(5_000_000, at(12, 1)))),
            new Step<>(h.plus(minutes(20)), op(s, "SELECT", SPAN_KIND_CLIENT, 0, latency(12_000, at(1, 4)))));

    assertThat(operations(s, StepWindow.of(h.plus(minutes(10)), h.plus(minutes(12)), MINUTE)))
        .as("steps of one minute: the nodes summed")
        .containsExactlyInAnyOrder(
            new Step<>(h.plus(minutes(10)), op(s, "GET /cart", SPAN_KIND_SERVER, 1, latency(39_000, at(2, 4)))),
            new Step<>(h.plus(minutes(10)), op(s, "SELECT", SPAN_KIND_CLIENT, 0, latency(2_000, at(0, 2)))));

    assertThat(operations(s, StepWindow.whole(h, h.plus(Duration.ofHours(1)))))
        .as("one step over the hour")
        .containsExactlyInAnyOrder(
            new Step<>(h, op(s, "GET /cart", SPAN_KIND_SERVER, 3, latency(5_139_002, at(0, 2), at(2, 4), at(5, 2), at(12, 1)))),
            new Step<>(h, op(s, "SELECT", SPAN_KIND_CLIENT, 0, latency(14_000, at(0, 2), at(1, 4)))));
    assertThat(operations(s + "-none", StepWindow.whole(h, h.plus(Duration.ofHours(1))))).isEmpty();
  }

  @Test
  default void servicesRollTheirOperationsUpBySpanKind() {
    String p = servicePrefix();
    Instant m = someHour().plus(minutes(30));
    write("node-1", m,
        List.of(op(p + "api", "GET /a", SPAN_KIND_SERVER, 1, latency(3_000, at(0, 2))),
            op(p + "api", "GET /b", SPAN_KIND_SERVER, 2, latency(900_000, at(9, 3))),
            op(p + "api", "GET /b", SPAN_KIND_CLIENT, 0, latency(700, at(0, 1))),
            op(p + "worker", "consume", SPAN_KIND_CONSUMER, 0, latency(50_000, at(5, 5)))),
        List.of());
    write("node-2", m,
        List.of(op(p + "api", "GET /a", SPAN_KIND_SERVER, 0, latency(1_000, at(0, 1))),
            op(p + "api", "render", SPAN_KIND_INTERNAL, 0, latency(10, at(0, 1)))),
        List.of());
    write("node-2", m.plus(MINUTE), List.of(op(p + "api", "GET /a", SPAN_KIND_SERVER, 1, latency(1_000, at(0, 1)))), List.of());

    assertThat(services(p, StepWindow.of(m, m.plus(minutes(2)), FIVE_MINUTES)))
        .containsExactlyInAnyOrder(
            new Step<>(m, new ServiceCalls(p + "api", SPAN_KIND_SERVER, calls(4, latency(905_000, at(0, 4), at(9, 3))))),
            new Step<>(m, new ServiceCalls(p + "api", SPAN_KIND_CLIENT, calls(0, latency(700, at(0, 1))))),
            new Step<>(m, new ServiceCalls(p + "api", SPAN_KIND_INTERNAL, calls(0, latency(10, at(0, 1))))),
            new Step<>(m, new ServiceCalls(p + "worker", SPAN_KIND_CONSUMER, calls(0, latency(50_000, at(5, 5))))));
    List<Step<ServiceCalls>> perMinute = services(p, StepWindow.of(m, m.plus(minutes(2)), MINUTE));
    assertThat(perMinute).extracting(Step::start).isSorted();
    assertThat(perMinute).filteredOn(step -> step.start().equals(m.plus(MINUTE)))
        .containsExactly(new Step<>(m.plus(MINUTE), new ServiceCalls(p + "api", SPAN_KIND_SERVER, calls(1, latency(1_000, at(0, 1))))));
    assertThat(perMinute).hasSize(5);
  }

  @Test
  default void edgesSumOverNodesAndOverTheMinutesOfEachStep() {
    String p = servicePrefix();
    Instant h = someHour();
    write("node-1", h.plus(minutes(58)), List.of(),
        List.of(edge(p + "web", p + "api", 1, latency(40_000, at(4, 2)), latency(30_000, at(4, 2))),
            edge(p + "api", "postgres", 0, latency(6_000, at(1, 3)), latency(0, at(0, 3)))));
    write("node-2", h.plus(minutes(59)), List.of(),
        List.of(edge(p + "web", p + "api", 2, latency(3_000_000, at(11, 2)), latency(2_900_000, at(11, 2)))));
    // The next hour: another partition in the Cassandra store.
    write("node-1", h.plus(minutes(60)), List.of(),
        List.of(edge(p + "web", p + "api", 0, latency(1_000, at(0, 1)), latency(900, at(0, 1)))));
    write("node-1", h.plus(minutes(62)), List.of(),
        List.of(edge(p + "web", p + "api", 0, latency(1_000, at(0, 1)), latency(900, at(0, 1)))));

    List<Step<EdgeCalls>> steps = edges(p, StepWindow.of(h.plus(minutes(58)), h.plus(minutes(62)), minutes(2)));
    assertThat(steps).extracting(Step::start).isSorted();
    assertThat(steps)
        .containsExactlyInAnyOrder(
            new Step<>(h.plus(minutes(58)),
                edge(p + "web", p + "api", 3, latency(3_040_000, at(4, 2), at(11, 2)), latency(2_930_000, at(4, 2), at(11, 2)))),
            new Step<>(h.plus(minutes(58)), edge(p + "api", "postgres", 0, latency(6_000, at(1, 3)), latency(0, at(0, 3)))),
            new Step<>(h.plus(minutes(60)), edge(p + "web", p + "api", 0, latency(1_000, at(0, 1)), latency(900, at(0, 1)))));
  }

  @Test
  default void aRewriteOfANodesMinuteReplacesItAndOtherNodesAdd() {
    String p = servicePrefix();
    Instant m = someHour().plus(minutes(59));
    StepWindow window = StepWindow.of(m, m.plus(MINUTE), MINUTE);
    write("node-1", m, List.of(op(p + "a", "x", SPAN_KIND_SERVER, 1, latency(5_000, at(1, 5)))),
        List.of(edge(p + "a", p + "b", 1, latency(3_000, at(0, 3)), latency(2_000, at(0, 3)))));
    write("node-2", m, List.of(op(p + "a", "x", SPAN_KIND_SERVER, 0, latency(2_000, at(1, 2)))),
        List.of(edge(p + "a", p + "b", 0, latency(1_000, at(0, 1)), latency(500, at(0, 1)))));

    // node-1's totals grew: its rewrite replaces its first write.
    for (int i = 0; i < 2; i++) {
      write("node-1", m, List.of(op(p + "a", "x", SPAN_KIND_SERVER, 2, latency(7_000, at(1, 7)))),
          List.of(edge(p + "a", p + "b", 1, latency(4_000, at(0, 4)), latency(2_500, at(0, 4)))));

      assertThat(operations(p + "a", window)).as("write " + (i + 1))
          .containsExactly(new Step<>(m, op(p + "a", "x", SPAN_KIND_SERVER, 2, latency(9_000, at(1, 9)))));
      assertThat(services(p, window))
          .containsExactly(new Step<>(m, new ServiceCalls(p + "a", SPAN_KIND_SERVER, calls(2, latency(9_000, at(1, 9))))));
      assertThat(edges(p, window))
          .containsExactly(new Step<>(m, edge(p + "a", p + "b", 1, latency(5_000, at(0, 5)), latency(3_000, at(0, 5)))));
    }
  }

  @Test
  default void entriesGivenTwiceInOneWriteAreSummed() {
    String p = servicePrefix();
    Instant m = someHour().plus(minutes(7));
    StepWindow window = StepWindow.of(m, m.plus(MINUTE), MINUTE);
    write("node-1", m,
        List.of(op(p + "a", "x", SPAN_KIND_SERVER, 1, latency(1_000, at(0, 1))),
            op(p + "a", "x", SPAN_KIND_SERVER, 1, latency(3_000, at(1, 2))),
            op(p + "a", "x", SPAN_KIND_CLIENT, 0, latency(10, at(0, 1)))),
        List.of(edge(p + "a", p + "b", 1, latency(1_000, at(0, 1)), latency(800, at(0, 1))),
            edge(p + "a", p + "b", 0, latency(9_000, at(2, 2)), latency(8_000, at(2, 2)))));

    assertThat(operations(p + "a", window))
        .containsExactlyInAnyOrder(
            new Step<>(m, op(p + "a", "x", SPAN_KIND_SERVER, 2, latency(4_000, at(0, 1), at(1, 2)))),
            new Step<>(m, op(p + "a", "x", SPAN_KIND_CLIENT, 0, latency(10, at(0, 1)))));
    assertThat(services(p, window))
        .containsExactlyInAnyOrder(
            new Step<>(m, new ServiceCalls(p + "a", SPAN_KIND_SERVER, calls(2, latency(4_000, at(0, 1), at(1, 2))))),
            new Step<>(m, new ServiceCalls(p + "a", SPAN_KIND_CLIENT, calls(0, latency(10, at(0, 1))))));
    assertThat(edges(p, window))
        .containsExactly(new Step<>(m, edge(p + "a", p + "b", 1, latency(10_000, at(0, 1), at(2, 2)), latency(8_800, at(0, 1), at(2, 2)))));
  }

  /** Windows around an hour: where the Cassandra store's partitions change. */
  @Test
  default void minutesOutsideTheWindowAreAbsent() {
    String p = servicePrefix();
    Instant h = someHour();
    for (int i = -1; i <= 1; i++) {
      long calls = (long) Math.pow(10, i + 1); // 1, 10, 100
      write("node-1", h.plus(minutes(i)), List.of(op(p + "a", "x", SPAN_KIND_SERVER, 0, latency(calls, at(0, calls)))),
          List.of(edge(p + "a", p + "b", 0, latency(calls, at(0, calls)), latency(calls, at(0, calls)))));
    }

    assertThat(totals(p, h, h.plus(MINUTE))).containsExactly(10L, 10L, 10L);
    assertThat(totals(p, h.minusSeconds(30), h.plus(MINUTE))).as("a minute that starts before the window is out")
        .containsExactly(10L, 10L, 10L);
    assertThat(totals(p, h.minus(MINUTE), h.plusSeconds(90))).as("a minute that starts inside the window is in")
        .containsExactly(111L, 111L, 111L);
    assertThat(totals(p, h.minus(MINUTE), h)).containsExactly(1L, 1L, 1L);
    assertThat(totals(p, h.plus(minutes(2)), h.plus(Duration.ofHours(2)))).containsExactly(0L, 0L, 0L);
    assertThat(totals(p, h, h)).as("a window without a minute").containsExactly(0L, 0L, 0L);
  }

  @Test
  default void readsTheLongestWindowToItsLastMinuteInSteps() {
    String p = servicePrefix();
    Instant from = someHour();
    Instant to = from.plus(Duration.ofDays(31));
    write("node-1", from, List.of(op(p + "a", "x", SPAN_KIND_SERVER, 0, latency(1, at(0, 1)))), List.of());
    write("node-2", to.minus(MINUTE), List.of(op(p + "a", "x", SPAN_KIND_SERVER, 1, latency(2, at(0, 2)))), List.of());
    write("node-1", to, List.of(op(p + "a", "x", SPAN_KIND_SERVER, 0, latency(4, at(0, 4)))), List.of());

    assertThat(operations(p + "a", StepWindow.of(from, to, Duration.ofDays(1))))
        .containsExactly(
            new Step<>(from, op(p + "a", "x", SPAN_KIND_SERVER, 0, latency(1, at(0, 1)))),
            new Step<>(from.plus(Duration.ofDays(30)), op(p + "a", "x", SPAN_KIND_SERVER, 1, latency(2, at(0, 2)))));
  }

  @Test
  default void trafficCountsRefuseBadInputAtTheCall() {
    Instant m = someHour();
    List<OperationCalls> ops = List.of(op("s", "x", SPAN_KIND_SERVER, 0, latency(1, at(0, 1))));
    List<EdgeCalls> none = List.of();
    StepWindow window = StepWindow.of(m, m.plus(MINUTE), MINUTE);
    assertThatThrownBy(() -> traffic().write(" ", m, ops, none))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("node must not be blank");
    assertThatThrownBy(() -> traffic().write(null, m, ops, none)).isInstanceOf(NullPointerException.class).hasMessage("node");
    assertThatThrownBy(() -> traffic().write("n".repeat(257), m, ops, none))
        .hasMessageStartingWith("node must be at most 256 characters, got 257");
    assertThatThrownBy(() -> traffic().write("node-1", m.plusSeconds(1), ops, none))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minute must be a whole minute, got " + m.plusSeconds(1));
    assertThatThrownBy(() -> traffic().write("node-1", null, ops, none)).isInstanceOf(NullPointerException.class).hasMessage("minute");
    assertThatThrownBy(() -> traffic().write("node-1", Instant.EPOCH.minus(MINUTE), ops, none))
        .hasMessageStartingWith("minute must be between");
    assertThatThrownBy(() -> traffic().write("node-1", m, null, none)).isInstanceOf(NullPointerException.class).hasMessage("operations");
    assertThatThrownBy(() -> traffic().write("node-1", m, ops, null)).isInstanceOf(NullPointerException.class).hasMessage("edges");
    List<OperationCalls> withNull = new ArrayList<>(ops);
    withNull.add(null);
    assertThatThrownBy(() -> traffic().write("node-1", m, withNull, none))
        .isInstanceOf(NullPointerException.class).hasMessage("operations must not hold null");
    List<EdgeCalls> edgesWithNull = new ArrayList<>();
    edgesWithNull.add(null);
    assertThatThrownBy(() -> traffic().write("node-1", m, ops, edgesWithNull))
        .isInstanceOf(NullPointerException.class).hasMessage("edges must not hold null");
    assertThatThrownBy(() -> traffic().write("node-1", m, List.of(op("s", "x", SpanKind.UNRECOGNIZED, 0, latency(1, at(0, 1)))), none))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("operations hold an operation of span kind UNRECOGNIZED");
    assertThatThrownBy(() -> traffic().operations(null, window)).isInstanceOf(NullPointerException.class).hasMessage("service");
    assertThatThrownBy(() -> traffic().operations("s", null)).isInstanceOf(NullPointerException.class).hasMessage("window");
    assertThatThrownBy(() -> traffic().services(null)).isInstanceOf(NullPointerException.class).hasMessage("window");
    assertThatThrownBy(() -> traffic().edges(null)).isInstanceOf(NullPointerException.class).hasMessage("window");
  }

  @Test
  default void aClosedStoresCallsFail() {
    Instant m = someHour();
    StepWindow window = StepWindow.of(m, m.plus(MINUTE), MINUTE);
    SpanStore closing = openSeparateStore();
    TrafficCounts traffic = closing.traffic();
    closing.close();

    List<OperationCalls> ops = List.of(op("s", "x", SPAN_KIND_SERVER, 0, latency(1, at(0, 1))));
    List<EdgeCalls> edges = List.of(edge("s", "t", 0, latency(1, at(0, 1)), latency(1, at(0, 1))));
    List<Supplier<CompletionStage<?>>> calls =
        List.of(
            () -> traffic.write("node-1", m, ops, edges),
            () -> traffic.operations("s", window),
            () -> traffic.services(window),
            () -> traffic.edges(window));
    for (Supplier<CompletionStage<?>> call : calls) {
      assertThatThrownBy(() -> call.get().toCompletableFuture().join()).isInstanceOf(CompletionException.class);
    }
  }

  private TrafficCounts traffic() {
    return store().traffic();
  }

  private void write(String node, Instant minute, List<OperationCalls> operations, List<EdgeCalls> edges) {
    traffic().write(node, minute, operations, edges).toCompletableFuture().join();
  }

  private List<Step<OperationCalls>> operations(String service, StepWindow window) {
    return traffic().operations(service, window).toCompletableFuture().join();
  }

  /** The services of this test (those starting with {@code prefix}). */
  private List<Step<ServiceCalls>> services(String prefix, StepWindow window) {
    return traffic().services(window).toCompletableFuture().join().stream()
        .filter(step -> step.counts().service().startsWith(prefix))
        .toList();
  }

  /** The edges of this test (those whose client starts with {@code prefix}). */
  private List<Step<EdgeCalls>> edges(String prefix, StepWindow window) {
    return traffic().edges(window).toCompletableFuture().join().stream()
        .filter(step -> step.counts().client().startsWith(prefix))
        .toList();
  }

  /** Calls of service {@code prefix + "a"}'s operations, its services row and its edges over the window. */
  private List<Long> totals(String prefix, Instant from, Instant to) {
    StepWindow window = StepWindow.whole(from, to);
    long operations = operations(prefix + "a", window).stream().mapToLong(s -> s.counts().counts().calls()).sum();
    long services = services(prefix, window).stream().mapToLong(s -> s.counts().counts().calls()).sum();
    long edges = edges(prefix, window).stream().mapToLong(s -> s.counts().requests()).sum();
    return List.of(operations, services, edges);
  }

  static OperationCalls op(String service, String name, SpanKind kind, long errors, LatencyHistogram latency) {
    return new OperationCalls(service, name, kind, calls(errors, latency));
  }

  static EdgeCalls edge(String client, String server, long failed, LatencyHistogram clientLatency, LatencyHistogram serverLatency) {
    return new EdgeCalls(client, server, failed, clientLatency, serverLatency);
  }

  static CallCounts calls(long errors, LatencyHistogram latency) {
    return new CallCounts(errors, latency);
  }

  /** Durations summing to {@code sumMicros}, counted in the buckets given {@link #at}. */
  static LatencyHistogram latency(long sumMicros, long[]... bucketCounts) {
    long[] counts = new long[LatencyHistogram.BUCKETS];
    for (long[] bucketCount : bucketCounts) {
      counts[(int) bucketCount[0]] += bucketCount[1];
    }
    return new LatencyHistogram(counts, sumMicros);
  }

  /** {@code count} durations in bucket {@code bucket}. */
  static long[] at(int bucket, long count) {
    return new long[] {bucket, count};
  }

  static Duration minutes(long minutes) {
    return Duration.ofMinutes(minutes);
  }

  /** A prefix of service names no other test uses. */
  static String servicePrefix() {
    return UUID.randomUUID().toString().substring(0, 8) + "-";
  }

  /** An hour of 2021 to 2025, on the hour. */
  static Instant someHour() {
    return Instant.parse("2021-01-01T00:00:00Z")
        .plus(Duration.ofHours(ThreadLocalRandom.current().nextInt(5 * 365 * 24)));
  }
}
