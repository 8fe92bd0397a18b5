package io.tailkeep.sampler.traffic;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.traffic.LatencyHistogram;
import io.tailkeep.store.wire.AttributeKeys;
import io.tailkeep.store.wire.SpanFieldReader;
import io.tailkeep.store.wire.SpanFields;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * <p><b>When it reads.</b> At the decision a trace's spans were last touched seconds before, so
 * their bytes are no longer in the CPU's caches, and reading every span again costs about what the
 * rules' summary cost when the spans came in. The buffer should note each span as it arrives, from
 * the fields it reads for the rules anyway ({@link TraceHops#add}: its reader names a CLIENT span's
 * peer in the same pass, {@link #PEER_KEYS}), and hand those notes to {@link
 * #record(TraceHops)}, which reads no span. {@link #record(List)} reads the spans itself.
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

  /** {@link #PEER_ATTRIBUTES} for a reader that names a CLIENT span's peer ({@link SpanFields#peer()}). */
  public static final AttributeKeys PEER_KEYS = new AttributeKeys(PEER_ATTRIBUTES, List.of());

  private static final int KIND_SERVER = TraceHops.KIND_SERVER;
  private static final int KIND_CLIENT = TraceHops.KIND_CLIENT;
  private static final int KIND_PRODUCER = TraceHops.KIND_PRODUCER;
  private static final int KIND_CONSUMER = TraceHops.KIND_CONSUMER;
  /** Pairing by scanning is cheaper than hashing up to about this many comparisons. */
  private static final int SCAN_LIMIT = 256;

  // Counters of an edge, per stripe.
  private static final int BUCKETS = LatencyHistogram.BUCKETS;
  private static final int CLIENT_SUM = BUCKETS;
  private static final int SERVER = BUCKETS + 1;
  private static final int SERVER_SUM = SERVER + BUCKETS;
  private static final int FAILURES = SERVER_SUM + 1;
  private static final int WIDTH = FAILURES + 1;

  private static final SpanFieldReader READER = new SpanFieldReader(AttributeKeys.NONE, PEER_KEYS);

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

  /**
   * Counts the requests of one decided trace from its buffered spans (in any order), reading each
   * span again. A buffer that notes its spans as they arrive ({@link TraceHops}) spares the
   * decision that second read of cold bytes: {@link #record(TraceHops)}.
   */
  public void record(List<WireSpan> spans) {
    TraceHops hops = new TraceHops();
    for (WireSpan span : spans) {
      hops.add(span, READER.read(span));
    }
    record(hops);
  }

  /** Counts the requests of one decided trace, from what was noted as its spans arrived. */
  public void record(TraceHops hops) {
    int n = hops.size;
    if (hops.callers == 0) {
      return;
    }
    boolean[] paired = new boolean[n];
    int[] callerById = (long) hops.callers * (n - hops.callers) > SCAN_LIMIT ? callerTable(hops) : null;
    for (int a = 0; a < n; a++) {
      int answerKind = hops.kind(a);
      if (isCaller(answerKind)) {
        continue;
      }
      long parentId = hops.pairingId(a);
      int c = callerById != null ? find(callerById, hops, parentId) : scan(hops, parentId);
      // One answer per call, of the call's kind: a SERVER to a CLIENT, a CONSUMER to a PRODUCER.
      if (c < 0 || paired[c] || answerKind != (hops.kind(c) == KIND_CLIENT ? KIND_SERVER : KIND_CONSUMER)) {
        continue;
      }
      paired[c] = true;
      if (!hops.service(c).equals(hops.service(a))) {
        request(hops.service(c), hops.service(a), hops.durationNanos(c), hops.durationNanos(a),
            hops.isError(c) || hops.isError(a));
      }
    }
    for (int c = 0; c < n; c++) {
      if (!paired[c] && hops.kind(c) == KIND_CLIENT) {
        String peer = hops.peer(c);
        if (!peer.isEmpty() && !peer.equals(hops.service(c))) {
          request(hops.service(c), peer, hops.durationNanos(c), hops.durationNanos(c), hops.isError(c));
        }
      }
    }
  }

  private static boolean isCaller(int kind) {
    return kind == KIND_CLIENT || kind == KIND_PRODUCER;
  }

  /**
   * The trace's callers by span ID, for a trace too large to scan: open addressing over hop
   * numbers plus one (0 is empty), at most half full; the first caller with an ID keeps it.
   */
  private static int[] callerTable(TraceHops hops) {
    int[] table = new int[Integer.highestOneBit(2 * hops.callers - 1) << 2];
    int mask = table.length - 1;
    for (int c = 0; c < hops.size; c++) {
      if (!isCaller(hops.kind(c))) {
        continue;
      }
      long id = hops.pairingId(c);
      int slot = slotOf(id, mask);
      while (table[slot] != 0 && hops.pairingId(table[slot] - 1) != id) {
        slot = (slot + 1) & mask;
      }
      if (table[slot] == 0) {
        table[slot] = c + 1;
      }
    }
    return table;
  }

  private static int find(int[] table, TraceHops hops, long spanId) {
    int mask = table.length - 1;
    for (int slot = slotOf(spanId, mask); table[slot] != 0; slot = (slot + 1) & mask) {
      if (hops.pairingId(table[slot] - 1) == spanId) {
        return table[slot] - 1;
      }
    }
    return -1;
  }

  private static int slotOf(long id, int mask) {
    return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & mask;
  }

  private static int scan(TraceHops hops, long spanId) {
    for (int c = 0; c < hops.size; c++) {
      if (hops.pairingId(c) == spanId && isCaller(hops.kind(c))) {
        return c;
      }
    }
    return -1;
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
