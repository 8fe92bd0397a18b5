package io.tailkeep.bench;

import io.tailkeep.query.ApiJson;
import io.tailkeep.query.QueryApi;
import io.tailkeep.query.QueryApiOptions;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanReader;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.store.cassandra.CassandraStorage;
import io.tailkeep.store.cassandra.node.CassandraNode;
import io.tailkeep.store.cassandra.node.EmbeddedCassandra;
import io.tailkeep.ui.jaeger.JaegerApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times the query API through HTTP, as a UI calls it: traces by ID (native tree and Jaeger) and
 * trace searches over an hour of traces in a real single-node Cassandra. Every answer is checked
 * against what was written; a wrong one ends the run. Settings are system properties, see {@code
 * bench/README.md}.
 */
public final class QueryBenchmark {

  private static final Logger LOG = LoggerFactory.getLogger(QueryBenchmark.class);

  private static final int TRACES = Integer.getInteger("bench.traces", 10_000);
  private static final int TRACES_10 = Integer.getInteger("bench.traces10", 200);
  private static final int TRACES_100 = Integer.getInteger("bench.traces100", 200);
  private static final int TRACES_1000 = Integer.getInteger("bench.traces1000", 100);
  // A handler that runs once per request reaches C2 only after several hundred requests, and the
  // compilers were still busy after 1 000 rounds (0.6-1.0 CPU-s in the 600 timed requests of the
  // 1 000-span cases, against 0.1-0.2 after 3 000): so at least this many warm-up rounds, then
  // blocks of them until the compilers are quiet, or the most.
  private static final int WARMUP_ROUNDS = Integer.getInteger("bench.warmupRounds", 1_000);
  private static final int MAX_WARMUP_ROUNDS = Integer.getInteger("bench.maxWarmupRounds", 5_000);
  private static final int WARMUP_BLOCK = 200;
  /** The compilers' CPU per request (both JVMs) in a warm-up block below which they count as quiet. */
  private static final double QUIET_JIT_MS_PER_REQUEST = 0.2;
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 200);
  /** The slowest timed requests of a case listed with their times: the ones its p99 is made of. */
  private static final int SLOWEST_SHOWN = 3;
  /** Only the cases whose name contains this (to profile one); all when empty. */
  private static final String ONLY = System.getProperty("bench.cases", "");
  private static final double MIN_DURATION_SHARE =
      Double.parseDouble(System.getProperty("bench.minDurationShare", "0.03"));
  private static final int LIMIT = 20;
  private static final long SEED = Long.getLong("bench.seed", 42);
  private static final Path WORK_DIRECTORY =
      Path.of(System.getProperty("bench.queryWorkDirectory", "target/bench-query-cassandra")).toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** Issue 11's targets for a trace of 1 000 spans by ID. */
  private static final double TRACE_TARGET_P50_MS = 8;
  private static final double TRACE_TARGET_P99_MS = 25;
  private static final double SEARCH_TARGET_MS = 100;

  /** What was written of one trace: enough to say what every answer must hold. */
  private record Written(String id, int spans, long startNanos, long durationNanos, boolean hasEntryService) {}

  /** One request (or store call) of a case and its time; it has been checked when it returns. */
  private record Sample(long nanos, long bytes) {}

  /**
   * One of a case's slowest timed requests: when it started, so it can be laid beside the two JVMs'
   * GC logs, and what each process spent on it, to tell work from waiting.
   */
  private record Slow(Instant at, long nanos, long apiNanos, long cassandraNanos, long waitingNanos,
      long apiGcMillis) {
    @Override
    public String toString() {
      return String.format(
          "%s %7.2f ms: API CPU %.2f ms, its GC pauses %d ms; C* CPU %.2f ms;"
              + " both processes' threads queued for a CPU %.2f ms",
          at, nanos / 1e6, apiNanos / 1e6, apiGcMillis, cassandraNanos / 1e6, waitingNanos / 1e6);
    }
  }

  @FunctionalInterface
  private interface Probe {
    Sample run(int round) throws Exception;
  }

  private static final class Case {
    final String name;
    final String target; // "trace" / "search" / null (no target)
    final Probe probe;
    final Histogram latencies = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    final PriorityQueue<Slow> slowest = new PriorityQueue<>(Comparator.comparingLong(Slow::nanos));
    long bytes;
    long cassandraNanos;
    long apiNanos;
    long waitingNanos;

    Case(String name, String target, Probe probe) {
      this.name = name;
      this.target = target;
      this.probe = probe;
    }

    /** Drops what the warm-up recorded. */
    void forget() {
      latencies.reset();
      slowest.clear();
      bytes = 0;
      cassandraNanos = 0;
      apiNanos = 0;
      waitingNanos = 0;
    }
  }

  private final TraceFactory factory = new TraceFactory(SEED);
  private final Map<String, Written> written = new HashMap<>();
  private final Map<Integer, List<String>> idsBySize = new HashMap<>();
  private final List<String> report = new ArrayList<>();
  private final List<String> loads = new ArrayList<>();
  private List<Written> slowestFirst;
  private long cassandraPid;
  private final Map<Long, String> cassandraThreads = new HashMap<>();
  private final Map<Long, String> benchThreads = new HashMap<>();
  private List<Written> newestFirst;
  private long minDurationNanos;
  private String minDuration;

  public static void main(String[] args) throws Exception {
    QueryBenchmark bench = new QueryBenchmark();
    bench.noteLoad("at start");
    wipe(WORK_DIRECTORY); // a fresh node each run, so runs compare
    LOG.info("Starting Cassandra in {}", WORK_DIRECTORY);
    long started = System.nanoTime();
    try (CassandraNode node = EmbeddedCassandra.builder().workDirectory(WORK_DIRECTORY).build().start();
        SpanStore store =
            CassandraStorage.builder()
                .contactPoints(List.of(node.cqlAddress()))
                .localDatacenter(node.localDatacenter())
                .keyspace("bench_query")
                .build()
                .open()) {
      LOG.info("Cassandra answers and the schema is ready after {} ms",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      bench.cassandraPid = node.pid();
      bench.run(store);
    }
  }

  private void run(SpanStore store) throws Exception {
    long now = nowNanos();
    List<SpanBatch> mix = new ArrayList<>(TRACES);
    for (int i = 0; i < TRACES; i++) {
      mix.add(factory.mixedTrace(now));
    }
    write(store, mix, "mixed traces over the last hour");
    mix.clear(); // only their Written records are needed from here on
    for (int size : new int[] {10, 100, 1_000}) {
      int count = size == 10 ? TRACES_10 : size == 100 ? TRACES_100 : TRACES_1000;
      List<SpanBatch> batches = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        batches.add(factory.trace(size, now));
      }
      write(store, batches, "traces of exactly " + size + " spans");
      idsBySize.put(size, batches.stream().map(b -> b.traceId().toHex()).toList());
    }
    // What the searches for the entry service can find: the traces with a span of it.
    List<Written> searched = written.values().stream().filter(Written::hasEntryService).toList();
    slowestFirst = searched.stream().sorted(Comparator.comparingLong(Written::durationNanos).reversed()).toList();
    newestFirst = searched.stream().sorted(Comparator.comparingLong(Written::startNanos).reversed()).toList();
    // A threshold that a few percent of the hour's traces reach, in whole milliseconds.
    long share = slowestFirst.get((int) (slowestFirst.size() * MIN_DURATION_SHARE)).durationNanos();
    minDurationNanos = TimeUnit.MILLISECONDS.toNanos(TimeUnit.NANOSECONDS.toMillis(share));
    minDuration = TimeUnit.NANOSECONDS.toMillis(minDurationNanos) + "ms";
    long reaching = slowestFirst.stream().filter(w -> w.durationNanos() >= minDurationNanos).count();
    report.add(String.format("minDuration=%s: %,d of the %,d traces of %s (%.1f %%) reach it",
        minDuration, reaching, searched.size(), TraceFactory.ENTRY_SERVICE, 100.0 * reaching / searched.size()));

    Vertx vertx = Vertx.vertx();
    try {
      Router router = Router.router(vertx);
      QueryApi.mount(router, store.reader(), QueryApiOptions.defaults());
      JaegerApi.mount(router, store.reader());
      HttpServer server =
          await(vertx.createHttpServer(ApiJson.serverOptions()).requestHandler(router).listen(0, "127.0.0.1"));
      LOG.info("Query API on port {}", server.actualPort());
      List<Case> cases = cases(new ApiClient(server.actualPort()), store.reader());
      measure(ONLY.isEmpty() ? cases : cases.stream().filter(c -> c.name.contains(ONLY)).toList());
    } finally {
      await(vertx.close());
    }
    printSummary();
  }

  private List<Case> cases(ApiClient client, SpanReader reader) {
    List<Case> cases = new ArrayList<>();
    for (int size : new int[] {10, 100, 1_000}) {
      List<String> ids = idsBySize.get(size);
      cases.add(new Case(
          "GET /api/v1/traces/{id}, " + size + " spans",
          size == 1_000 ? "trace" : null,
          round -> checkTree(client.get(QueryApi.TRACES_PATH + "/" + ids.get(round % ids.size())))));
    }
    List<String> big = idsBySize.get(1_000);
    cases.add(new Case("GET /api/traces/{id} (Jaeger), 1000 spans", "trace",
        round -> checkJaegerTrace(client.get("/api/traces/" + big.get(round % big.size())))));
    cases.add(new Case("GET /api/v1/traces 1 h, sort=duration", "search",
        round -> nativeSearch(client, "duration", null)));
    cases.add(new Case("GET /api/v1/traces 1 h, sort=duration, minDuration=" + minDuration, "search",
        round -> nativeSearch(client, "duration", minDuration)));
    cases.add(new Case("GET /api/v1/traces 1 h, sort=start", "search",
        round -> nativeSearch(client, "start", null)));
    cases.add(new Case("GET /api/traces (Jaeger) lookback=1h", "search",
        round -> jaegerSearch(client)));
    // The same store calls without HTTP, to tell the API's share from the store's.
    cases.add(new Case("store getTrace, 1000 spans", null,
        round -> storeGetTrace(reader, big.get(round % big.size()), 1_000)));
    cases.add(new Case("store findTraces SLOWEST_FIRST, 1 h", null,
        round -> storeSlowest(reader, 0)));
    cases.add(new Case("store findTraces SLOWEST_FIRST, 1 h, minDuration", null,
        round -> storeSlowest(reader, minDurationNanos)));
    return cases;
  }

  /**
   * Round-robin, one request at a time: every case sees the same background (the node flushing
   * and compacting what was just written, other processes), so the rows compare.
   */
  private void measure(List<Case> cases) throws Exception {
    LOG.info("Warm-up: {} to {} rounds of {} cases", WARMUP_ROUNDS, MAX_WARMUP_ROUNDS, cases.size());
    // The same loop as the timed one, CPU readings included: code first run in the timed rounds
    // has the JIT compiling beside the timed requests (0.9 CPU-s in 600 of them, on two cores).
    int warmup = 0;
    int minimum = Math.min(WARMUP_ROUNDS, MAX_WARMUP_ROUNDS);
    int last = 0;
    double jitMsPerRequest = Double.NaN;
    while (warmup < minimum || (warmup < MAX_WARMUP_ROUNDS && !(jitMsPerRequest <= QUIET_JIT_MS_PER_REQUEST))) {
      long compiling = compilingNanos(ProcessHandle.current().pid(), benchThreads)
          + compilingNanos(cassandraPid, cassandraThreads);
      last = warmup < minimum ? minimum - warmup : Math.min(WARMUP_BLOCK, MAX_WARMUP_ROUNDS - warmup);
      for (int i = 0; i < last; i++, warmup++) {
        for (Case c : cases) {
          run(c, warmup);
        }
      }
      jitMsPerRequest = (compilingNanos(ProcessHandle.current().pid(), benchThreads)
          + compilingNanos(cassandraPid, cassandraThreads) - compiling) / 1e6 / last / cases.size();
    }
    report.add(String.format(
        "%,d warm-up rounds; in the last %,d the JIT compilers (both JVMs) took %.2f ms of CPU per request",
        warmup, last, jitMsPerRequest));
    for (Case c : cases) {
      c.forget();
    }
    noteLoad("after the warm-up");
    LOG.info("Timing {} rounds", ROUNDS);
    long compilingBefore = compilingNanos(ProcessHandle.current().pid(), benchThreads);
    long cassandraCompilingBefore = compilingNanos(cassandraPid, cassandraThreads);
    long started = System.nanoTime();
    for (int round = 0; round < ROUNDS; round++) {
      for (Case c : cases) {
        run(c, round);
      }
    }
    noteLoad("at the end");
    report.add(String.format("%,d timed rounds in %.1f s, one request at a time", ROUNDS,
        (System.nanoTime() - started) / 1e9));
    report.add(String.format(
        "JIT compilers during them: %.2f CPU-s in the API's JVM, %.2f in Cassandra's",
        (compilingNanos(ProcessHandle.current().pid(), benchThreads) - compilingBefore) / 1e9,
        (compilingNanos(cassandraPid, cassandraThreads) - cassandraCompilingBefore) / 1e9));
    report.add("");
    report.add("service=" + TraceFactory.ENTRY_SERVICE + " (most traces' root), limit=" + LIMIT
        + " in every search; KiB: mean answer size");
    report.add("C* ms: the Cassandra node's CPU per request, its compaction and flush threads left out");
    report.add("API ms: the API's threads' CPU per request (Vert.x's, the Cassandra driver's, the store's),");
    report.add("  GC, JIT and the benchmark's own client left out: a figure that compares on a busy machine");
    report.add(String.format("%-58s %5s %8s %8s %8s %8s %6s %6s  %s", "case", "runs", "p50 ms", "p99 ms",
        "max ms", "KiB", "C* ms", "API ms", "target"));
    for (Case c : cases) {
      Histogram h = c.latencies;
      double p50 = h.getValueAtPercentile(50) / 1e6;
      double p99 = h.getValueAtPercentile(99) / 1e6;
      String verdict =
          c.target == null
              ? ""
              : c.target.equals("trace")
                  ? judge(p50, p99, TRACE_TARGET_P50_MS, TRACE_TARGET_P99_MS)
                  : judge(p99, SEARCH_TARGET_MS);
      String size = c.bytes == 0 ? "-" : String.format("%.1f", c.bytes / 1024.0 / h.getTotalCount());
      String row = String.format("%-58s %5d %8.2f %8.2f %8.2f %8s %6.2f %6.2f  %s", c.name, h.getTotalCount(),
          p50, p99, h.getMaxValue() / 1e6, size, c.cassandraNanos / 1e6 / h.getTotalCount(),
          c.apiNanos / 1e6 / h.getTotalCount(), verdict);
      LOG.info(row.strip().replaceAll(" +", " "));
      report.add(row);
    }
    report.add("");
    report.add("the " + SLOWEST_SHOWN + " slowest timed requests of each case with a target on a trace:");
    for (Case c : cases) {
      if ("trace".equals(c.target)) {
        report.add(String.format("  %s (a mean request: both processes' threads queued for a CPU %.2f ms)", c.name,
            c.waitingNanos / 1e6 / c.latencies.getTotalCount()));
        c.slowest.stream().sorted(Comparator.comparing(Slow::at)).forEach(slow -> report.add("    " + slow));
      }
    }
  }

  /** One request of a case, with the CPU both processes spent on it. */
  private void run(Case c, int round) throws Exception {
    Instant at = Instant.now();
    long gcBefore = apiGcMillis();
    ProcessCpu.ThreadTimes cassandraBefore = servingTimes();
    ProcessCpu.ThreadTimes apiBefore = apiTimes();
    Sample sample = c.probe.run(round);
    ProcessCpu.ThreadTimes api = apiTimes().since(apiBefore);
    ProcessCpu.ThreadTimes cassandra = servingTimes().since(cassandraBefore);
    long waiting = api.waiting() + cassandra.waiting();
    c.apiNanos += api.running();
    c.cassandraNanos += cassandra.running();
    c.waitingNanos += waiting;
    c.latencies.recordValue(sample.nanos());
    c.bytes += sample.bytes();
    if ("trace".equals(c.target)) { // only these cases' slowest are reported
      c.slowest.add(
          new Slow(at, sample.nanos(), api.running(), cassandra.running(), waiting, apiGcMillis() - gcBefore));
      if (c.slowest.size() > SLOWEST_SHOWN) {
        c.slowest.poll();
      }
    }
  }

  /** The pauses of this JVM's collectors so far (G1's young and mixed ones; Remark not counted on JDK 17). */
  private static long apiGcMillis() {
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      millis += Math.max(0, gc.getCollectionTime());
    }
    return millis;
  }

  private static String judge(double p99, double targetMs) {
    return String.format("p99 <= %.0f ms: %s", targetMs, p99 <= targetMs ? "hit" : "MISS");
  }

  private static String judge(double p50, double p99, double p50Target, double p99Target) {
    return String.format("p50 <= %.0f ms: %s, p99 <= %.0f ms: %s", p50Target, p50 <= p50Target ? "hit" : "MISS",
        p99Target, p99 <= p99Target ? "hit" : "MISS");
  }

  /** CPU of a process's JIT compiler threads so far. */
  private static long compilingNanos(long pid, Map<Long, String> threads) throws IOException {
    return ProcessCpu.threadTimes(pid, name -> name.contains("CompilerThre"), threads).running();
  }

  /**
   * The node's threads that serve requests, and their times so far: every thread but compaction
   * and memtable flushes, which work off what was written before the timed rounds and would drown
   * one read's share.
   */
  private ProcessCpu.ThreadTimes servingTimes() throws IOException {
    return ProcessCpu.threadTimes(
        cassandraPid,
        name -> !name.startsWith("Compaction") && !name.contains("Memtable") && !name.contains("Flush"),
        cassandraThreads);
  }

  /**
   * This JVM's API threads, and their times so far: Vert.x's event loops and workers, the Cassandra
   * driver's session threads and the store's search pool (names as the kernel keeps them, cut to
   * 15 characters).
   */
  private ProcessCpu.ThreadTimes apiTimes() throws IOException {
    return ProcessCpu.threadTimes(
        ProcessHandle.current().pid(),
        name -> name.startsWith("vert.x-") || name.startsWith("s0-") || name.startsWith("tailkeep-"),
        benchThreads);
  }

  // --- the cases, each checking its answer against what was written ---

  /** The native tree must hold every span of the trace, counted node by node. */
  private Sample checkTree(ApiClient.Response response) {
    JsonObject json = response.json();
    Written trace = written.get(json.getString("traceId"));
    if (trace == null) {
      response.fail("an unknown trace ID in the answer");
    }
    int nodes = 0;
    Deque<JsonObject> pending = new ArrayDeque<>();
    json.getJsonArray("roots").forEach(root -> pending.push((JsonObject) root));
    while (!pending.isEmpty()) {
      nodes++;
      pending.pop().getJsonArray("children").forEach(child -> pending.push((JsonObject) child));
    }
    if (!response.target().endsWith(trace.id())
        || nodes != trace.spans()
        || json.getInteger("shownSpanCount") != trace.spans()
        || json.getJsonObject("summary").getInteger("spanCount") != trace.spans()) {
      response.fail(nodes + " spans in the tree (shownSpanCount " + json.getInteger("shownSpanCount")
          + "), " + trace.spans() + " written");
    }
    return new Sample(response.nanos(), response.body().length);
  }

  private Sample checkJaegerTrace(ApiClient.Response response) {
    JsonArray data = response.json().getJsonArray("data");
    if (data.size() != 1) {
      response.fail(data.size() + " traces in data");
    }
    checkJaegerSpans(response, data.getJsonObject(0));
    return new Sample(response.nanos(), response.body().length);
  }

  private void checkJaegerSpans(ApiClient.Response response, JsonObject trace) {
    Written expected = written.get(trace.getString("traceID"));
    int spans = trace.getJsonArray("spans").size();
    if (expected == null || spans != expected.spans()) {
      response.fail("trace " + trace.getString("traceID") + " has " + spans + " spans, "
          + (expected == null ? "was never written" : expected.spans() + " written"));
    }
  }

  /**
   * {@code sort=duration}: the page must be exactly the window's slowest traces (above {@code
   * minDuration} when given); {@code sort=start}: exactly its newest.
   */
  private Sample nativeSearch(ApiClient client, String sort, String minDurationParam) throws Exception {
    Instant end = Instant.now();
    Instant start = end.minus(Duration.ofHours(1));
    String target = QueryApi.TRACES_PATH + "?service=" + TraceFactory.ENTRY_SERVICE
        + "&start=" + encode(start.toString()) + "&end=" + encode(end.toString())
        + "&sort=" + sort + "&limit=" + LIMIT
        + (minDurationParam == null ? "" : "&minDuration=" + minDurationParam);
    ApiClient.Response response = client.get(target);
    JsonObject json = response.json();
    List<String> found = new ArrayList<>();
    for (Object trace : json.getJsonArray("traces")) {
      JsonObject summary = (JsonObject) trace;
      found.add(summary.getString("traceId"));
      Written w = written.get(summary.getString("traceId"));
      if (w == null || summary.getInteger("spanCount") != w.spans()
          || summary.getLong("durationNanos") != w.durationNanos()) {
        response.fail("a summary that differs from what was written: " + summary.encode());
      }
    }
    long min = minDurationParam == null ? 0 : minDurationNanos;
    List<Written> matching = sort.equals("duration") ? slowestFirst : newestFirst;
    List<String> expected = expectedPage(matching, start, end, min, LIMIT);
    if (!found.equals(expected)) {
      response.fail(found.size() + " traces " + found + ", expected " + expected.size() + " " + expected);
    }
    if (expectedPage(matching, start, end, min, LIMIT + 1).size() > LIMIT && json.getString("next") == null) {
      response.fail("no next page though more traces match");
    }
    return new Sample(response.nanos(), response.body().length);
  }

  /** Newest first, every trace whole: exactly the hour's newest, each with all its spans. */
  private Sample jaegerSearch(ApiClient client) throws Exception {
    Instant end = Instant.now();
    ApiClient.Response response =
        client.get("/api/traces?service=" + TraceFactory.ENTRY_SERVICE + "&lookback=1h&limit=" + LIMIT);
    JsonArray data = response.json().getJsonArray("data");
    List<String> found = new ArrayList<>();
    for (Object trace : data) {
      checkJaegerSpans(response, (JsonObject) trace);
      found.add(((JsonObject) trace).getString("traceID"));
    }
    List<String> expected = expectedPage(newestFirst, end.minus(Duration.ofHours(1)), end, 0, LIMIT);
    if (!found.equals(expected)) {
      response.fail(found.size() + " traces " + found + ", expected " + expected.size() + " " + expected);
    }
    return new Sample(response.nanos(), response.body().length);
  }

  private Sample storeGetTrace(SpanReader reader, String id, int spans) throws Exception {
    long start = System.nanoTime();
    Optional<Trace> trace = await(reader.getTrace(TraceId.fromHex(id)));
    long nanos = System.nanoTime() - start;
    int read = trace.map(t -> t.spans().size()).orElse(0);
    if (read != spans) {
      throw new IllegalStateException("getTrace " + id + " read " + read + " of " + spans + " spans");
    }
    return new Sample(nanos, 0);
  }

  /** As the native search asks the store: limit + 1, to know whether there is a next page. */
  private Sample storeSlowest(SpanReader reader, long minNanos) throws Exception {
    Instant end = Instant.now();
    Instant start = end.minus(Duration.ofHours(1));
    TraceQuery.Builder query =
        TraceQuery.builder()
            .service(TraceFactory.ENTRY_SERVICE)
            .window(start, end)
            .limit(LIMIT + 1)
            .order(TraceQuery.Order.SLOWEST_FIRST);
    if (minNanos > 0) {
      query.minDuration(Duration.ofNanos(minNanos));
    }
    long started = System.nanoTime();
    List<TraceSummary> found = await(reader.findTraces(query.build()));
    long nanos = System.nanoTime() - started;
    List<String> ids = found.stream().map(s -> s.traceId().toHex()).toList();
    List<String> expected = expectedPage(slowestFirst, start, end, minNanos, LIMIT + 1);
    if (!ids.equals(expected)) {
      throw new IllegalStateException("findTraces SLOWEST_FIRST found " + ids + ", expected " + expected);
    }
    return new Sample(nanos, 0);
  }

  /** The first {@code limit} of {@code ordered} that start in [start, end] and last at least minNanos. */
  private static List<String> expectedPage(
      List<Written> ordered, Instant start, Instant end, long minNanos, int limit) {
    long from = epochNanos(start);
    long to = epochNanos(end);
    List<String> page = new ArrayList<>(limit);
    for (Written w : ordered) {
      if (page.size() == limit) {
        break;
      }
      if (w.startNanos() >= from && w.startNanos() <= to && w.durationNanos() >= minNanos) {
        page.add(w.id());
      }
    }
    return page;
  }

  // --- writing, as StoreBenchmark writes ---

  /**
   * Writes every batch through {@link StoreBenchmark#write} (bounded in flight, as the store queue
   * does) and remembers what each trace holds. Any failed write ends the benchmark.
   */
  private void write(SpanStore store, List<SpanBatch> batches, String what) throws InterruptedException {
    int spans = 0;
    for (SpanBatch batch : batches) {
      long first = batch.summary().startNanos();
      long last = batch.summary().endNanos();
      String id = batch.traceId().toHex();
      boolean entry = batch.summary().services().contains(TraceFactory.ENTRY_SERVICE);
      written.put(id, new Written(id, batch.spans().size(), first, last - first, entry));
      spans += batch.spans().size();
    }
    LOG.info("Writing {} {}: {} spans", batches.size(), what, spans);
    // Written as the store benchmark writes: bounded in flight, any failure ends the run.
    double seconds = StoreBenchmark.write(store, batches) / 1e9;
    report.add(String.format("wrote %,d %s, %,d spans, in %.1f s (%,.0f spans/s)",
        batches.size(), what, spans, seconds, spans / seconds));
  }

  // --- reporting ---

  private void noteLoad(String when) throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
    String line = String.format("load average %s: %s %s %s (1, 5, 15 min)", when, fields[0], fields[1], fields[2]);
    LOG.info(line);
    loads.add(line);
  }

  private void printSummary() {
    Runtime runtime = Runtime.getRuntime();
    System.out.println();
    System.out.println("Tailkeep query API benchmark: HTTP/1.1 on 127.0.0.1, one embedded Cassandra node (-Xmx1g)");
    System.out.printf("machine %d cores, %s %s, max heap %,d MiB, %s %s%n", runtime.availableProcessors(),
        System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
        runtime.maxMemory() >> 20, System.getProperty("os.name"), System.getProperty("os.arch"));
    loads.forEach(System.out::println);
    System.out.println();
    report.forEach(System.out::println);
    System.out.println();
  }

  // --- plumbing ---

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return await(future.toCompletionStage());
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static long epochNanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  private static long nowNanos() {
    return epochNanos(Instant.now());
  }

  private static void wipe(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
