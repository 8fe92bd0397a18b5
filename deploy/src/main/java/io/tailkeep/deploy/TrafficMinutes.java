package io.tailkeep.deploy;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.sampler.traffic.ServiceEdge;
import io.tailkeep.sampler.traffic.ServiceGraph;
import io.tailkeep.sampler.traffic.SpanMetrics;
import io.tailkeep.sampler.traffic.SpanSeries;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.LatencyHistogram;
import io.tailkeep.store.traffic.OperationCalls;
import io.tailkeep.store.traffic.TrafficCounts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what a sampling node counted of all traffic (its span metrics and service graph, before
 * any decision) to the store per minute, so that the API and the UI of every node can show the last
 * hours without a Prometheus. Every refresh rewrites the running minute's totals so far; the first
 * refresh after a minute ends writes that minute's last totals (with what arrived since the minute
 * turned, at most one refresh interval of it) and starts the next. The counters only grow, so a
 * minute's totals are the counters now less the counters when the minute began.
 */
final class TrafficMinutes {

  /** The node name an all-in-one writes under: it is the only node. */
  static final String ALL_IN_ONE = "all-in-one";

  private static final Logger LOG = LoggerFactory.getLogger(TrafficMinutes.class);
  private static final Duration LAST_WRITE_TIMEOUT = Duration.ofSeconds(5);

  private record SeriesKey(String service, String spanName, String spanKind, String statusCode) {}

  private record OperationKey(String service, String spanName, String spanKind) {}

  private record EdgeKey(String client, String server) {}

  private final TrafficCounts store;
  private final String node;
  private final SpanMetrics spanMetrics;
  private final ServiceGraph serviceGraph;
  private final Clock clock;
  private ScheduledExecutorService scheduler;
  private Instant minute;
  private Map<SeriesKey, SpanSeries> seriesBefore = Map.of();
  private Map<EdgeKey, ServiceEdge> edgesBefore = Map.of();

  TrafficMinutes(TrafficCounts store, String node, SpanMetrics spanMetrics, ServiceGraph serviceGraph, Clock clock) {
    this.store = store;
    this.node = node;
    this.spanMetrics = spanMetrics;
    this.serviceGraph = serviceGraph;
    this.clock = clock;
    this.minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
  }

  /** Refreshes every {@code interval} on a thread of its own until {@link #stop}. */
  TrafficMinutes start(Duration interval) {
    scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "tailkeep-traffic-minutes");
      thread.setDaemon(true);
      return thread;
    });
    long millis = interval.toMillis();
    scheduler.scheduleWithFixedDelay(this::refreshLogged, millis, millis, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Stops refreshing and writes the last counts, waiting a few seconds for the store. */
  void stop() {
    if (scheduler != null) {
      scheduler.shutdown();
      try {
        scheduler.awaitTermination(LAST_WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    try {
      refresh().toCompletableFuture().get(LAST_WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("the last minute's traffic counts were not written: {}", e.toString());
    }
  }

  private void refreshLogged() {
    try {
      refresh();
    } catch (RuntimeException e) {
      LOG.error("traffic counts refresh failed", e);
    }
  }

  /** Writes the running minute's totals so far; moves to the next minute once this one has ended. */
  synchronized CompletionStage<Void> refresh() {
    Instant now = clock.instant();
    Map<SeriesKey, SpanSeries> seriesNow = new HashMap<>();
    for (SpanSeries s : spanMetrics.snapshot()) {
      seriesNow.put(new SeriesKey(s.service(), s.spanName(), s.spanKind(), s.statusCode()), s);
    }
    Map<EdgeKey, ServiceEdge> edgesNow = new HashMap<>();
    for (ServiceEdge e : serviceGraph.snapshot()) {
      edgesNow.put(new EdgeKey(e.client(), e.server()), e);
    }
    CompletionStage<Void> written = write(minute, operationsSince(seriesNow), edgesSince(edgesNow));
    Instant current = now.truncatedTo(ChronoUnit.MINUTES);
    if (current.isAfter(minute)) {
      minute = current;
      seriesBefore = seriesNow;
      edgesBefore = edgesNow;
    }
    return written;
  }

  /** Each operation's calls since the minute began, its status codes summed (errors kept apart). */
  private List<OperationCalls> operationsSince(Map<SeriesKey, SpanSeries> seriesNow) {
    Map<OperationKey, CallCounts> byOperation = new HashMap<>();
    seriesNow.forEach((key, now) -> {
      SpanSeries before = seriesBefore.get(key);
      LatencyHistogram since = before == null ? now.latency() : now.latency().minus(before.latency());
      if (since.total() > 0) {
        long errors = "STATUS_CODE_ERROR".equals(key.statusCode()) ? since.total() : 0;
        byOperation.merge(
            new OperationKey(key.service(), key.spanName(), key.spanKind()),
            new CallCounts(errors, since),
            CallCounts::plus);
      }
    });
    List<OperationCalls> operations = new ArrayList<>(byOperation.size());
    byOperation.forEach((key, counts) -> operations.add(
        new OperationCalls(key.service(), key.spanName(), SpanKind.valueOf(key.spanKind()), counts)));
    return operations;
  }

  private List<EdgeCalls> edgesSince(Map<EdgeKey, ServiceEdge> edgesNow) {
    List<EdgeCalls> edges = new ArrayList<>();
    edgesNow.forEach((key, now) -> {
      ServiceEdge before = edgesBefore.get(key);
      EdgeCalls since = before == null
          ? new EdgeCalls(now.client(), now.server(), now.failures(), now.clientLatency(), now.serverLatency())
          : new EdgeCalls(
              now.client(),
              now.server(),
              now.failures() - before.failures(),
              now.clientLatency().minus(before.clientLatency()),
              now.serverLatency().minus(before.serverLatency()));
      if (since.requests() > 0) {
        edges.add(since);
      }
    });
    return edges;
  }

  private CompletionStage<Void> write(Instant of, List<OperationCalls> operations, List<EdgeCalls> edges) {
    if (operations.isEmpty() && edges.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return store.write(node, of, operations, edges).whenComplete((ok, error) -> {
      if (error != null) {
        LOG.debug("traffic counts of {} not written; a later refresh of the running minute rewrites them: {}",
            of, error.toString());
      }
    });
  }
}
