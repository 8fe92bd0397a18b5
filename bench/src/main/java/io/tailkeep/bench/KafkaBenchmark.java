package io.tailkeep.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tailkeep.collector.GrpcReceiver;
import io.tailkeep.collector.SpanSink;
import io.tailkeep.kafka.KafkaSampling;
import io.tailkeep.kafka.KafkaSpanSink;
import io.tailkeep.kafka.SpansTopic;
import io.tailkeep.kafka.broker.EmbeddedKafka;
import io.tailkeep.kafka.broker.KafkaBroker;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.store.StoredDecision;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.cassandra.CassandraSpanStore;
import io.tailkeep.store.cassandra.CassandraStorage;
import io.tailkeep.store.cassandra.node.CassandraNode;
import io.tailkeep.store.cassandra.node.EmbeddedCassandra;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tailkeep's Kafka path on a real broker and a real Cassandra node (both child JVMs): an ingest node
 * (OTLP/gRPC receiver, {@link KafkaSpanSink}) fed with {@link IngestBenchmark}'s traffic, then a
 * sampler node ({@link KafkaSampling}) consuming the backlog, then both together at a paced rate for
 * the decision latency. Every figure is checked against what was sent. Settings are system
 * properties, see {@code bench/README.md}.
 */
public final class KafkaBenchmark {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBenchmark.class);

  private static final int CALLERS = Integer.getInteger("bench.callers", 4);
  private static final int WARMUP_SPANS = Integer.getInteger("bench.warmupSpans", 300_000);
  private static final int SPANS = Integer.getInteger("bench.spans", 1_000_000);
  private static final int PARTITIONS = Integer.getInteger("bench.partitions", 8);
  private static final int SAMPLER_THREADS = Integer.getInteger("bench.samplerThreads", 2);
  private static final int PACED_SECONDS = Integer.getInteger("bench.pacedSeconds", 20);
  private static final int PACED_RATE = Integer.getInteger("bench.pacedRate", 20_000);
  private static final int SAMPLED_TRACES = Integer.getInteger("bench.sampledTraces", 300);
  /**
   * How long after taking its partitions the sampler looks unknown traces up in the decision log
   * (the product's default is 5 minutes). The backlog is looked up whatever this is, as it lies before
   * the end offsets at assignment; 0 lets the paced phase run as a node does in steady state.
   */
  private static final int LOOKUP_WINDOW_SECONDS = Integer.getInteger("bench.lookupWindowSeconds", 0);
  private static final int READ_BACK_TRACES = 50;
  private static final Path WORK_DIRECTORY =
      Path.of(System.getProperty("bench.kafkaWorkDirectory", "target/bench-kafka")).toAbsolutePath();

  private static final String SAMPLER_NODE = "bench-sampler";
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration POLL_EVERY = Duration.ofMillis(50);
  private static final int DECISION_READ_CHUNK = 250;
  private static final long PER_100K = 100_000;

  private final List<String> report = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final long seed = Long.getLong("bench.seed", new SecureRandom().nextLong());
  private final RuleSet rules = RulesFile.loadDefault();
  private final long selfPid = ProcessHandle.current().pid();

  public static void main(String[] args) throws Exception {
    StoreBenchmark.wipe(WORK_DIRECTORY); // a fresh broker and node each run, so runs compare
    long started = System.nanoTime();
    // Both child JVMs start at once: most of their start-up is waiting.
    CompletableFuture<CassandraNode> cassandra = CompletableFuture.supplyAsync(() -> {
      try {
        return EmbeddedCassandra.builder().workDirectory(WORK_DIRECTORY.resolve("cassandra")).build().start();
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
    try (KafkaBroker broker =
            EmbeddedKafka.builder().workDirectory(WORK_DIRECTORY.resolve("broker")).build().start();
        CassandraNode node = cassandra.join();
        CassandraSpanStore store =
            CassandraStorage.builder()
                .contactPoints(List.of(node.cqlAddress()))
                .localDatacenter(node.localDatacenter())
                .keyspace("bench_kafka")
                .build()
                .open()) {
      LOG.info("Kafka and Cassandra answer after {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      KafkaBenchmark benchmark = new KafkaBenchmark();
      benchmark.run(broker, node, store);
      if (!benchmark.problems.isEmpty()) {
        throw new IllegalStateException("Kafka benchmark failed: " + String.join("; ", benchmark.problems));
      }
    }
  }

  private void run(KafkaBroker broker, CassandraNode node, CassandraSpanStore store) throws Exception {
    LOG.info("Seed {} (-Dbench.seed={} repeats this run's traffic)", seed, seed);
    SpansTopic warmUpTopic = SpansTopic.of(broker.bootstrapServers()).withTopic("bench-warmup", PARTITIONS, (short) 1);
    SpansTopic topic = SpansTopic.of(broker.bootstrapServers()).withTopic("bench-spans", PARTITIONS, (short) 1);
    Pids pids = new Pids(selfPid, broker.pid(), node.pid());
    ScheduledExecutorService pumps = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "bench-store-pump");
      thread.setDaemon(true);
      return thread;
    });
    // A store queue notices the end of a backoff only when pumped, every 50-100 ms by its contract.
    List<StoreQueue> queues = new CopyOnWriteArrayList<>();
    pumps.scheduleAtFixedRate(() -> queues.forEach(StoreQueue::pump), 100, 100, TimeUnit.MILLISECONDS);

    ExportTraffic warmUpTraffic = new ExportTraffic(seed, IngestBenchmark.epochNanos());
    ExportTraffic traffic = new ExportTraffic(seed + 1, IngestBenchmark.epochNanos());
    AtomicReference<SpanSink> target = new AtomicReference<>();
    SpanSink switching = spans -> target.get().offer(spans);
    try (KafkaSpanSink warmUpSink = KafkaSpanSink.start(warmUpTopic, "bench-warmup", new SimpleMeterRegistry());
        KafkaSpanSink sink = KafkaSpanSink.start(topic, "bench-ingest", new SimpleMeterRegistry());
        GrpcReceiver receiver = GrpcReceiver.onPort(0, switching, GrpcReceiver.DEFAULT_MAX_MESSAGE_BYTES).start();
        ExportClients clients = new ExportClients(receiver.port(), CALLERS);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      target.set(warmUpSink);
      clients.connect();

      // 1. Ingest: a warm-up topic first (the JIT), then the timed one, every export acknowledged.
      ExportTraffic.Requests warmUp = IngestBenchmark.generate(warmUpTraffic, WARMUP_SPANS);
      LOG.info("Ingest warm-up: {} spans", warmUp.spans());
      check(clients.send(warmUp.encoded(), Long.MAX_VALUE), "ingest warm-up");
      ExportTraffic.Requests pool = IngestBenchmark.generate(traffic, SPANS);
      Sent sent = Sent.of(pool.encoded());
      target.set(sink);
      System.gc(); // the generator's garbage is not the ingest node's to collect in the window
      Thread.sleep(1_000);
      LOG.info("Ingest: {} spans into {} ({} partitions)", pool.spans(), topic.topic(), PARTITIONS);
      Map<String, Long> threadsBefore = ThreadCpu.byGroup();
      Cpu ingestStart = pids.now();
      ExportClients.Result ingest = clients.send(pool.encoded(), Long.MAX_VALUE);
      Cpu ingestCpu = pids.now().minus(ingestStart);
      Map<String, Long> ingestThreads = ThreadCpu.since(threadsBefore, ThreadCpu.byGroup());
      check(ingest, "ingest");
      reportIngest(pool, sent, ingest, ingestCpu);
      report.add("  ingest CPU-s by thread    " + byThread(ingestThreads));
      long records = endOffsets(admin, topic).values().stream().mapToLong(Long::longValue).sum();
      if (records != sent.records()) {
        problems.add(String.format("ingest: %d records expected (one per trace per export), the topic holds %d",
            sent.records(), records));
      }

      // 2. Sampler: a warm-up node on the warm-up topic (the JIT again), then the backlog, timed.
      StoreQueue warmUpQueue = StoreQueue.builder().writer(store.writer()).build();
      queues.add(warmUpQueue);
      try (KafkaSampling warmUpSampler = sampler(warmUpTopic, store, warmUpQueue, new SimpleMeterRegistry()).start()) {
        LOG.info("Sampler warm-up: consuming {}", warmUpTopic.topic());
        long warmUpStart = System.nanoTime();
        awaitCaughtUp(admin, warmUpTopic, () -> 0L, Long.MAX_VALUE);
        LOG.info("Sampler warm-up caught up after {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - warmUpStart));
      }
      StoreQueue queue = StoreQueue.builder().writer(store.writer()).build();
      queues.add(queue);
      MeterRegistry registry = new SimpleMeterRegistry();
      System.gc();
      Thread.sleep(1_000);
      Map<TopicPartition, Long> ends = endOffsets(admin, topic);
      LOG.info("Sampler: consuming the backlog of {} records", records);
      Map<String, Long> samplerThreadsBefore = ThreadCpu.byGroup();
      Cpu samplerStart = pids.now();
      long start = System.nanoTime();
      try (KafkaSampling sampler = sampler(topic, store, queue, registry).start()) {
        CatchUp catchUp = awaitCaughtUp(admin, topic, () -> counter(registry, "tailkeep.kafka.records.consumed"), records);
        Cpu samplerCpu = pids.now().minus(samplerStart);
        // Sampler threads that ended (the warm-up node's) are not in either reading.
        Map<String, Long> samplerThreads = ThreadCpu.since(samplerThreadsBefore, ThreadCpu.byGroup());
        LOG.info("Sampler read everything after {} ms, committed the end after {} ms",
            TimeUnit.NANOSECONDS.toMillis(catchUp.readAllNanos() - start), TimeUnit.NANOSECONDS.toMillis(catchUp.committedNanos() - start));
        reportSampler(sent, records, ends, catchUp, start, samplerCpu, queue, registry);
        report.add("  sampler CPU-s by thread   " + byThread(samplerThreads));
        Counts before = Counts.of(registry, queue);
        account("backlog", sent, store, before);

        // 3. Both at once, paced: export acknowledged -> decision row readable.
        decisionLatency(clients, store, admin, topic, registry, queue, pids, before);
        if (sampler.partitionsOwned() != PARTITIONS) {
          problems.add("the sampler owns " + sampler.partitionsOwned() + " of " + PARTITIONS + " partitions");
        }
      }
    } finally {
      pumps.shutdownNow();
    }
    printSummary();
  }

  private KafkaSampling sampler(SpansTopic topic, CassandraSpanStore store, StoreQueue queue, MeterRegistry registry) {
    return KafkaSampling.builder()
        .spansTopic(topic)
        .nodeName(SAMPLER_NODE)
        .threads(SAMPLER_THREADS)
        .storeQueue(queue)
        .decisions(store.decisions())
        .rules(() -> rules)
        .lookupWindow(Duration.ofSeconds(LOOKUP_WINDOW_SECONDS))
        .meterRegistry(registry)
        .build();
  }

  private void reportIngest(ExportTraffic.Requests pool, Sent sent, ExportClients.Result ingest, Cpu cpu) {
    double seconds = ingest.wallNanos() / 1e9;
    double ingestNode = (cpu.self() - ingest.clientCpuNanos()) / 1e9;
    Histogram latency = ingest.latencyNanos();
    report.add(String.format("traffic: %d spans per request, traces of 5-50 spans, %d traces in flight, seed %d; "
        + "topic %d partitions, replication 1", ExportTraffic.SPANS_PER_REQUEST, ExportTraffic.TRACES_IN_FLIGHT,
        seed, PARTITIONS));
    report.add(String.format("  OTLP size per span        %,.0f B in the requests", (double) pool.requestBytes() / pool.spans()));
    report.add("");
    report.add(String.format("1. ingest: %d callers -> GrpcReceiver -> KafkaSpanSink (acks=all, lz4); warm-up %,d spans on another topic",
        CALLERS, WARMUP_SPANS));
    report.add(String.format("  sent                      %,d spans, %,d traces, %,d requests -> %,d records in %.1f s",
        sent.spans(), sent.traces().size(), ingest.requests(), sent.records(), seconds));
    report.add(String.format("  rate                      %,.0f spans/s", sent.spans() / seconds));
    report.add(String.format("  ingest node CPU           %,.0f spans per CPU-second (%.1f CPU-s = process %.1f - clients %.1f)",
        sent.spans() / ingestNode, ingestNode, cpu.self() / 1e9, ingest.clientCpuNanos() / 1e9));
    report.add(String.format("  broker CPU                %.2f CPU-s per 100 000 spans (%.1f CPU-s)",
        cpu.broker() / 1e9 * PER_100K / sent.spans(), cpu.broker() / 1e9));
    report.add(String.format("  Cassandra CPU (idle)      %.1f CPU-s meanwhile", cpu.cassandra() / 1e9));
    report.add(String.format("  Export latency            p50 %.2f ms, p99 %.2f ms, max %.2f ms (%,d calls, %d in flight; each after Kafka acknowledged it)",
        latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6,
        latency.getTotalCount(), CALLERS));
    report.add(String.format("  cores used                %.2f of 2 on average (all three processes)", cpu.total() / (double) cpu.wallNanos()));
  }

  private void reportSampler(Sent sent, long records, Map<TopicPartition, Long> ends, CatchUp catchUp, long start,
      Cpu cpu, StoreQueue queue, MeterRegistry registry) {
    double caughtUp = (catchUp.committedNanos() - start) / 1e9;
    double readAll = (catchUp.readAllNanos() - start) / 1e9;
    long minRecords = ends.values().stream().mapToLong(Long::longValue).min().orElse(0);
    long maxRecords = ends.values().stream().mapToLong(Long::longValue).max().orElse(0);
    report.add("");
    report.add(String.format("2. sampler: KafkaSampling, %d threads, default rules and buffer, consuming the backlog; "
        + "decision log and kept spans in Cassandra", SAMPLER_THREADS));
    report.add(String.format("  backlog                   %,d records, %,d to %,d per partition, %,d spans",
        records, minRecords, maxRecords, sent.spans()));
    report.add(String.format("  replay time               all records read after %.1f s, committed offsets == end offsets after %.1f s",
        readAll, caughtUp));
    report.add(String.format("  replay rate               %,.0f spans/s, %,.0f records/s per partition (to the last commit)",
        sent.spans() / caughtUp, records / (double) PARTITIONS / caughtUp));
    double samplerNode = cpu.self() / 1e9;
    report.add(String.format("  sampler node CPU          %,.0f spans per CPU-second (%.1f CPU-s, the whole JVM; ingest idle)",
        sent.spans() / samplerNode, samplerNode));
    report.add(String.format("  Cassandra CPU             %.2f CPU-s per 100 000 spans (%.1f CPU-s)",
        cpu.cassandra() / 1e9 * PER_100K / sent.spans(), cpu.cassandra() / 1e9));
    report.add(String.format("  broker CPU (fetches)      %.2f CPU-s per 100 000 spans (%.1f CPU-s)",
        cpu.broker() / 1e9 * PER_100K / sent.spans(), cpu.broker() / 1e9));
    report.add(String.format("  cores used                %.2f of 2 on average (all three processes)", cpu.total() / (double) cpu.wallNanos()));
    report.add(String.format("  decision rows written     %,d (decisions made %,d); kept spans stored %,d in %,d batches, %d retries",
        counter(registry, "tailkeep.kafka.decisions.written"), counter(registry, "tailkeep.kafka.decisions.made"),
        queue.stats().spansWritten(), queue.stats().batchesWritten(), queue.stats().retries()));
  }

  /**
   * Ingest and sampler together, exports paced at {@link #PACED_RATE} spans/s; for sampled traces,
   * the time from the acknowledgement of the export holding the trace's last span to its decision
   * row being readable in Cassandra.
   */
  private void decisionLatency(ExportClients clients, CassandraSpanStore store, Admin admin, SpansTopic topic,
      MeterRegistry registry, StoreQueue queue, Pids pids, Counts before) throws Exception {
    ExportTraffic traffic = new ExportTraffic(seed + 2, IngestBenchmark.epochNanos());
    ExportTraffic.Requests pool = IngestBenchmark.generate(traffic, (long) PACED_RATE * PACED_SECONDS);
    Sent sent = Sent.of(pool.encoded());
    List<TraceId> sampled = sent.sample(SAMPLED_TRACES);
    AtomicLongArray acknowledgedAt = new AtomicLongArray(pool.encoded().size());
    DecisionPoller poller = new DecisionPoller(store, sampled, sent, acknowledgedAt);
    Thread pollerThread = new Thread(poller, "bench-decision-poller");
    pollerThread.setDaemon(true);
    System.gc();
    Thread.sleep(1_000);
    LOG.info("Paced: {} spans/s for {} s, {} traces sampled", PACED_RATE, PACED_SECONDS, sampled.size());
    long recordsBefore = endOffsets(admin, topic).values().stream().mapToLong(Long::longValue).sum();
    Cpu start = pids.now();
    pollerThread.start();
    ExportClients.Result paced = clients.send(pool.encoded(), Long.MAX_VALUE,
        (double) PACED_RATE / ExportTraffic.SPANS_PER_REQUEST, index -> acknowledgedAt.set(index, System.nanoTime()));
    check(paced, "paced");
    pollerThread.join(TimeUnit.SECONDS.toMillis(60));
    poller.stop();
    pollerThread.join();
    long records = endOffsets(admin, topic).values().stream().mapToLong(Long::longValue).sum();
    awaitCaughtUp(admin, topic, () -> 0L, Long.MAX_VALUE);
    Cpu cpu = pids.now().minus(start);

    Histogram latency = poller.latencies();
    Histogram export = paced.latencyNanos();
    report.add("");
    report.add(String.format("3. decision latency: ingest and sampler together, %,d spans/s paced for %d s (%,d spans, %,d traces)",
        PACED_RATE, PACED_SECONDS, sent.spans(), sent.traces().size()));
    report.add(String.format("  ack -> decision row       p50 %.0f ms, p99 %.0f ms, max %.0f ms (%,d of %,d sampled traces with their root; grace period %d ms, polled every %d ms)",
        latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6,
        latency.getTotalCount(), sampled.size(), TraceBuffer.DEFAULT_GRACE_PERIOD.toMillis(), POLL_EVERY.toMillis()));
    long grace = TraceBuffer.DEFAULT_GRACE_PERIOD.toNanos();
    report.add(String.format("  beyond the grace period   p50 %.0f ms, p99 %.0f ms (the buffer waits %d ms after a root on purpose)",
        (latency.getValueAtPercentile(50) - grace) / 1e6, (latency.getValueAtPercentile(99) - grace) / 1e6, grace / 1_000_000));
    report.add(String.format("  Export latency            p50 %.2f ms, p99 %.2f ms, max %.2f ms (%,d calls)",
        export.getValueAtPercentile(50) / 1e6, export.getValueAtPercentile(99) / 1e6, export.getMaxValue() / 1e6,
        export.getTotalCount()));
    report.add(String.format("  CPU, both nodes           %.1f CPU-s in this JVM (clients %.1f), broker %.1f, Cassandra %.1f over %.1f s",
        cpu.self() / 1e9, paced.clientCpuNanos() / 1e9, cpu.broker() / 1e9, cpu.cassandra() / 1e9, cpu.wallNanos() / 1e9));
    if (latency.getTotalCount() != sampled.size()) {
      problems.add(String.format("paced: %d of %d sampled traces have no decision row within 60 s of sending",
          sampled.size() - latency.getTotalCount(), sampled.size()));
    }
    if (records - recordsBefore != sent.records()) {
      problems.add(String.format("paced: %d records expected, the topic got %d", sent.records(), records - recordsBefore));
    }
    account("paced", sent, store, Counts.of(registry, queue).minus(before));
  }

  /**
   * Checks a phase adds up: every trace sent has its decision row from this node, sent = kept +
   * dropped, every span of a kept trace was stored (and a sample reads back whole), the node decided
   * and logged each trace once.
   */
  private void account(String phase, Sent sent, CassandraSpanStore store, Counts counts) throws Exception {
    Map<TraceId, StoredDecision> rows = readDecisions(store, List.copyOf(sent.traces().keySet()));
    long keptTraces = 0;
    long keptSpans = 0;
    long droppedSpans = 0;
    long spansDecided = 0;
    List<TraceId> keptIds = new ArrayList<>();
    Map<String, Long> keptByRule = new LinkedHashMap<>();
    for (Map.Entry<TraceId, TraceSent> trace : sent.traces().entrySet()) {
      StoredDecision row = rows.get(trace.getKey());
      if (row == null) {
        continue;
      }
      spansDecided += row.spansDecided();
      if (!row.node().equals(SAMPLER_NODE)) {
        problems.add(phase + ": trace " + trace.getKey() + " was decided by " + row.node());
      }
      if (row.keep()) {
        keptTraces++;
        keptSpans += trace.getValue().spans();
        keptIds.add(trace.getKey());
        keptByRule.merge(row.rule(), 1L, Long::sum);
      } else {
        droppedSpans += trace.getValue().spans();
      }
    }
    long missing = sent.traces().size() - rows.size();
    boolean balanced = missing == 0 && keptSpans + droppedSpans == sent.spans();
    report.add(String.format("  %-25s sent %,d spans = kept %,d + dropped %,d (traces: %,d sent, %,d rows read, %,d kept = %.2f %%); "
        + "%,d spans arrived after their trace's decision: %s",
        "accounting, " + phase, sent.spans(), keptSpans, droppedSpans, sent.traces().size(), rows.size(), keptTraces,
        100.0 * keptTraces / sent.traces().size(), sent.spans() - spansDecided, balanced ? "ok" : "MISMATCH"));
    report.add(String.format("  %-25s %s", "kept by rule, " + phase, keptByRule));
    report.add(String.format("  %-25s %,d traces looked up in the decision log (a node taking partitions over does), %,d found decided",
        "look-ups, " + phase, counts.lookedUp(), counts.followed()));
    if (counts.followed() != 0) {
      problems.add(phase + ": " + counts.followed() + " traces were found decided before this node saw them");
    }
    if (!balanced) {
      problems.add(String.format("%s: %d of %d traces have no decision row", phase, missing, sent.traces().size()));
    }
    if (counts.decisionsMade() != sent.traces().size() || counts.decisionsWritten() != sent.traces().size()) {
      problems.add(String.format("%s: %d traces sent, the node made %d decisions and wrote %d rows",
          phase, sent.traces().size(), counts.decisionsMade(), counts.decisionsWritten()));
    }
    if (counts.spansStored() != keptSpans || counts.storeFailures() != 0) {
      problems.add(String.format("%s: kept traces hold %d spans, the store queue wrote %d (%d batches given up)",
          phase, keptSpans, counts.spansStored(), counts.storeFailures()));
    }
    int readBack = 0;
    for (TraceId id : keptIds.subList(0, Math.min(READ_BACK_TRACES, keptIds.size()))) {
      int stored = store.reader().getTrace(id).toCompletableFuture().get(30, TimeUnit.SECONDS)
          .map(trace -> trace.spans().size()).orElse(0);
      if (stored != sent.traces().get(id).spans()) {
        problems.add(String.format("%s: kept trace %s reads back %d of %d spans", phase, id, stored,
            sent.traces().get(id).spans()));
      } else {
        readBack++;
      }
    }
    report.add(String.format("  %-25s %d of %d kept traces read back whole from the store",
        "read back, " + phase, readBack, Math.min(READ_BACK_TRACES, keptIds.size())));
  }

  private static Map<TraceId, StoredDecision> readDecisions(CassandraSpanStore store, List<TraceId> ids) throws Exception {
    Map<TraceId, StoredDecision> rows = new HashMap<>();
    for (int i = 0; i < ids.size(); i += DECISION_READ_CHUNK) {
      List<TraceId> chunk = ids.subList(i, Math.min(ids.size(), i + DECISION_READ_CHUNK));
      rows.putAll(store.decisions().read(chunk).toCompletableFuture().get(60, TimeUnit.SECONDS));
    }
    return rows;
  }

  /** Polls the decision log for sampled traces whose last export was acknowledged. */
  private static final class DecisionPoller implements Runnable {
    private final CassandraSpanStore store;
    private final Map<TraceId, Integer> waiting = new LinkedHashMap<>();
    private final AtomicLongArray acknowledgedAt;
    private final Histogram latencies = new Histogram(TimeUnit.MINUTES.toNanos(5), 3);
    private volatile boolean running = true;

    DecisionPoller(CassandraSpanStore store, List<TraceId> sampled, Sent sent, AtomicLongArray acknowledgedAt) {
      this.store = store;
      this.acknowledgedAt = acknowledgedAt;
      sampled.forEach(id -> waiting.put(id, sent.traces().get(id).lastRequest()));
    }

    @Override
    public void run() {
      try {
        while (running && !waiting.isEmpty()) {
          List<TraceId> due = new ArrayList<>();
          waiting.forEach((id, request) -> {
            if (acknowledgedAt.get(request) != 0) {
              due.add(id);
            }
          });
          if (!due.isEmpty()) {
            Set<TraceId> found = readDecisions(store, due).keySet();
            long now = System.nanoTime();
            for (TraceId id : found) {
              latencies.recordValue(Math.min(now - acknowledgedAt.get(waiting.remove(id)), latencies.getHighestTrackableValue()));
            }
          }
          Thread.sleep(POLL_EVERY.toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.error("Polling the decision log failed", e);
      }
    }

    void stop() {
      running = false;
    }

    /** Read after the thread ended. */
    Histogram latencies() {
      return latencies;
    }
  }

  /** When the group read every record, and when its committed offsets reached the end offsets. */
  private record CatchUp(long readAllNanos, long committedNanos) {}

  private CatchUp awaitCaughtUp(Admin admin, SpansTopic topic, java.util.function.LongSupplier consumed, long records)
      throws Exception {
    long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
    long readAll = 0;
    while (System.nanoTime() < deadline) {
      if (readAll == 0 && consumed.getAsLong() >= records) {
        readAll = System.nanoTime();
      }
      if (committedAtEnd(admin, topic)) {
        long now = System.nanoTime();
        return new CatchUp(readAll == 0 ? now : readAll, now);
      }
      Thread.sleep(POLL_EVERY.toMillis());
    }
    problems.add("the sampler group did not commit the end of " + topic.topic() + " within " + CATCH_UP_TIMEOUT);
    throw new IllegalStateException("the sampler group did not catch up on " + topic.topic());
  }

  private static boolean committedAtEnd(Admin admin, SpansTopic topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(KafkaSampling.GROUP).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    for (Map.Entry<TopicPartition, Long> end : endOffsets(admin, topic).entrySet()) {
      OffsetAndMetadata at = committed.get(end.getKey());
      if (end.getValue() > 0 && (at == null || at.offset() != end.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, SpansTopic topic) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < topic.partitions(); p++) {
      latest.put(new TopicPartition(topic.topic(), p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /** The groups that used a tenth of a CPU-second or more, clients left out. */
  private static String byThread(Map<String, Long> groups) {
    StringBuilder text = new StringBuilder();
    groups.forEach((group, nanos) -> {
      if (!group.equals("clients") && nanos >= 100_000_000L) {
        text.append(text.length() == 0 ? "" : ", ").append(String.format("%s %.1f", group, nanos / 1e9));
      }
    });
    return text.toString();
  }

  /** A counter's count, whether counted by Micrometer or read from a part's figures. */
  private static long counter(MeterRegistry registry, String name) {
    return (long) registry.get(name).meter().measure().iterator().next().getValue();
  }

  /** What the sampler node counted, to take differences between phases. */
  private record Counts(long decisionsMade, long decisionsWritten, long lookedUp, long followed, long spansStored,
      long storeFailures) {
    static Counts of(MeterRegistry registry, StoreQueue queue) {
      return new Counts(counter(registry, "tailkeep.kafka.decisions.made"),
          counter(registry, "tailkeep.kafka.decisions.written"), counter(registry, "tailkeep.kafka.decisions.looked.up"),
          counter(registry, "tailkeep.kafka.decisions.followed"), queue.stats().spansWritten(), queue.stats().deadLetteredBatches());
    }

    Counts minus(Counts earlier) {
      return new Counts(decisionsMade - earlier.decisionsMade, decisionsWritten - earlier.decisionsWritten,
          lookedUp - earlier.lookedUp, followed - earlier.followed, spansStored - earlier.spansStored,
          storeFailures - earlier.storeFailures);
    }
  }

  /**
   * A trace as sent: its spans, the index of the request holding its last one, and whether its root
   * was among them (a trace cut off at the pool's end has none and waits for the idle timeout).
   */
  private record TraceSent(int spans, int lastRequest, boolean rooted) {
    TraceSent and(TraceSent later) {
      return new TraceSent(spans + later.spans, later.lastRequest, rooted || later.rooted);
    }
  }

  /** What a pool of requests holds, read back from their bytes before they are sent. */
  private record Sent(Map<TraceId, TraceSent> traces, long spans, long records) {
    static Sent of(List<ByteBuffer> requests) throws IOException {
      Map<TraceId, TraceSent> traces = new LinkedHashMap<>();
      long spans = 0;
      long records = 0;
      for (int i = 0; i < requests.size(); i++) {
        Set<TraceId> inRequest = new HashSet<>();
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(requests.get(i).duplicate());
        for (ResourceSpans resource : request.getResourceSpansList()) {
          for (ScopeSpans scope : resource.getScopeSpansList()) {
            for (Span span : scope.getSpansList()) {
              TraceId id = TraceId.fromBytes(span.getTraceId().toByteArray());
              traces.merge(id, new TraceSent(1, i, span.getParentSpanId().isEmpty()), TraceSent::and);
              inRequest.add(id);
              spans++;
            }
          }
        }
        records += inRequest.size(); // KafkaSpanSink writes one record per trace per export
      }
      return new Sent(traces, spans, records);
    }

    /** About {@code count} traces with their root, spread evenly over the pool. */
    List<TraceId> sample(int count) {
      List<TraceId> all = traces.entrySet().stream().filter(trace -> trace.getValue().rooted()).map(Map.Entry::getKey).toList();
      int step = Math.max(1, all.size() / Math.max(1, count));
      List<TraceId> sampled = new ArrayList<>();
      for (int i = step / 2; i < all.size() && sampled.size() < count; i += step) {
        sampled.add(all.get(i));
      }
      return sampled;
    }
  }

  /** CPU nanoseconds of the three processes over some wall time. */
  private record Cpu(long self, long broker, long cassandra, long wallNanos) {
    Cpu minus(Cpu earlier) {
      return new Cpu(self - earlier.self, broker - earlier.broker, cassandra - earlier.cassandra, wallNanos - earlier.wallNanos);
    }

    long total() {
      return self + broker + cassandra;
    }
  }

  private record Pids(long self, long broker, long cassandra) {
    Cpu now() throws IOException {
      return new Cpu(ProcessCpu.nanos(self), ProcessCpu.nanos(broker), ProcessCpu.nanos(cassandra), System.nanoTime());
    }
  }

  private void check(ExportClients.Result result, String phase) {
    if (result.failures() > 0) {
      LOG.error("{}: {} exports failed", phase, result.failures(), result.firstFailure());
      problems.add(phase + ": " + result.failures() + " exports failed, first: " + result.firstFailure());
    }
  }

  private void printSummary() throws IOException {
    Runtime runtime = Runtime.getRuntime();
    System.out.println();
    System.out.println("Tailkeep Kafka benchmark: OTLP/gRPC -> KafkaSpanSink -> Kafka (child JVM, -Xmx512m) -> KafkaSampling");
    System.out.println("-> decision log and kept spans in Cassandra (child JVM). All three processes share this machine.");
    System.out.printf("machine %d cores, %s %s, max heap %,d MiB, load average now %s%n", runtime.availableProcessors(),
        System.getProperty("java.vm.name"), System.getProperty("java.vm.version"), runtime.maxMemory() >> 20,
        ProcessCpu.loadAverage());
    System.out.println();
    report.forEach(System.out::println);
    System.out.println();
    System.out.println(problems.isEmpty() ? "every check passed" : "FAILED: " + String.join("; ", problems));
    System.out.println();
  }
}
