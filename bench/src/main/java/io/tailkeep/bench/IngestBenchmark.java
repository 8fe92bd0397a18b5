package io.tailkeep.bench;

import io.tailkeep.collector.Admission;
import io.tailkeep.collector.GrpcReceiver;
import io.tailkeep.collector.SpanSink;
import io.tailkeep.deploy.demo.ShopKind;
import io.tailkeep.sampler.buffer.BufferStats;
import io.tailkeep.sampler.buffer.DecisionReason;
import io.tailkeep.sampler.buffer.KeptTraceSink;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.traffic.ServiceGraph;
import io.tailkeep.sampler.traffic.SpanMetrics;
import io.tailkeep.store.SpanBatch;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the collector's OTLP/gRPC receiver (Netty, localhost) and the sampler's trace buffer with
 * the default rules, as the product wires them, and measures sustained spans/s per core, Export
 * latency and heap per buffered span. Kept traces go to a counting sink: no storage, so this measures
 * the collector and sampler path, the path the OpenTelemetry Collector's tail-sampling figure measures.
 * Settings are system properties, see {@code bench/README.md}.
 */
public final class IngestBenchmark {

  private static final Logger LOG = LoggerFactory.getLogger(IngestBenchmark.class);

  private static final int CALLERS = Integer.getInteger("bench.callers", 4);
  private static final int SECONDS = Integer.getInteger("bench.seconds", 30);
  private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmupSeconds", 30);
  private static final int WARMUP_ROUND_SPANS = 500_000;
  private static final int MAX_SPANS = Integer.getInteger("bench.maxSpans", 8_000_000);
  /** The buffer's bound in the throughput phase; the product's 256 MiB evicts at about 100 000 spans/s. */
  private static final int BUFFER_MIB = Integer.getInteger("bench.bufferMiB", 1024);
  private static final int HEAP_SPANS = Integer.getInteger("bench.heapSpans", 1_000_000);
  private static final boolean HEAP_HISTOGRAM = Boolean.getBoolean("bench.heapHistogram");
  /** Seconds of sending at half the window's rate, for latency at a load the server keeps up with. */
  private static final int PACED_SECONDS = Integer.getInteger("bench.pacedSeconds", 15);
  private static final double TARGET_PACED_P99_MILLIS = 20;
  /**
   * Whether the buffer counts RED metrics of every span and the service graph, as a server's does
   * (the default); {@code -Dbench.traffic=false} measures without them, for their cost.
   */
  private static final boolean TRAFFIC = Boolean.parseBoolean(System.getProperty("bench.traffic", "true"));
  /**
   * Spans a second the timed window sends at, paced evenly; 0 (the default): as fast as the server
   * takes them. At a fixed rate two builds do the same work, so their CPU a span compares without
   * the feedback of the fastest pace (a faster build holds more traces in flight, a larger buffer).
   */
  private static final int WINDOW_RATE = Integer.getInteger("bench.rate", 0);
  /** Which phases run: {@code throughput}, {@code heap}, or both (the default). */
  private static final String PHASES = System.getProperty("bench.phases", "throughput,heap");

  /** The targets; the OpenTelemetry Collector's tail sampling is published at about 9 000 spans/s per CPU. */
  private static final double TARGET_SPANS_PER_CORE = 250_000;
  private static final double TARGET_HEAP_RATIO = 1.5;

  /** The buffer's default, spelled out because the CPU window waits for it after sending stops. */
  private static final Duration GRACE_PERIOD = Duration.ofSeconds(2);
  private static final long DECIDE_EVERY_MILLIS = 100;
  /** Nothing is decided while the heap is measured. */
  private static final Duration HEAP_PHASE_TIMEOUT = Duration.ofHours(1);

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final List<String> report = new ArrayList<>();
  /** Why the run failed, if it did; the decideDue task adds from its own thread. */
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final long seed = Long.getLong("bench.seed", new SecureRandom().nextLong());

  private double spansPerServerCoreSecond = Double.NaN;
  private double heapRatio = Double.NaN;
  private double pacedP99Millis = Double.NaN;

  public static void main(String[] args) throws Exception {
    new IngestBenchmark().run();
  }

  private void run() throws Exception {
    LOG.info("Seed {} (-Dbench.seed={} repeats this run's traffic)", seed, seed);
    if (PHASES.contains("throughput")) {
      throughput();
    }
    if (PHASES.contains("heap")) {
      heap();
    }
    printSummary();
    if (!problems.isEmpty()) {
      throw new IllegalStateException("ingest benchmark failed: " + String.join("; ", problems));
    }
  }

  /** Counts what the buffer hands over instead of storing it. */
  private static final class KeptCounter implements KeptTraceSink {
    final LongAdder batches = new LongAdder();
    final LongAdder spans = new LongAdder();

    @Override
    public void accept(SpanBatch batch) {
      batches.increment();
      spans.add(batch.spans().size());
    }
  }

  private void throughput() throws Exception {
    KeptCounter kept = new KeptCounter();
    TraceBuffer buffer =
        counting(TraceBuffer.builder())
            .rules(RulesFile.loadDefault())
            .sink(kept)
            .maximumWeightBytes((long) BUFFER_MIB << 20)
            .gracePeriod(GRACE_PERIOD)
            .build();
    AtomicLong peakSpans = new AtomicLong();
    AtomicLong peakBytes = new AtomicLong();
    ScheduledExecutorService scheduler = daemonScheduler("tailkeep-decide-due");
    scheduler.scheduleAtFixedRate(
        () -> {
          try {
            buffer.decideDue();
            BufferStats now = buffer.stats();
            peakSpans.accumulateAndGet(now.bufferedSpans(), Math::max);
            peakBytes.accumulateAndGet(now.bufferedBytes(), Math::max);
          } catch (RuntimeException e) { // a scheduled task that throws stops silently; say so
            LOG.error("decideDue failed", e);
            problems.add("decideDue failed: " + e);
            throw e;
          }
        },
        DECIDE_EVERY_MILLIS,
        DECIDE_EVERY_MILLIS,
        TimeUnit.MILLISECONDS);
    SpanSink sink =
        spans -> {
          buffer.offer(spans);
          return CompletableFuture.completedFuture(Admission.accept());
        };

    // Separate streams for warm-up and window: a trace cut off at the warm-up's end is decided by the
    // idle timeout while the window's requests are made, and must not get late spans in the window.
    ExportTraffic warmUpTraffic = new ExportTraffic(seed, epochNanos());
    ExportTraffic traffic = new ExportTraffic(seed + 1, epochNanos());
    long sentSpans = 0;
    ExportClients.Result timed;
    ExportTraffic.Requests pool;
    long serverCpuNanos;
    long processCpuNanos;
    long cpuWindowNanos;
    long warmUpSpans;
    long gcCount;
    long gcMillis;
    Map<String, Long> serverCpuByThread;
    ExportClients.Result paced = null;
    double pacedRate = 0;
    try (GrpcReceiver receiver =
            GrpcReceiver.onPort(0, sink, GrpcReceiver.DEFAULT_MAX_MESSAGE_BYTES).start();
        ExportClients clients = new ExportClients(receiver.port(), CALLERS)) {
      clients.connect();

      // Warm-up by sending time, in rounds made as they go: per-request code (gRPC, Netty) needs
      // some thousands of requests before C2 has compiled it, or the window pays for the compiling.
      long warmUpNanos = 0;
      double bestRate = 0;
      int round = 0;
      while (warmUpNanos < TimeUnit.SECONDS.toNanos(WARMUP_SECONDS)) {
        ExportTraffic.Requests warmUp = generate(warmUpTraffic, WARMUP_ROUND_SPANS);
        ExportClients.Result warm = clients.send(warmUp.encoded(), Long.MAX_VALUE);
        check(warm, "warm-up");
        long spans = (long) warm.requests() * ExportTraffic.SPANS_PER_REQUEST;
        sentSpans += spans;
        warmUpNanos += warm.wallNanos();
        double rate = spansPerSecond(spans, warm.wallNanos());
        bestRate = Math.max(bestRate, rate);
        LOG.info("Warm-up round {}: {} spans/s, p50 {} ms", ++round, String.format("%,.0f", rate),
            String.format("%.2f", warm.latencyNanos().getValueAtPercentile(50) / 1e6));
      }
      warmUpSpans = sentSpans;

      // Enough for the window at half again the best warm-up rate; sending stops at the window's
      // end, so what is left over is never sent.
      long spans = (long) Math.min(MAX_SPANS, Math.max(WARMUP_ROUND_SPANS, bestRate * SECONDS * 1.5));
      pool = generate(traffic, spans);
      System.gc(); // the generator's garbage is not the server's to collect in the window
      Thread.sleep(GRACE_PERIOD.toMillis() + 500); // the warm-up's complete traces are decided

      LOG.info("Timed: sending for {} s with {} callers", SECONDS, CALLERS);
      long gcCountStart = gcCount();
      long gcMillisStart = gcMillis();
      Map<String, Long> threadCpuStart = ThreadCpu.byGroup();
      long cpuStart = os.getProcessCpuTime();
      long cpuWindowStart = System.nanoTime();
      timed = clients.send(
          pool.encoded(), TimeUnit.SECONDS.toNanos(SECONDS), (double) WINDOW_RATE / ExportTraffic.SPANS_PER_REQUEST);
      // The window's last complete traces are decided one grace period after their last span: that
      // work belongs to the spans sent, so the server's CPU is read after it.
      Thread.sleep(GRACE_PERIOD.toMillis() + 3 * DECIDE_EVERY_MILLIS);
      processCpuNanos = os.getProcessCpuTime() - cpuStart;
      cpuWindowNanos = System.nanoTime() - cpuWindowStart;
      serverCpuByThread = ThreadCpu.since(threadCpuStart, ThreadCpu.byGroup());
      serverCpuNanos = processCpuNanos - timed.clientCpuNanos();
      gcCount = gcCount() - gcCountStart;
      gcMillis = gcMillis() - gcMillisStart;
      sentSpans += (long) timed.requests() * ExportTraffic.SPANS_PER_REQUEST;
      check(timed, "timed window");

      if (PACED_SECONDS > 0) {
        // Half the sustained rate, fresh traces, paced evenly: the latency an exporter sees when
        // the server is not at its limit.
        pacedRate = (double) timed.requests() * ExportTraffic.SPANS_PER_REQUEST / (timed.wallNanos() / 1e9) / 2;
        ExportTraffic.Requests pacedPool = generate(traffic, (long) (pacedRate * PACED_SECONDS * 1.1));
        System.gc();
        Thread.sleep(GRACE_PERIOD.toMillis() + 500);
        LOG.info("Paced: {} spans/s for {} s", String.format("%,.0f", pacedRate), PACED_SECONDS);
        paced =
            clients.send(
                pacedPool.encoded(),
                TimeUnit.SECONDS.toNanos(PACED_SECONDS),
                pacedRate / ExportTraffic.SPANS_PER_REQUEST);
        sentSpans += (long) paced.requests() * ExportTraffic.SPANS_PER_REQUEST;
        check(paced, "paced");
        Thread.sleep(GRACE_PERIOD.toMillis() + 500);
      }
    }
    scheduler.shutdown();
    scheduler.awaitTermination(10, TimeUnit.SECONDS);
    long bufferedBeforeShutdown = buffer.stats().bufferedSpans();
    buffer.decideAll();
    ForkJoinPool.commonPool().awaitQuiescence(10, TimeUnit.SECONDS); // evicted traces' hand-over

    long timedSpans = (long) timed.requests() * ExportTraffic.SPANS_PER_REQUEST;
    double seconds = timed.wallNanos() / 1e9;
    double rate = timedSpans / seconds;
    int cores = Runtime.getRuntime().availableProcessors();
    spansPerServerCoreSecond = timedSpans / (serverCpuNanos / 1e9);
    Histogram latency = timed.latencyNanos();

    report.add(String.format("traffic: %d spans per request, traces of 5-50 spans, %d traces in flight, seed %d",
        ExportTraffic.SPANS_PER_REQUEST, ExportTraffic.TRACES_IN_FLIGHT, seed));
    report.add(String.format("  OTLP size per span        %,.0f B in the requests (resources and scopes shared per request), %,.0f B bare Span",
        (double) pool.requestBytes() / pool.spans(), (double) pool.spanBytes() / pool.spans()));
    keptFraction(List.of(warmUpTraffic, traffic), buffer);
    report.add("");
    report.add(String.format("throughput: %d callers; warm-up %d s (%,d spans), then %d s (%,d spans ready); buffer bound %,d MiB, grace %d s",
        CALLERS, WARMUP_SECONDS, warmUpSpans, SECONDS, pool.spans(), BUFFER_MIB, GRACE_PERIOD.toSeconds()));
    if (timed.requests() == pool.encoded().size()) {
      report.add("  note: every prepared request went before the window's end; raise -Dbench.maxSpans");
    }
    report.add(String.format("  sent                      %,d spans in %,d requests in %.1f s", timedSpans,
        timed.requests(), seconds));
    report.add(String.format("  sustained                 %,.0f spans/s%s", rate,
        WINDOW_RATE > 0 ? String.format(" (paced at %,d: -Dbench.rate)", WINDOW_RATE) : ""));
    report.add(String.format("  per core, server CPU      %,.0f spans per server CPU-second (server %.1f CPU-s = process %.1f - clients %.1f, window + %d ms of deciding)",
        spansPerServerCoreSecond, serverCpuNanos / 1e9, processCpuNanos / 1e9, timed.clientCpuNanos() / 1e9,
        GRACE_PERIOD.toMillis() + 3 * DECIDE_EVERY_MILLIS));
    if (!serverCpuByThread.isEmpty()) {
      StringBuilder split = new StringBuilder();
      serverCpuByThread.forEach((group, nanos) -> {
        if (!group.equals("clients")) {
          split.append(split.length() == 0 ? "" : ", ").append(String.format("%s %.1f", group, nanos / 1e9));
        }
      });
      report.add("  server CPU-s by thread    " + split);
    }
    report.add(String.format("  per core, plain           %,.0f spans/s / %d cores = %,.0f", rate, cores, rate / cores));
    // Below the core count, other processes had the rest: the wall-clock figures suffer, not the CPU ones.
    report.add(String.format("  cores this process got    %.2f of %d on average over the window",
        (double) processCpuNanos / cpuWindowNanos, cores));
    report.add(String.format("  Export latency            p50 %.2f ms, p99 %.2f ms, max %.2f ms (%,d calls, %d in flight)",
        latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6,
        latency.getMaxValue() / 1e6, latency.getTotalCount(), CALLERS));
    if (paced != null) {
      Histogram pacedLatency = paced.latencyNanos();
      pacedP99Millis = pacedLatency.getValueAtPercentile(99) / 1e6;
      report.add(String.format("  paced at half that rate   %,.0f spans/s for %d s: Export p50 %.2f ms, p99 %.2f ms, max %.2f ms (%,d calls)",
          pacedRate, PACED_SECONDS, pacedLatency.getValueAtPercentile(50) / 1e6, pacedP99Millis,
          pacedLatency.getMaxValue() / 1e6, paced.requests()));
    }
    report.add(String.format("  GC in the window          %,d collections, %,d ms", gcCount, gcMillis));
    BufferStats figures = buffer.stats();
    report.add(String.format("  buffer peak               %,d spans, %,d MiB weighed; %,d evictions; decided by %s",
        peakSpans.get(), peakBytes.get() >> 20, figures.evictions(), decidedBy(figures)));

    long late = figures.lateSpansKept() + figures.lateSpansDropped();
    long accounted = figures.bufferedSpans() + figures.spansKept() + figures.spansDropped() + late;
    boolean balanced = accounted == sentSpans;
    report.add(String.format("  accounting                sent %,d = buffered %,d + kept %,d + dropped %,d + late %,d (%,d were buffered at the end, then decideAll): %s",
        sentSpans, figures.bufferedSpans(), figures.spansKept(), figures.spansDropped(), late,
        bufferedBeforeShutdown, balanced ? "ok" : "MISMATCH"));
    if (!balanced) {
      problems.add(String.format("sent %d spans but the buffer accounts for %d", sentSpans, accounted));
    }
    long handedOver = figures.spansKept() + figures.lateSpansKept();
    if (kept.spans.sum() != handedOver || figures.sinkFailures() > 0) {
      problems.add(String.format("the kept sink got %d spans, the buffer kept %d, %d sink failures",
          kept.spans.sum(), handedOver, figures.sinkFailures()));
    }
    Reference.reachabilityFence(pool); // sent as it was prepared; freed only after the figures
  }

  private void keptFraction(List<ExportTraffic> streams, TraceBuffer buffer) {
    double expected = 0;
    long traces = 0;
    for (ExportTraffic stream : streams) {
      for (Map.Entry<ShopKind, Long> kind : stream.tracesByKind().entrySet()) {
        expected += kind.getValue() * kind.getKey().keptShare;
        traces += kind.getValue();
      }
    }
    BufferStats figures = buffer.stats();
    long decided = figures.tracesKept() + figures.tracesDropped();
    long decidedSpans = figures.spansKept() + figures.spansDropped();
    report.add(String.format("  kept                      %.2f %% of %,d traces decided (%.2f %% of spans); the mix aims at %.2f %%",
        100.0 * figures.tracesKept() / decided, decided, 100.0 * figures.spansKept() / decidedSpans,
        100 * expected / traces));
    report.add("  kept by rule              " + figures.tracesKeptByRule());
    report.add("  dropped by rule           " + figures.tracesDroppedByRule());
  }

  private static String decidedBy(BufferStats figures) {
    StringBuilder text = new StringBuilder();
    for (DecisionReason reason : DecisionReason.values()) {
      long count = figures.tracesDecided(reason);
      if (count > 0) {
        text.append(text.length() == 0 ? "" : ", ").append(reason).append(' ').append(String.format("%,d", count));
      }
    }
    return text.toString();
  }

  /** The buffer with the server's traffic counts, unless {@code bench.traffic} is false. */
  private static TraceBuffer.Builder counting(TraceBuffer.Builder buffer) {
    return TRAFFIC ? buffer.traffic(new SpanMetrics(), new ServiceGraph()) : buffer;
  }

  private void heap() throws Exception {
    ExportTraffic traffic = new ExportTraffic(seed + 2, epochNanos());
    ExportTraffic.Requests requests = generate(traffic, HEAP_SPANS);
    KeptCounter kept = new KeptCounter();
    TraceBuffer buffer =
        counting(TraceBuffer.builder())
            .rules(RulesFile.loadDefault())
            .sink(kept)
            .maximumWeightBytes(Long.MAX_VALUE / 2)
            .gracePeriod(HEAP_PHASE_TIMEOUT)
            .idleTimeout(HEAP_PHASE_TIMEOUT)
            .maxWait(HEAP_PHASE_TIMEOUT)
            .build();
    SpanSink sink =
        spans -> {
          buffer.offer(spans);
          return CompletableFuture.completedFuture(Admission.accept());
        };
    long baseline;
    long after;
    HeapHistogram histogramBefore = null;
    HeapHistogram histogramAfter = null;
    ExportClients.Result sent;
    try (GrpcReceiver receiver =
            GrpcReceiver.onPort(0, sink, GrpcReceiver.DEFAULT_MAX_MESSAGE_BYTES).start();
        ExportClients clients = new ExportClients(receiver.port(), CALLERS)) {
      clients.connect();
      baseline = heapUsedAfterGc();
      if (HEAP_HISTOGRAM) {
        histogramBefore = HeapHistogram.take();
      }
      LOG.info("Heap: buffering {} spans, heap used after GC {} MiB", requests.spans(), baseline >> 20);
      sent = clients.send(requests.encoded(), Long.MAX_VALUE);
      check(sent, "heap phase");
      after = heapUsedAfterGc();
      if (HEAP_HISTOGRAM) {
        histogramAfter = HeapHistogram.take();
      }
      // Everything measured must still be reachable here.
      Reference.reachabilityFence(requests);
      Reference.reachabilityFence(buffer);
      Reference.reachabilityFence(receiver);
    }
    BufferStats figures = buffer.stats();
    long spans = figures.bufferedSpans();
    long traces = figures.bufferedTraces();
    double perSpan = (double) (after - baseline) / spans;
    double otlpPerSpan = (double) requests.requestBytes() / requests.spans();
    double barePerSpan = (double) requests.spanBytes() / requests.spans();
    double weigherPerSpan = (double) figures.bufferedBytes() / spans;
    heapRatio = perSpan / otlpPerSpan;

    report.add("");
    report.add(String.format("heap: %,d spans in %,d traces buffered, nothing decided (%,d decided, %,d spans sent)",
        spans, traces, figures.tracesKept() + figures.tracesDropped(), (long) sent.requests() * ExportTraffic.SPANS_PER_REQUEST));
    report.add(String.format("  heap per buffered span    %,.0f B (heap used after GC: %,d MiB, baseline %,d MiB; %,.0f B per trace)",
        perSpan, after >> 20, baseline >> 20, (double) (after - baseline) / traces));
    report.add(String.format("  OTLP size per span        %,.0f B in the requests; %,.0f B bare Span.getSerializedSize()",
        otlpPerSpan, barePerSpan));
    report.add(String.format("  ratio                     %.2fx the OTLP size (%.2fx the bare span)", heapRatio, perSpan / barePerSpan));
    report.add(String.format("  weigher's figure          %,.0f B per span (bufferedBytes / bufferedSpans): %.0f %% of the heap it takes",
        weigherPerSpan, 100 * weigherPerSpan / perSpan));
    if (spans != (long) sent.requests() * ExportTraffic.SPANS_PER_REQUEST) {
      problems.add(String.format("heap phase: sent %d spans but %d are buffered",
          (long) sent.requests() * ExportTraffic.SPANS_PER_REQUEST, spans));
    }
    if (histogramAfter != null) {
      report.add("  heap growth by class (per buffered span):");
      for (HeapHistogram.Growth growth : histogramAfter.growthSince(histogramBefore, 20)) {
        report.add(String.format("    %10.1f B  %6.2f objects  %s",
            (double) growth.bytes() / spans, (double) growth.instances() / spans, growth.className()));
      }
    }
  }

  static ExportTraffic.Requests generate(ExportTraffic traffic, long spans) {
    long start = System.nanoTime();
    ExportTraffic.Requests requests = traffic.next(spans);
    LOG.info("Prepared {} requests ({} spans, {} MiB) in {} ms", requests.encoded().size(), requests.spans(),
        requests.requestBytes() >> 20, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    return requests;
  }

  private void check(ExportClients.Result result, String phase) {
    if (result.failures() > 0) {
      LOG.error("{}: {} exports failed", phase, result.failures(), result.firstFailure());
      problems.add(phase + ": " + result.failures() + " exports failed, first: " + result.firstFailure());
    }
  }

  private void printSummary() {
    Runtime runtime = Runtime.getRuntime();
    System.out.println();
    System.out.println("Tailkeep ingest benchmark: OTLP/gRPC (Netty, localhost) -> collector -> sampler trace buffer,");
    System.out.println("default rules. Kept traces go to a counting sink: no storage, no Cassandra. This is the path");
    System.out.println("the OpenTelemetry Collector's tail-sampling figure measures (receiver + tail sampling).");
    System.out.println(TRAFFIC ? "RED metrics of every span and the service graph counted, as a server does."
        : "Without RED metrics and the service graph (-Dbench.traffic=false).");
    System.out.printf("machine %d cores, %s %s, max heap %,d MiB, %s, %s %s%n", runtime.availableProcessors(),
        System.getProperty("java.vm.name"), System.getProperty("java.vm.version"), runtime.maxMemory() >> 20,
        ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList(),
        System.getProperty("os.name"), System.getProperty("os.arch"));
    System.out.println();
    report.forEach(System.out::println);
    System.out.println();
    System.out.println("targets");
    System.out.printf("  >= %,.0f spans/s per core (server CPU)   %,10.0f   %s  (OpenTelemetry Collector: about 9,000 per CPU)%n",
        TARGET_SPANS_PER_CORE, spansPerServerCoreSecond, verdict(spansPerServerCoreSecond, spansPerServerCoreSecond >= TARGET_SPANS_PER_CORE));
    System.out.printf("  <= %.0f ms Export p99 at half the max rate     %9.2f    %s%n",
        TARGET_PACED_P99_MILLIS, pacedP99Millis, verdict(pacedP99Millis, pacedP99Millis <= TARGET_PACED_P99_MILLIS));
    System.out.printf("  <= %.1fx the OTLP size in heap per span      %9.2fx   %s%n",
        TARGET_HEAP_RATIO, heapRatio, verdict(heapRatio, heapRatio <= TARGET_HEAP_RATIO));
    System.out.println();
  }

  /** A figure of a phase that did not run is NaN: neither hit nor miss. */
  private static String verdict(double figure, boolean hit) {
    return Double.isNaN(figure) ? "not run" : hit ? "hit" : "miss";
  }

  private static long heapUsedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long gcCount() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
  }

  private static double spansPerSecond(long spans, long nanos) {
    return spans / (nanos / 1e9);
  }

  private static ScheduledExecutorService daemonScheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        runnable -> {
          Thread thread = new Thread(runnable, name);
          thread.setDaemon(true);
          return thread;
        });
  }

  static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
