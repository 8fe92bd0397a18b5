package io.tailkeep.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.tailkeep.collector.SpanSink;
import io.tailkeep.kafka.GroupSnapshot;
import io.tailkeep.kafka.GroupStatus;
import io.tailkeep.kafka.KafkaSampling;
import io.tailkeep.kafka.KafkaSpanSink;
import io.tailkeep.kafka.SpansTopic;
import io.tailkeep.sampler.SamplerMetrics;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.sampler.reload.CandidateFile;
import io.tailkeep.sampler.reload.RulesReloader;
import io.tailkeep.store.DecisionLog;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.TraceId;
import io.tailkeep.ui.sampling.PartitionOwners;
import io.tailkeep.ui.sampling.SamplingView;
import io.tailkeep.ui.sampling.SamplingView.ActiveRules;
import io.tailkeep.ui.sampling.SamplingView.CandidateState;
import io.tailkeep.ui.sampling.SamplingView.DeadLetterList;
import io.tailkeep.ui.sampling.SamplingView.FileStatus;
import io.tailkeep.ui.sampling.SamplingView.TraceDecision;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a node on Kafka, by its roles: the ingest sink (OTLP → the spans topic), the
 * sampler (the topic → a buffer per partition → Cassandra), and the rules every role shows.
 */
final class KafkaNode implements SamplingView {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaNode.class);
  private static final Duration COUNTS_REFRESH = Duration.ofSeconds(10);
  private static final Duration KAFKA_CHECK_TIMEOUT = Duration.ofMillis(1_500);

  private final KafkaSpanSink sink;
  private final KafkaSampling sampling;
  private final StoreQueue storeQueue;
  private final SamplerAssembly.Rules rules;
  /** Null on a node without the sampler role: candidates are tried where traces are decided. */
  private final SamplerAssembly.Candidate candidate;
  private final long rulesCheckNanos;
  private final ScheduledExecutorService scheduler;
  private final DecisionLog decisions;
  private final ClusterCounts counts;
  private final SpansTopic topic;
  /** Made on the first read: only nodes serving the query role ask. Guarded by this. */
  private GroupStatus groupStatus;
  private boolean stopped;

  private KafkaNode(
      DecisionLog decisions,
      ClusterCounts counts,
      KafkaSpanSink sink,
      KafkaSampling sampling,
      StoreQueue storeQueue,
      SamplerAssembly.Rules rules,
      SamplerAssembly.Candidate candidate,
      Duration rulesCheckInterval,
      ScheduledExecutorService scheduler,
      SpansTopic topic) {
    this.sink = sink;
    this.sampling = sampling;
    this.storeQueue = storeQueue;
    this.rules = rules;
    this.candidate = candidate;
    this.rulesCheckNanos = rulesCheckInterval.toNanos();
    this.scheduler = scheduler;
    this.decisions = decisions;
    this.counts = counts;
    this.topic = topic;
  }

  /**
   * What a node on Kafka needs to start its roles, beyond the sampler's parts (rules, store queue,
   * buffer settings, timing) that {@link SamplerAssembly} gives both paths.
   *
   * @param bufferBytes the node's whole buffer bound, split over the partitions it owns
   */
  record Settings(
      SpansTopic topic,
      String nodeName,
      boolean ingest,
      boolean sampler,
      int samplerThreads,
      long bufferBytes) {}

  /** @param store null on a node with only the ingest role */
  static KafkaNode start(
      Settings settings, SpanStore store, SamplerAssembly parts, MeterRegistry registry)
      throws InterruptedException {
    SamplerAssembly.Rules rules = parts.rules();
    KafkaSpanSink sink = null;
    KafkaSampling sampling = null;
    StoreQueue queue = null;
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "tailkeep-kafka-node");
      thread.setDaemon(true);
      return thread;
    });
    boolean started = false;
    try {
      if (settings.ingest()) {
        sink = KafkaSpanSink.start(settings.topic(), settings.nodeName(), registry);
      }
      if (settings.sampler()) {
        queue = parts.storeQueue(store.writer());
        // The all-in-one's sampler metrics, summed over this node's partitions.
        SamplerMetrics metrics = new SamplerMetrics(registry);
        metrics.bindStoreQueue(queue);
        metrics.bindRules(rules::current, rules::status);
        sampling = KafkaSampling.builder()
            .spansTopic(settings.topic())
            .nodeName(settings.nodeName())
            .threads(settings.samplerThreads())
            .storeQueue(queue)
            .decisions(store.decisions())
            .rules(rules::current)
            .candidate(parts.candidate().rules())
            .buffer(parts.bufferSettings())
            .bufferBytes(settings.bufferBytes())
            .meterRegistry(registry)
            .decisionListener(metrics)
            .build()
            .start();
        metrics.bindBuffers(sampling::stats);
      }
      KafkaSampling counted = sampling;
      // An ingest-only node has no store: it neither counts nor answers "why".
      ClusterCounts counts = store == null ? null
          : new ClusterCounts(store.samplingCounts(), settings.nodeName(),
              counted == null ? null : () -> counted.stats().tracesKeptByRule(),
              counted == null ? null : () -> counted.stats().tracesDroppedByRule(),
              Clock.systemUTC());
      KafkaNode node =
          new KafkaNode(store == null ? null : store.decisions(), counts, sink, sampling, queue, rules,
              settings.sampler() ? parts.candidate() : null, parts.rulesCheckInterval(), scheduler,
              settings.topic());
      long tick = parts.tick().toMillis();
      scheduler.scheduleWithFixedDelay(node::tick, tick, tick, TimeUnit.MILLISECONDS);
      if (counts != null) {
        scheduler.scheduleWithFixedDelay(node::refreshCounts, 0, COUNTS_REFRESH.toMillis(), TimeUnit.MILLISECONDS);
      }
      started = true;
      return node;
    } finally {
      if (!started) {
        scheduler.shutdownNow();
        if (sink != null) {
          sink.close();
        }
        if (sampling != null) {
          sampling.close();
        }
      }
    }
  }

  private long lastRulesCheck;

  /** Retries of the store queue after a backoff, and the rules file when due. */
  private void tick() {
    try {
      if (storeQueue != null) {
        storeQueue.pump();
      }
      long now = System.nanoTime();
      if (now - lastRulesCheck >= rulesCheckNanos) {
        lastRulesCheck = now;
        // The consumers read rules.current() every poll round and move their buffers onto it.
        rules.reloader().ifPresent(RulesReloader::checkNow);
        if (candidate != null) {
          candidate.file().ifPresent(CandidateFile::checkNow);
        }
      }
    } catch (RuntimeException e) {
      LOG.error("Kafka node tick failed", e);
    }
  }

  private void refreshCounts() {
    try {
      counts.refresh();
    } catch (RuntimeException e) {
      LOG.error("rule counts refresh failed", e);
    }
  }

  /** On an ingest node: Kafka answers for the spans topic. */
  Optional<ApiRoutes.ReadyCheck> readiness() {
    return sink == null ? Optional.empty()
        : Optional.of(new ApiRoutes.ReadyCheck("Kafka", () -> sink.reachable(KAFKA_CHECK_TIMEOUT)));
  }

  /** The ingest role's sink; empty without it. */
  Optional<SpanSink> sink() {
    return Optional.ofNullable(sink);
  }

  /**
   * Stops the ingest sink after its records in flight, then the sampler (which writes what it
   * decided and commits), then waits for kept traces to be written.
   */
  void stop(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (sink != null) {
      sink.close();
    }
    if (sampling != null) {
      sampling.close(left(deadline));
    }
    closeGroupStatus();
    scheduler.shutdown();
    if (counts != null) {
      counts.refresh(); // this node's last counts
    }
    if (storeQueue != null && !storeQueue.awaitDrained(left(deadline))) {
      LOG.warn("stopped with {} kept batches not written; their records are replayed by the next owner",
          storeQueue.stats().queuedBatches());
    }
  }

  private static Duration left(long deadlineNanos) {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  @Override
  public ActiveRules rules() {
    return SamplerViews.activeRules(rules.current());
  }

  @Override
  public Optional<FileStatus> rulesStatus() {
    return rules.status().map(SamplerViews::fileStatus);
  }

  /**
   * This node's candidate comparison: it sees the traces of the partitions it owns (a candidate
   * file configured on every sampler node is tried on all traffic, each node on its share).
   */
  @Override
  public CandidateState candidate() {
    return candidate == null ? CandidateState.NONE : SamplerViews.candidateState(candidate);
  }

  @Override
  public List<String> proposeCandidate(String rulesText) {
    if (candidate == null) {
      return SamplingView.super.proposeCandidate(rulesText);
    }
    return candidate.propose(rulesText);
  }

  @Override
  public void withdrawCandidate() {
    if (candidate == null) {
      SamplingView.super.withdrawCandidate(); // throws: no sampler here
      return;
    }
    candidate.rules().withdraw();
  }

  /** From the decision log: every node answers for every trace, whoever decided it. */
  @Override
  public CompletionStage<Optional<TraceDecision>> why(TraceId traceId) {
    return decisions.read(List.of(traceId))
        .thenApply(found -> Optional.ofNullable(found.get(traceId)).map(SamplerViews::decision));
  }

  /** The whole cluster's counts since this node started, refreshed every 10 s. */
  @Override
  public Map<String, Long> keptByRule() {
    return counts.keptByRule();
  }

  @Override
  public Map<String, Long> droppedByRule() {
    return counts.droppedByRule();
  }

  @Override
  public Optional<DeadLetterList> deadLetters() {
    return storeQueue == null
        ? Optional.empty()
        : storeQueue.deadLetters().map(SamplerViews::deadLetterList);
  }

  /** Read from Kafka: the sampler group's owner of each partition of the spans topic, and lag. */
  @Override
  public CompletionStage<Optional<PartitionOwners>> partitionOwners() {
    GroupStatus status;
    synchronized (this) {
      if (stopped) {
        return CompletableFuture.failedFuture(new IllegalStateException("this node is stopping"));
      }
      if (groupStatus == null) {
        try {
          groupStatus = new GroupStatus(topic, GroupStatus.DEFAULT_TIMEOUT);
        } catch (IllegalStateException e) {
          return CompletableFuture.failedFuture(e); // made again on the next request
        }
      }
      status = groupStatus;
    }
    return status.read().thenApply(snapshot -> Optional.of(owners(snapshot)));
  }

  private synchronized void closeGroupStatus() {
    stopped = true;
    if (groupStatus != null) {
      groupStatus.close();
    }
  }

  private static PartitionOwners owners(GroupSnapshot snapshot) {
    return new PartitionOwners(snapshot.topic(), snapshot.group(), snapshot.state(), snapshot.readAt(),
        snapshot.partitions().stream()
            .map(p -> new PartitionOwners.Partition(p.partition(),
                p.owner().map(o -> new PartitionOwners.Owner(o.node(), o.consumer())),
                p.committedOffset(), p.endOffset(), p.lag()))
            .toList(),
        snapshot.nodes().stream()
            .map(n -> new PartitionOwners.Node(n.node(), n.partitions(), n.lag()))
            .toList());
  }
}
