package io.tailkeep.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.collector.Admission;
import io.tailkeep.kafka.testing.TestKafka;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.store.DecisionLog;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.StoredDecision;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.cassandra.CassandraSpanStore;
import io.tailkeep.store.cassandra.CassandraStorage;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.TestCassandra;
import io.tailkeep.store.testing.TestSpans;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sampler node on a real Kafka broker and a real Cassandra: spans produced by the ingest sink are
 * decided per partition, every decision is in the decision log, kept traces are stored, and the
 * group's committed offsets reach the end only once all of it is durable.
 */
class KafkaSamplingTest {

  private static final String RULES = """
      version: 1
      default: drop
      rules:
        - name: keep-errors
          conditions:
            - error: true
          keep: {}
      """;

  private static CassandraSpanStore store;
  private final TestSpans spans = new TestSpans(System.nanoTime());

  @BeforeAll
  static void openStore() {
    CassandraEndpoint node = TestCassandra.shared();
    store = CassandraStorage.builder()
        .contactPoints(List.of(node.contactPoint()))
        .localDatacenter(node.localDatacenter())
        .keyspace("kafka_sampling")
        .build()
        .open();
  }

  @AfterAll
  static void closeStore() {
    store.close();
  }

  private static SpansTopic newTopic() {
    String bootstrap = TestKafka.shared().bootstrapServers();
    return SpansTopic.of(bootstrap).withTopic("spans-" + UUID.randomUUID(), 4, (short) 1);
  }

  private static RuleSet rules() throws Exception {
    return RulesFile.parse("test-rules.yaml", RULES);
  }

  private KafkaSampling sampler(SpansTopic topic, String node, StoreQueue queue, Duration lookupWindow)
      throws Exception {
    return sampler(topic, node, 2, queue, lookupWindow, store.decisions(), new SimpleMeterRegistry());
  }

  private KafkaSampling sampler(SpansTopic topic, String node, int threads, StoreQueue queue,
      Duration lookupWindow, DecisionLog decisions, MeterRegistry registry) throws Exception {
    RuleSet rules = rules();
    return KafkaSampling.builder()
        .spansTopic(topic)
        .nodeName(node)
        .threads(threads)
        .storeQueue(queue)
        .decisions(decisions)
        .rules(() -> rules)
        .buffer(buffer -> buffer.gracePeriod(Duration.ofMillis(300)).idleTimeout(Duration.ofSeconds(2)))
        .lookupWindow(lookupWindow)
        .meterRegistry(registry)
        .build();
  }

  private StoreQueue storeQueue() {
    return StoreQueue.builder().writer(store.writer()).build();
  }

  /** A trace of three spans; with an error on its root when {@code error}. */
  private List<WireSpan> trace(TraceId traceId, boolean error) {
    long start = TestSpans.nanos(Instant.now());
    List<OtlpSpan> otlp = spans.trace(traceId, "shop", "GET /cart", start, 20_000_000, 3);
    List<WireSpan> wire = new ArrayList<>();
    for (OtlpSpan span : otlp) {
      Span.Builder builder = span.span().toBuilder();
      if (error && span.isRoot()) {
        builder.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
      }
      wire.add(WireSpan.of(new OtlpSpan(span.resource(), "", span.scope(), "", builder.build())));
    }
    return wire;
  }

  private static void send(KafkaSpanSink sink, List<WireSpan> spans) {
    Admission admission = sink.offer(spans).toCompletableFuture().join();
    assertThat(admission.accepted()).as(admission.reason()).isTrue();
  }

  @Test
  void everyTraceIsDecidedOnceLoggedAndTheKeptOnesStoredBeforeOffsetsCommit() throws Exception {
    SpansTopic topic = newTopic();
    List<TraceId> errors = new ArrayList<>();
    List<TraceId> boring = new ArrayList<>();
    MeterRegistry registry = new SimpleMeterRegistry();
    KafkaSampling node;
    try (KafkaSpanSink sink = KafkaSpanSink.start(topic, "ingest-1", new SimpleMeterRegistry());
        KafkaSampling sampler =
            sampler(topic, "sampler-1", 2, storeQueue(), Duration.ofSeconds(5), store.decisions(), registry).start()) {
      node = sampler;
      for (int i = 0; i < 40; i++) {
        TraceId traceId = spans.newTraceId();
        (i % 4 == 0 ? errors : boring).add(traceId);
        List<WireSpan> trace = trace(traceId, i % 4 == 0);
        // Children in one export, the root in the next, as an agent's batches split a trace.
        send(sink, trace.subList(1, trace.size()));
        send(sink, trace.subList(0, 1));
      }

      List<TraceId> all = new ArrayList<>(errors);
      all.addAll(boring);
      await(() -> store.decisions().read(all).toCompletableFuture().join().size() == all.size());
      Map<TraceId, StoredDecision> decisions = store.decisions().read(all).toCompletableFuture().join();
      for (TraceId traceId : errors) {
        assertThat(decisions.get(traceId).keep()).as(decisions.get(traceId).toString()).isTrue();
        assertThat(decisions.get(traceId).rule()).isEqualTo("keep-errors");
        assertThat(decisions.get(traceId).spansDecided()).isEqualTo(3);
        assertThat(decisions.get(traceId).node()).isEqualTo("sampler-1");
      }
      for (TraceId traceId : boring) {
        assertThat(decisions.get(traceId).keep()).isFalse();
      }
      await(() -> errors.stream().allMatch(id -> storedSpans(id) == 3));
      assertThat(boring).allSatisfy(id -> assertThat(storedSpans(id)).isZero());
      await(() -> committedEqualsEnd(topic));
      assertThat(sampler.partitionsOwned()).isEqualTo(4);
      // Kafka's own consumer lag, per partition, on the node's registry (/metrics in deploy).
      await(() -> lagMeters(registry, topic).size() == 4);
      assertThat(lagMeters(registry, topic)).containsOnlyKeys("0", "1", "2", "3");
      assertThat(lagMeters(registry, topic).values()).allSatisfy(lag -> assertThat(lag).isZero());
      assertThat(sampler.stats().tracesKeptByRule()).containsExactly(Map.entry("keep-errors", (long) errors.size()));
      assertThat(sampler.stats().tracesDropped()).isEqualTo(boring.size());
    }
    assertThat(lagMeters(registry, topic)).as("removed with the consumers").isEmpty();
    // Every partition let go at the stop: what their buffers counted stays counted, nothing is held.
    assertThat(node.partitionsOwned()).isZero();
    assertThat(node.stats().tracesKeptByRule()).containsExactly(Map.entry("keep-errors", (long) errors.size()));
    assertThat(node.stats().tracesDropped()).isEqualTo(boring.size());
    assertThat(node.stats().spansKept()).isEqualTo(3L * errors.size());
    assertThat(node.stats().bufferedTraces()).isZero();
  }

  /** {@code kafka.consumer.fetch.manager.records.lag} of each partition of the topic: its value by partition. */
  private static Map<String, Double> lagMeters(MeterRegistry registry, SpansTopic topic) {
    Map<String, Double> lags = new java.util.TreeMap<>();
    for (Gauge gauge : registry.find("kafka.consumer.fetch.manager.records.lag").tag("topic", topic.topic()).gauges()) {
      lags.put(gauge.getId().getTag("partition"), gauge.value());
    }
    return lags;
  }

  @Test
  void aNodeTakingOverFollowsDecisionsAlreadyLoggedAndDecidesTheRest() throws Exception {
    SpansTopic topic = newTopic();
    TraceId droppedEarlier = spans.newTraceId(); // has an error, but was dropped before: stays dropped
    TraceId keptEarlier = spans.newTraceId(); // nothing special, but was kept before: is stored
    TraceId fresh = spans.newTraceId();
    Instant then = Instant.now().minusSeconds(5);
    store.decisions().write(List.of(
        new StoredDecision(droppedEarlier, false, "baseline", 0, false, "ROOT_GRACE", "v-old", then, "gone-node", 3),
        new StoredDecision(keptEarlier, true, "baseline", 0.5, false, "ROOT_GRACE", "v-old", then, "gone-node", 3)))
        .toCompletableFuture().join();
    try (KafkaSpanSink sink = KafkaSpanSink.start(topic, "ingest-1", new SimpleMeterRegistry())) {
      send(sink, trace(droppedEarlier, true));
      send(sink, trace(keptEarlier, false));
      send(sink, trace(fresh, true));
      try (KafkaSampling sampler = sampler(topic, "sampler-2", storeQueue(), Duration.ofMinutes(5)).start()) {
        await(() -> storedSpans(keptEarlier) == 3);
        await(() -> storedSpans(fresh) == 3);
        await(() -> committedEqualsEnd(topic));
      }
    }
    assertThat(storedSpans(droppedEarlier)).isZero();
    Map<TraceId, StoredDecision> decisions =
        store.decisions().read(List.of(droppedEarlier, keptEarlier, fresh)).toCompletableFuture().join();
    assertThat(decisions.get(droppedEarlier).node()).isEqualTo("gone-node");
    assertThat(decisions.get(keptEarlier).node()).isEqualTo("gone-node");
    assertThat(decisions.get(fresh).node()).isEqualTo("sampler-2");
  }

  @Test
  void whileDecisionsCannotBeLoggedTheSamplerStopsReadingCommitsNothingAndCatchesUpAfter() throws Exception {
    SpansTopic topic = newTopic();
    UnwritableLog log = new UnwritableLog(store.decisions());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<TraceId> errors = new ArrayList<>();
    List<TraceId> all = new ArrayList<>();
    // Its children come before the pause, its root (in error) during it.
    TraceId split = spans.newTraceId();
    List<WireSpan> splitSpans = trace(split, true);
    all.add(split);
    try (KafkaSpanSink sink = KafkaSpanSink.start(topic, "ingest-1", new SimpleMeterRegistry());
        // One consumer: every partition pauses together.
        KafkaSampling sampler =
            sampler(topic, "sampler-3", 1, storeQueue(), Duration.ofSeconds(5), log, registry).start()) {
      send(sink, splitSpans.subList(1, splitSpans.size()));
      for (int i = 0; i < 40; i++) {
        TraceId traceId = spans.newTraceId();
        all.add(traceId);
        if (i % 4 == 0) {
          errors.add(traceId);
        }
        send(sink, trace(traceId, i % 4 == 0));
        if (i == 19) {
          // Decided, refused by the log: reading stops.
          await(() -> count(registry, "tailkeep.kafka.decisions.write.failures") >= 1);
          Thread.sleep(500);
          send(sink, splitSpans.subList(0, 1));
        }
      }
      double consumed = count(registry, "tailkeep.kafka.records.consumed");
      double failures = count(registry, "tailkeep.kafka.decisions.write.failures");
      Thread.sleep(3_000); // longer than the idle timeout: the split trace must still wait for its root
      assertThat(count(registry, "tailkeep.kafka.records.consumed"))
          .as("records read while decisions cannot be logged").isEqualTo(consumed);
      assertThat(consumed).as("records read before the pause").isLessThan(42);
      // Four shards, ten polls a second: 120 attempts in 3 s without a backoff.
      assertThat(count(registry, "tailkeep.kafka.decisions.write.failures") - failures)
          .as("decision writes tried in 3 s").isLessThan(30);
      assertThat(committedEqualsEnd(topic)).as("offsets committed past undecided traces").isFalse();

      log.failing = false;
      await(() -> store.decisions().read(all).toCompletableFuture().join().size() == all.size());
      await(() -> errors.stream().allMatch(id -> storedSpans(id) == 3));
      await(() -> committedEqualsEnd(topic));
      StoredDecision splitDecision = store.decisions().read(List.of(split)).toCompletableFuture().join().get(split);
      assertThat(splitDecision.keep()).as("the split trace, decided with its root: %s", splitDecision).isTrue();
      await(() -> storedSpans(split) == 3);
    }
  }

  @Test
  void aStopWhileDecisionsCannotBeLoggedKeepsToTheTimeItIsGiven() throws Exception {
    SpansTopic topic = newTopic();
    UnwritableLog log = new UnwritableLog(store.decisions());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (KafkaSpanSink sink = KafkaSpanSink.start(topic, "ingest-1", new SimpleMeterRegistry())) {
      KafkaSampling sampler =
          sampler(topic, "sampler-4", 2, storeQueue(), Duration.ofSeconds(5), log, registry).start();
      try {
        for (int i = 0; i < 8; i++) {
          send(sink, trace(spans.newTraceId(), true));
        }
        await(() -> count(registry, "tailkeep.kafka.decisions.write.failures") >= 1);
      } finally {
        long start = System.nanoTime();
        sampler.close(Duration.ofSeconds(12));
        // The drain timeout alone is 20 s: the stop's own deadline must win. Leaving the group
        // takes the last 10 s at most, so the writes get about 2 s.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(14));
        assertThat(ownedPartitions(topic)).as("partitions still owned once the stop returned").isZero();
      }
    }
    assertThat(committedEqualsEnd(topic)).as("offsets committed past traces never logged").isFalse();
  }

  private static long ownedPartitions(SpansTopic topic) throws Exception {
    try (GroupStatus status = new GroupStatus(topic, Duration.ofSeconds(10))) {
      return status.read().toCompletableFuture().get(20, TimeUnit.SECONDS)
          .partitions().stream().filter(partition -> partition.owner().isPresent()).count();
    }
  }

  private static double count(MeterRegistry registry, String counter) {
    return registry.get(counter).counter().count();
  }

  /** The real decision log, with writes refused while {@code failing}, as when Cassandra is away. */
  private static final class UnwritableLog implements DecisionLog {
    private final DecisionLog log;
    volatile boolean failing = true;

    UnwritableLog(DecisionLog log) {
      this.log = log;
    }

    @Override
    public CompletionStage<Void> write(List<StoredDecision> decisions) {
      return failing
          ? CompletableFuture.failedFuture(new IllegalStateException("decision log unwritable"))
          : log.write(decisions);
    }

    @Override
    public CompletionStage<Map<TraceId, StoredDecision>> read(Collection<TraceId> traceIds) {
      return log.read(traceIds);
    }
  }

  private static int storedSpans(TraceId traceId) {
    return store.reader().getTrace(traceId).toCompletableFuture().join()
        .map(trace -> trace.spans().size()).orElse(0);
  }

  /** Every partition's committed offset at its end, as the sampling page reads it. */
  private static boolean committedEqualsEnd(SpansTopic topic) {
    try (GroupStatus status = new GroupStatus(topic, Duration.ofSeconds(10))) {
      return status.read().toCompletableFuture().get(20, TimeUnit.SECONDS)
          .partitions().stream().allMatch(partition -> partition.lag() == 0);
    } catch (Exception e) {
      return false;
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 60 s");
      }
      Thread.sleep(100);
    }
  }

}
