package io.tailkeep.sampler.traffic;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.SpanFields;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The service graph, made from whole traces when they are decided, kept or dropped: the edges
 * between services with requests, failures and the latency seen by the client and by the server,
 * as Grafana Tempo's service-graph processor names them ({@code traces_service_graph_*}, {@link
 * #bindTo}). Thread-safe.
 *
 * <p><b>Edges.</b> A CLIENT span whose child SERVER span (its parent span ID is the client's span
 * ID) belongs to another service is one request from the client's service to the server's; so is
 * a PRODUCER span with a CONSUMER child. Each calling span counts once (its first such child); a
 * child of the same service makes no edge. Tempo pairs the two spans within a time window across
 * traces' spans as they stream by; here the sampler holds the whole trace, so a pair is found
 * whenever both spans reached the sampler before the decision.
 *
 * <p><b>Services that send no spans.</b> A CLIENT span with no SERVER child (a database, a cache,
 * an outside API) is a request to the service its attributes name, the first of {@link
 * #PEER_ATTRIBUTES} it carries as a non-empty string: {@code peer.service} (named by the caller on
 * purpose), then the database system ({@code db.system.name}, older {@code db.system}: {@code
 * postgresql}, {@code redis}), then the database's name ({@code db.namespace}, older {@code
 * db.name}) for a span that gives no system, then the host ({@code server.address}, older {@code
 * net.peer.name}). Tempo and the Collector's servicegraph connector name such a "virtual node"
 * from {@code peer.service}, {@code db.name}, {@code db.system} by default, in that order, so a
 * database node there is named after the database ({@code shop}); here after its system, which
 * reads better on a map and matches what a span always carries (the semantic conventions require
 * the system, not the name). A user who wants one node per database sets {@code peer.service}. A
 * host also names the server of a call whose SERVER span did not reach the sampler in time (a
 * late span). Without any of these attributes the client span makes no edge. For such an edge the
 * server latency is the client span's duration, as Tempo records a database call: the only
 * measure of the answer.
 *
 * <p><b>Failures</b> follow the one error definition ({@link SpanFields#isError()}): a request
 * failed when its client or its server span is an error (Tempo: status ERROR only).
 *
 * <p><b>Bounded.</b> At most {@code maxEdges} edges; requests of further edges are not kept,
 * only counted ({@link #overflowRequests()}).
 */
public final class ServiceGraph {

  public static final int DEFAULT_MAX_EDGES = 10_000;

  /** The attributes a CLIENT span without a SERVER child names its server by, first found wins. */
  public static final List<String> PEER_ATTRIBUTES =
      List.of(
          "peer.service",
          "db.system.name",
          "db.system",
          "db.namespace",
          "db.name",
          "server.address",
          "net.peer.name");

  private static final int KIND_SERVER = 2;
  private static final int KIND_CLIENT = 3;
  private static final int KIND_PRODUCER = 4;
  private static final int KIND_CONSUMER = 5;
  /** Pairing by scanning is cheaper than hashing up to about this many comparisons. */
  private static final int SCAN_LIMIT = 256;

  // Counters of an edge, per stripe.
  private static final int BUCKETS = LatencyHistogram.BUCKETS;
  private static final int CLIENT_SUM = BUCKETS;
  private static final int SERVER = BUCKETS + 1;
  private static final int SERVER_SUM = SERVER + BUCKETS;
  private static final int FAILURES = SERVER_SUM + 1;
  private static final int WIDTH = FAILURES + 1;

  private final int maxEdges;
  /** Client service to server service to edge: looked up without making a key. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Edge>> edges =
      new ConcurrentHashMap<>();
  private final AtomicInteger edgeCount = new AtomicInteger();
  private final LongAdder overflowRequests = new LongAdder();

  public ServiceGraph() {
    this(DEFAULT_MAX_EDGES);
  }

  public ServiceGraph(int maxEdges) {
    if (maxEdges < 1) {
      throw new IllegalArgumentException("maxEdges must be positive, got " + maxEdges);
    }
    this.maxEdges = maxEdges;
  }

  /** Counts the requests of one decided trace, from its buffered spans (in any order). */
  public void record(List<WireSpan> spans) {
    List<Hop> callers = new ArrayList<>();
    List<Hop> answerers = new ArrayList<>();
    for (WireSpan span : spans) {
      HopReader.Frame frame = HopReader.frame(span.bytes());
      int kind = frame.kind();
      if (kind == KIND_CLIENT || kind == KIND_PRODUCER) {
        callers.add(new Hop(span, frame));
      } else if ((kind == KIND_SERVER || kind == KIND_CONSUMER) && !span.isRoot()) {
        answerers.add(new Hop(span, frame));
      }
    }
    if (callers.isEmpty()) {
      return;
    }
    pair(callers, answerers);
    for (Hop caller : callers) {
      if (!caller.paired && caller.frame.kind() == KIND_CLIENT) {
        String peer = HopReader.peerName(caller.span.bytes());
        if (peer != null && !peer.equals(caller.service)) {
          long nanos = caller.frame.durationNanos();
          request(caller.service, peer, nanos, nanos, caller.isError());
        }
      }
    }
  }

  /** Each answering span to the calling span it is the child of, one answer per call. */
  private void pair(List<Hop> callers, List<Hop> answerers) {
    Map<Long, Hop> bySpanId = null;
    if ((long) callers.size() * answerers.size() > SCAN_LIMIT) {
      bySpanId = new HashMap<>(callers.size() * 2);
      for (Hop caller : callers) {
        bySpanId.putIfAbsent(caller.spanId, caller);
      }
    }
    for (Hop answer : answerers) {
      Hop caller = bySpanId != null ? bySpanId.get(answer.parentSpanId) : scan(callers, answer.parentSpanId);
      if (caller == null
          || caller.paired
          || (caller.frame.kind() == KIND_CLIENT
              ? answer.frame.kind() != KIND_SERVER
              : answer.frame.kind() != KIND_CONSUMER)) {
        continue;
      }
      caller.paired = true;
      if (!caller.service.equals(answer.service)) {
        request(caller.service, answer.service, caller.frame.durationNanos(), answer.frame.durationNanos(),
            caller.isError() || answer.isError());
      }
    }
  }

  private static Hop scan(List<Hop> callers, long spanId) {
    for (Hop caller : callers) {
      if (caller.spanId == spanId) {
        return caller;
      }
    }
    return null;
  }

  private void request(String client, String server, long clientNanos, long serverNanos, boolean failed) {
    Edge edge = edgeFor(client, server);
    if (edge == null) {
      overflowRequests.increment();
    } else {
      edge.add(clientNanos, serverNanos, failed);
    }
  }

  private Edge edgeFor(String client, String server) {
    ConcurrentHashMap<String, Edge> servers = edges.get(client);
    if (servers != null) {
      Edge edge = servers.get(server);
      if (edge != null) {
        return edge;
      }
    }
    int n = edgeCount.get();
    while (n < maxEdges) {
      if (edgeCount.compareAndSet(n, n + 1)) {
        Edge fresh = new Edge();
        Edge raced = edges.computeIfAbsent(client, c -> new ConcurrentHashMap<>()).putIfAbsent(server, fresh);
        if (raced != null) {
          edgeCount.decrementAndGet(); // another thread made it first
          return raced;
        }
        return fresh;
      }
      n = edgeCount.get();
    }
    return servers == null ? null : servers.get(server);
  }

  /** Every edge counted so far; ordered by nothing. */
  public List<ServiceEdge> snapshot() {
    List<ServiceEdge> all = new ArrayList<>();
    edges.forEach(
        (client, servers) ->
            servers.forEach(
                (server, edge) -> {
                  long[] sum = edge.counters.sum();
                  all.add(
                      new ServiceEdge(
                          client,
                          server,
                          sum[FAILURES],
                          new LatencyHistogram(Arrays.copyOfRange(sum, 0, BUCKETS), sum[CLIENT_SUM]),
                          new LatencyHistogram(Arrays.copyOfRange(sum, SERVER, SERVER + BUCKETS), sum[SERVER_SUM])));
                }));
    return all;
  }

  /** Requests not kept because their edge would have passed the bound. */
  public long overflowRequests() {
    return overflowRequests.sum();
  }

  /**
   * Shows the edges on the registry's Prometheus scrape under Tempo's names, read from {@link
   * #snapshot()} at each scrape. Once per registry.
   */
  public void bindTo(PrometheusMeterRegistry registry) {
    registry.getPrometheusRegistry().register(new ServiceGraphCollector(this));
  }

  /** What pairing needs of a calling or answering span. */
  private static final class Hop {
    final WireSpan span;
    final HopReader.Frame frame;
    final long spanId;
    final long parentSpanId;
    final String service;
    boolean paired;

    Hop(WireSpan span, HopReader.Frame frame) {
      this.span = span;
      this.frame = frame;
      this.spanId = span.spanId().value();
      this.parentSpanId = span.isRoot() ? 0 : span.parentSpanId().orElseThrow().value();
      this.service = span.origin().serviceName();
    }

    /** The one error definition; a server span's attributes are read only here, when it counts. */
    boolean isError() {
      return HopReader.isError(span.bytes(), frame);
    }
  }

  private static final class Edge {
    final StripedCounters counters = new StripedCounters(WIDTH);

    void add(long clientNanos, long serverNanos, boolean failed) {
      long[] stripe = counters.stripe();
      StripedCounters.add(stripe, LatencyHistogram.bucketOf(clientNanos), 1);
      StripedCounters.add(stripe, CLIENT_SUM, LatencyHistogram.micros(clientNanos));
      StripedCounters.add(stripe, SERVER + LatencyHistogram.bucketOf(serverNanos), 1);
      StripedCounters.add(stripe, SERVER_SUM, LatencyHistogram.micros(serverNanos));
      if (failed) {
        StripedCounters.add(stripe, FAILURES, 1);
      }
    }
  }
}
