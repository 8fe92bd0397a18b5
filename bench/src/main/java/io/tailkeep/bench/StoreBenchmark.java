package io.tailkeep.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.store.cassandra.CassandraStorage;
import io.tailkeep.store.cassandra.node.CassandraNode;
import io.tailkeep.store.cassandra.node.EmbeddedCassandra;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a realistic span mix into a real single-node Cassandra through the span store, then times
 * trace reads and searches. Settings are system properties, see {@code bench/README.md}.
 */
public final class StoreBenchmark {

  private static final Logger LOG = LoggerFactory.getLogger(StoreBenchmark.class);

  private static final int SPANS = Integer.getInteger("bench.spans", 200_000);
  private static final int WARMUP_SPANS = Integer.getInteger("bench.warmupSpans", 20_000);
  private static final int IN_FLIGHT = Integer.getInteger("bench.inFlight", 64);
  private static final int READ_TRACES = Integer.getInteger("bench.readTraces", 200);
  private static final int READ_TRACES_1000 = Integer.getInteger("bench.readTraces1000", 100);
  private static final int QUERIES = Integer.getInteger("bench.queries", 200);
  private static final long SEED = Long.getLong("bench.seed", 42);
  private static final Path WORK_DIRECTORY =
      Path.of(System.getProperty("bench.workDirectory", "target/bench-cassandra")).toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final TraceFactory traces = new TraceFactory(SEED);
  private final List<String> report = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    wipe(WORK_DIRECTORY); // a fresh node each run, so runs compare
    LOG.info("Starting Cassandra in {}", WORK_DIRECTORY);
    long started = System.nanoTime();
    try (CassandraNode node = EmbeddedCassandra.builder().workDirectory(WORK_DIRECTORY).build().start();
        SpanStore store =
            CassandraStorage.builder()
                .contactPoints(List.of(node.cqlAddress()))
                .localDatacenter(node.localDatacenter())
                .keyspace("bench")
                .build()
                .open()) {
      LOG.info("Cassandra answers and the schema is ready after {} ms", millis(System.nanoTime() - started));
      new StoreBenchmark().run(store, node);
    }
    // Both are closed here: the store first, then the node (try-with-resources closes in reverse).
  }

  private void run(SpanStore store, CassandraNode node) throws Exception {
    long cassandraPid = node.pid();
    LOG.info("Warm-up: writing {} spans", WARMUP_SPANS);
    write(store, mixedTraces(WARMUP_SPANS));

    List<SpanBatch> mix = mixedTraces(SPANS);
    int spans = mix.stream().mapToInt(b -> b.spans().size()).sum();
    LOG.info("Writing {} spans in {} traces, {} traces in flight", spans, mix.size(), IN_FLIGHT);
    long selfPid = ProcessHandle.current().pid();
    String loadBefore = ProcessCpu.loadAverage();
    long cassandraCpuBefore = ProcessCpu.nanos(cassandraPid);
    long selfCpuBefore = ProcessCpu.nanos(selfPid);
    long requestsBefore = cqlRequests(node);
    long nanos = write(store, mix);
    double cassandraCpu = (ProcessCpu.nanos(cassandraPid) - cassandraCpuBefore) / 1e9;
    long requests = cqlRequests(node) - requestsBefore;
    double selfCpu = (ProcessCpu.nanos(selfPid) - selfCpuBefore) / 1e9;
    double seconds = nanos / 1e9;
    report.add(String.format("write   %,d spans in %,d traces in %.1f s: %,.0f spans/s, %,.0f traces/s",
        spans, mix.size(), seconds, spans / seconds, mix.size() / seconds));
    // CPU time, unlike the rates, hardly depends on what else the machine runs: compare these.
    report.add(String.format("        Cassandra CPU %.1f s: %.2f Cassandra CPU-s per 100 000 stored spans",
        cassandraCpu, cassandraCpu * 100_000 / spans));
    report.add(String.format("        %,d CQL requests (Cassandra's count): %.1f a trace",
        requests, (double) requests / mix.size()));
    report.add(String.format("        benchmark JVM CPU %.1f s (store, driver, GC, JIT): %.2f CPU-s per 100 000 spans",
        selfCpu, selfCpu * 100_000 / spans));
    report.add(String.format("        load average (1, 5, 15 min) before / after the write: %s / %s",
        loadBefore, ProcessCpu.loadAverage()));

    report.add("");
    report.add(String.format("%-40s %6s %9s %9s %9s", "read", "runs", "p50 ms", "p99 ms", "max ms"));
    for (int size : new int[] {10, 100, 1_000}) {
      timeGetTrace(store, size, size == 1_000 ? READ_TRACES_1000 : READ_TRACES);
    }
    for (TraceQuery.Order order : TraceQuery.Order.values()) {
      timeFindTraces(store, order);
    }
    printSummary();
  }

  private List<SpanBatch> mixedTraces(int spans) {
    long now = nowNanos();
    List<SpanBatch> batches = new ArrayList<>();
    for (int written = 0; written < spans; ) {
      SpanBatch batch = traces.mixedTrace(now);
      batches.add(batch);
      written += batch.spans().size();
    }
    return batches;
  }

  /**
   * Writes every batch with at most {@link #IN_FLIGHT} unfinished, as the sampler's store queue
   * does, and returns the nanoseconds until the last one is durable. Any failed write ends the
   * benchmark: figures over lost writes would flatter the store.
   */
  static long write(SpanStore store, List<SpanBatch> batches) throws InterruptedException {
    Semaphore permits = new Semaphore(IN_FLIGHT);
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    long start = System.nanoTime();
    for (SpanBatch batch : batches) {
      permits.acquire();
      store.writer().write(batch).whenComplete((ok, error) -> {
        if (error != null) {
          failed.incrementAndGet();
          firstFailure.compareAndSet(null, error);
        }
        permits.release();
      });
    }
    permits.acquire(IN_FLIGHT); // every permit back: every write has completed
    long elapsed = System.nanoTime() - start;
    permits.release(IN_FLIGHT);
    if (failed.get() > 0) {
      throw new IllegalStateException(
          failed.get() + " of " + batches.size() + " batch writes failed", firstFailure.get());
    }
    return elapsed;
  }

  private void timeGetTrace(SpanStore store, int size, int count) throws Exception {
    long now = nowNanos();
    List<SpanBatch> batches = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      batches.add(traces.trace(size, now));
    }
    LOG.info("Writing {} traces of {} spans to read back", count, size);
    write(store, batches);

    List<TraceId> ids = batches.stream().map(SpanBatch::traceId).toList();
    Histogram latencies = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    for (boolean warmUp : new boolean[] {true, false}) {
      for (TraceId id : ids) {
        long start = System.nanoTime();
        Optional<Trace> trace = await(store.reader().getTrace(id));
        long elapsed = System.nanoTime() - start;
        int read = trace.map(t -> t.spans().size()).orElse(0);
        if (read != size) { // a fast read of the wrong answer is no result
          throw new IllegalStateException("trace " + id + " read back " + read + " of " + size + " spans");
        }
        if (!warmUp) {
          latencies.recordValue(elapsed);
        }
      }
    }
    addRow(String.format("getTrace, %,d spans", size), latencies);
  }

  private void timeFindTraces(SpanStore store, TraceQuery.Order order) throws Exception {
    Histogram latencies = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    int warmUps = Math.max(1, QUERIES / 10);
    for (int run = 0; run < warmUps + QUERIES; run++) {
      Instant now = Instant.now();
      TraceQuery query =
          TraceQuery.builder()
              .service(TraceFactory.ENTRY_SERVICE)
              .window(now.minus(Duration.ofHours(1)), now)
              .limit(20)
              .order(order)
              .build();
      long start = System.nanoTime();
      List<TraceSummary> found = await(store.reader().findTraces(query));
      long elapsed = System.nanoTime() - start;
      if (found.size() != 20) { // thousands of traces match, so anything else is a bug
        throw new IllegalStateException("findTraces " + order + " found " + found.size() + " of 20");
      }
      if (run >= warmUps) {
        latencies.recordValue(elapsed);
      }
    }
    addRow(String.format("findTraces %s, 1 h, limit 20", order), latencies);
  }

  private void addRow(String name, Histogram h) {
    String row = String.format("%-40s %6d %9.2f %9.2f %9.2f", name, h.getTotalCount(),
        h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6);
    LOG.info(row.strip().replaceAll(" +", " "));
    report.add(row);
  }

  private void printSummary() {
    Runtime runtime = Runtime.getRuntime();
    System.out.println();
    System.out.println("Tailkeep store benchmark: one embedded Cassandra node (-Xmx1g) on the same machine");
    System.out.printf("machine %d cores, %s %s, max heap %,d MiB, %s %s%n", runtime.availableProcessors(),
        System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
        runtime.maxMemory() >> 20, System.getProperty("os.name"), System.getProperty("os.arch"));
    System.out.println();
    report.forEach(System.out::println);
    System.out.println();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static long nowNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  static void wipe(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /**
   * The CQL requests the node has answered on its client connections so far, as it counts them
   * ({@code system_views.clients}); the session this opens adds its own few.
   */
  private static long cqlRequests(CassandraNode node) {
    try (CqlSession session =
        CqlSession.builder()
            .addContactPoint(node.cqlAddress())
            .withLocalDatacenter(node.localDatacenter())
            .build()) {
      long requests = 0;
      for (Row row : session.execute("SELECT request_count FROM system_views.clients")) {
        requests += row.getLong(0);
      }
      return requests;
    }
  }
}
