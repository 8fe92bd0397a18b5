package io.tailkeep.store.memory;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.OperationCalls;
import io.tailkeep.store.traffic.ServiceCalls;
import io.tailkeep.store.traffic.Step;
import io.tailkeep.store.traffic.StepWindow;
import io.tailkeep.store.traffic.TrafficCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Predicate;

/** Each node's totals per minute and key, replaced by a rewrite; a read sums them per step. Nothing expires. */
final class InMemoryTrafficCounts implements TrafficCounts {
  private record OperationKey(String node, Instant minute, String service, String spanName, SpanKind kind) {}

  private record EdgeKey(String node, Instant minute, String client, String server) {}

  private final ConcurrentMap<OperationKey, CallCounts> operations = new ConcurrentHashMap<>();
  private final ConcurrentMap<EdgeKey, EdgeCalls> edges = new ConcurrentHashMap<>();
  private volatile boolean closed;

  @Override
  public CompletionStage<Void> write(
      String node, Instant minute, List<OperationCalls> operationCalls, List<EdgeCalls> edgeCalls) {
    TrafficCounts.checkWrite(node, minute, operationCalls, edgeCalls);
    if (closed) {
      return InMemorySpanStore.closedStore();
    }
    Map<OperationKey, CallCounts> operationSums = new HashMap<>();
    for (OperationCalls o : operationCalls) {
      operationSums.merge(
          new OperationKey(node, minute, o.service(), o.spanName(), o.kind()), o.counts(), CallCounts::plus);
    }
    Map<EdgeKey, EdgeCalls> edgeSums = new HashMap<>();
    for (EdgeCalls e : edgeCalls) {
      edgeSums.merge(new EdgeKey(node, minute, e.client(), e.server()), e, EdgeCalls::plus);
    }
    operations.putAll(operationSums);
    edges.putAll(edgeSums);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<List<Step<OperationCalls>>> operations(String service, StepWindow window) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(window, "window");
    if (closed) {
      return InMemorySpanStore.closedStore();
    }
    record Operation(String spanName, SpanKind kind) {}
    return perStep(operations, window, OperationKey::minute, key -> key.service().equals(service),
        key -> new Operation(key.spanName(), key.kind()), CallCounts::plus,
        (operation, counts) -> new OperationCalls(service, operation.spanName(), operation.kind(), counts));
  }

  @Override
  public CompletionStage<List<Step<ServiceCalls>>> services(StepWindow window) {
    Objects.requireNonNull(window, "window");
    if (closed) {
      return InMemorySpanStore.closedStore();
    }
    record Service(String service, SpanKind kind) {}
    return perStep(operations, window, OperationKey::minute, key -> true,
        key -> new Service(key.service(), key.kind()), CallCounts::plus,
        (service, counts) -> new ServiceCalls(service.service(), service.kind(), counts));
  }

  @Override
  public CompletionStage<List<Step<EdgeCalls>>> edges(StepWindow window) {
    Objects.requireNonNull(window, "window");
    if (closed) {
      return InMemorySpanStore.closedStore();
    }
    record Edge(String client, String server) {}
    return perStep(edges, window, EdgeKey::minute, key -> true,
        key -> new Edge(key.client(), key.server()), EdgeCalls::plus, (edge, calls) -> calls);
  }

  /**
   * The rows {@code wanted} whose minute is in the window, summed per step and {@code keyOf}, as
   * steps in step order (then in no particular order).
   */
  private static <R, V, K, T> CompletionStage<List<Step<T>>> perStep(
      Map<R, V> rows,
      StepWindow window,
      Function<R, Instant> minuteOf,
      Predicate<R> wanted,
      Function<R, K> keyOf,
      BinaryOperator<V> plus,
      BiFunction<K, V, T> counts) {
    record Slot<K>(Instant step, K key) {}
    Map<Slot<K>, V> sums = new HashMap<>();
    rows.forEach(
        (row, value) -> {
          Instant minute = minuteOf.apply(row);
          if (wanted.test(row) && window.contains(minute)) {
            sums.merge(new Slot<>(window.stepOf(minute), keyOf.apply(row)), value, plus);
          }
        });
    List<Step<T>> steps = new ArrayList<>();
    sums.forEach((slot, value) -> steps.add(new Step<>(slot.step(), counts.apply(slot.key(), value))));
    steps.sort(Comparator.comparing(Step::start));
    return CompletableFuture.completedFuture(steps);
  }

  void close() {
    closed = true;
    operations.clear();
    edges.clear();
  }
}
