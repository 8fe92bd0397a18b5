package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.MinuteWindow;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.OperationCalls;
import io.tailkeep.store.traffic.ServiceCalls;
import io.tailkeep.store.traffic.Step;
import io.tailkeep.store.traffic.StepWindow;
import io.tailkeep.store.traffic.TrafficCounts;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Traffic counts on Cassandra (schema/v3.cql): a row per (minute, key, node), the operations in a
 * partition per service and hour, the services' rollups and the edges in a partition per hour.
 *
 * <p>A write sums what it was given twice (or what became equal once names were cut to 1 KiB,
 * {@link IndexKeys}), sums the operations into their services' rows, and sends the rows of each
 * partition as single-partition unlogged batches of at most {@code maxBatchBytes}, as the span
 * writer sends a trace's spans, each through the writers' in-flight limiter: a node with thousands
 * of operations sends many small idempotent requests, not one huge one, and the write completes
 * when every one has. A read asks each hour partition of the window at once through the same
 * limiter, and folds rows into per-step sums as pages arrive.
 */
final class CassandraTrafficCounts implements TrafficCounts {
  private static final Duration HOUR = Duration.ofHours(1);

  private record OperationKey(String service, String spanName, SpanKind kind) {}

  private record ServiceKey(String service, SpanKind kind) {}

  private record EdgeKey(String client, String server) {}

  /** Partition keys; the tables' own, so rows of two tables never share a batch. */
  private record OperationsPartition(String service, Instant hour) {}

  private record ServicesPartition(Instant hour) {}

  private record EdgesPartition(Instant hour) {}

  private final UnloggedBatch unloggedBatch;
  private final InsertTrafficOperation insertOperation;
  private final InsertTrafficService insertService;
  private final InsertTrafficEdge insertEdge;
  private final SelectTrafficOperations selectOperations;
  private final SelectTrafficServices selectServices;
  private final SelectTrafficEdges selectEdges;
  private final InFlightLimiter limiter;
  private final int ttlSeconds;
  private final int maxBatchBytes;

  CassandraTrafficCounts(Statements statements, InFlightLimiter limiter, int ttlSeconds, int maxBatchBytes) {
    this.unloggedBatch = statements.unloggedBatch;
    this.insertOperation = statements.insertTrafficOperation;
    this.insertService = statements.insertTrafficService;
    this.insertEdge = statements.insertTrafficEdge;
    this.selectOperations = statements.selectTrafficOperations;
    this.selectServices = statements.selectTrafficServices;
    this.selectEdges = statements.selectTrafficEdges;
    this.limiter = limiter;
    this.ttlSeconds = ttlSeconds;
    this.maxBatchBytes = maxBatchBytes;
  }

  @Override
  public CompletionStage<Void> write(
      String node, Instant minute, List<OperationCalls> operations, List<EdgeCalls> edges) {
    TrafficCounts.checkWrite(node, minute, operations, edges);
    Map<OperationKey, CallCounts> operationSums = new LinkedHashMap<>();
    for (OperationCalls o : operations) {
      operationSums.merge(
          new OperationKey(IndexKeys.bounded(o.service()), IndexKeys.bounded(o.spanName()), o.kind()),
          o.counts(),
          CallCounts::plus);
    }
    // The write holds every operation of the node's minute so far, so their sum is the service's.
    Map<ServiceKey, CallCounts> serviceSums = new LinkedHashMap<>();
    operationSums.forEach(
        (key, counts) -> serviceSums.merge(new ServiceKey(key.service(), key.kind()), counts, CallCounts::plus));
    Map<EdgeKey, EdgeCalls> edgeSums = new LinkedHashMap<>();
    for (EdgeCalls e : edges) {
      EdgeKey key = new EdgeKey(IndexKeys.bounded(e.client()), IndexKeys.bounded(e.server()));
      EdgeCalls cut = new EdgeCalls(key.client(), key.server(), e.failed(), e.clientLatency(), e.serverLatency());
      edgeSums.merge(key, cut, EdgeCalls::plus);
    }

    Instant hour = minute.truncatedTo(ChronoUnit.HOURS);
    Map<Object, List<BoundStatement>> partitions = new LinkedHashMap<>();
    operationSums.forEach(
        (key, counts) ->
            rows(partitions, new OperationsPartition(key.service(), hour))
                .add(insertOperation.bind(
                    key.service(), minute, key.spanName(), key.kind().getNumber(), node, counts, ttlSeconds)));
    serviceSums.forEach(
        (key, counts) ->
            rows(partitions, new ServicesPartition(hour))
                .add(insertService.bind(minute, key.service(), key.kind().getNumber(), node, counts, ttlSeconds)));
    edgeSums.forEach(
        (key, edge) -> rows(partitions, new EdgesPartition(hour)).add(insertEdge.bind(minute, node, edge, ttlSeconds)));

    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (List<BoundStatement> rows : partitions.values()) {
      for (List<BoundStatement> batch : UnloggedBatch.split(rows, UnloggedBatch::valueBytes, maxBatchBytes)) {
        writes.add(limiter.submit(() -> unloggedBatch.execute(batch)).toCompletableFuture());
      }
    }
    // allOf completes once every request has, failed if any failed: a retry never overlaps this write.
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
  }

  private static List<BoundStatement> rows(Map<Object, List<BoundStatement>> partitions, Object partition) {
    return partitions.computeIfAbsent(partition, p -> new ArrayList<>());
  }

  @Override
  public CompletionStage<List<Step<OperationCalls>>> operations(String service, StepWindow window) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(window, "window");
    String stored = IndexKeys.bounded(service);
    StepSums<SelectTrafficOperations.Key> sums = new StepSums<>(window, TrafficRows.CALLS);
    return readHours(
        window,
        hour -> selectOperations.execute(stored, hour, window.minutes(), sums),
        () ->
            sums.steps(
                (key, values) ->
                    new OperationCalls(
                        stored,
                        key.spanName(),
                        TrafficRows.kind(key.kind(), Tables.TRAFFIC_OPERATIONS),
                        TrafficRows.callCounts(values)),
                Comparator.comparing(SelectTrafficOperations.Key::spanName)
                    .thenComparingInt(SelectTrafficOperations.Key::kind)));
  }

  @Override
  public CompletionStage<List<Step<ServiceCalls>>> services(StepWindow window) {
    Objects.requireNonNull(window, "window");
    StepSums<SelectTrafficServices.Key> sums = new StepSums<>(window, TrafficRows.CALLS);
    return readHours(
        window,
        hour -> selectServices.execute(hour, window.minutes(), sums),
        () ->
            sums.steps(
                (key, values) ->
                    new ServiceCalls(
                        key.service(),
                        TrafficRows.kind(key.kind(), Tables.TRAFFIC_SERVICES),
                        TrafficRows.callCounts(values)),
                Comparator.comparing(SelectTrafficServices.Key::service)
                    .thenComparingInt(SelectTrafficServices.Key::kind)));
  }

  @Override
  public CompletionStage<List<Step<EdgeCalls>>> edges(StepWindow window) {
    Objects.requireNonNull(window, "window");
    StepSums<SelectTrafficEdges.Key> sums = new StepSums<>(window, TrafficRows.EDGE);
    return readHours(
        window,
        hour -> selectEdges.execute(hour, window.minutes(), sums),
        () ->
            sums.steps(
                (key, values) -> TrafficRows.edgeCalls(key.client(), key.server(), values),
                Comparator.comparing(SelectTrafficEdges.Key::client).thenComparing(SelectTrafficEdges.Key::server)));
  }

  /**
   * Reads every hour partition the window touches at once, each through the limiter, then answers.
   * Cancelling the answer cancels the reads not done yet.
   */
  private <T> CompletionStage<List<Step<T>>> readHours(
      StepWindow window, Function<Instant, CompletionStage<?>> readHour, Supplier<List<Step<T>>> answer) {
    MinuteWindow minutes = window.minutes();
    List<CompletableFuture<?>> reads = new ArrayList<>();
    for (Instant hour = minutes.start().truncatedTo(ChronoUnit.HOURS);
        hour.isBefore(minutes.end());
        hour = hour.plus(HOUR)) {
      Instant partition = hour;
      reads.add(limiter.submit(() -> readHour.apply(partition)).toCompletableFuture());
    }
    CompletableFuture<List<Step<T>>> result =
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> answer.get());
    result.whenComplete(
        (steps, error) -> {
          if (result.isCancelled()) {
            reads.forEach(read -> read.cancel(false));
          }
        });
    return result;
  }
}
