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
    record Key(Instant step, String spanName, SpanKind kind) {}
    Map<Key, CallCounts> sums = new HashMap<>();
    operations.forEach(
        (key, counts) -> {
          if (key.service().equals(service) && window.contains(key.minute())) {
            sums.merge(new Key(window.stepOf(key.minute()), key.spanName(), key.kind()), counts, CallCounts::plus);
          }
        });
    return done(sums, (key, counts) -> new Step<>(key.step(), new OperationCalls(service, key.spanName(), key.kind(), counts)));
  }

  @Override
  public CompletionStage<List<Step<ServiceCalls>>> services(StepWindow window) {
    Objects.requireNonNull(window, "window");
    if (closed) {
      return InMemorySpanStore.closedStore();
    }
    record Key(Instant step, String service, SpanKind kind) {}
    Map<Key, CallCounts> sums = new HashMap<>();
    operations.forEach(
        (key, counts) -> {
          if (window.contains(key.minute())) {
            sums.merge(new Key(window.stepOf(key.minute()), key.service(), key.kind()), counts, CallCounts::plus);
          }
        });
    return done(sums, (key, counts) -> new Step<>(key.step(), new ServiceCalls(key.service(), key.kind(), counts)));
  }

  @Override
  public CompletionStage<List<Step<EdgeCalls>>> edges(StepWindow window) {
    Objects.requireNonNull(window, "window");
    if (closed) {
      return InMemorySpanStore.closedStore();
    }
    record Key(Instant step, String client, String server) {}
    Map<Key, EdgeCalls> sums = new HashMap<>();
    edges.forEach(
        (key, calls) -> {
          if (window.contains(key.minute())) {
            sums.merge(new Key(window.stepOf(key.minute()), key.client(), key.server()), calls, EdgeCalls::plus);
          }
        });
    return done(sums, (key, calls) -> new Step<>(key.step(), calls));
  }

  /** The sums as steps, in step order (then in no particular order). */
  private static <K, V, T> CompletionStage<List<Step<T>>> done(
      Map<K, V> sums, BiFunction<K, V, Step<T>> toStep) {
    List<Step<T>> steps = new ArrayList<>();
    sums.forEach((key, value) -> steps.add(toStep.apply(key, value)));
    steps.sort(Comparator.comparing(Step::start));
    return CompletableFuture.completedFuture(steps);
  }

  void close() {
    closed = true;
    operations.clear();
    edges.clear();
  }
}
