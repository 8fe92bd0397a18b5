package io.tailkeep.kafka;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tailkeep.sampler.buffer.BufferStats;
import io.tailkeep.sampler.buffer.DecisionListener;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.shadow.CandidateRules;
import io.tailkeep.store.DecisionLog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A sampler node on Kafka: consumers in one group read the spans topic, each assigned partition is
 * its own trace buffer, every decision goes to the decision log before the offsets that cover its
 * trace are committed, and kept traces go to the store queue after their decision row.
 *
 * <p>Assembled by {@code deploy}, which owns the store queue, the decision log and the rules.
 */
public final class KafkaSampling implements AutoCloseable {

  public static final String GROUP = "tailkeep-samplers";
  static final Duration DEFAULT_LOOKUP_WINDOW = TraceBuffer.DEFAULT_DECISION_CACHE_EXPIRY;
  static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(20);
  /**
   * How often the consumers' own metrics are looked at for new ones: a partition's lag metric
   * exists only once its consumer has fetched from it, so this is how soon a taken partition shows.
   */
  static final Duration CLIENT_METRICS_REFRESH = Duration.ofSeconds(10);

  private final SpansTopic spans;
  private final String name;
  private final StoreQueue storeQueue;
  private final DecisionLog decisions;
  private final Supplier<RuleSet> rules;
  /** Rules on trial in this node's buffers; null when none are tried. */
  private final CandidateRules candidate;
  private final Consumer<TraceBuffer.Builder> bufferSettings;
  private final long bufferBytes;
  private final Clock clock;
  private final Duration lookupWindow;
  private final Duration drainTimeout;
  private final NodeCounters counters;
  /** The buffers of the partitions this node owns now; read by gauges on other threads. */
  private final Set<TraceBuffer> buffers = ConcurrentHashMap.newKeySet();
  /** The spans topic's partitions, as found at start; 0 before. */
  private volatile int topicPartitions;
  /**
   * What the buffers of partitions this node no longer owns counted, so its counts never go back
   * when a partition moves away. Guarded by {@link #buffers}, changed together with it.
   */
  private BufferStats released = BufferStats.EMPTY;
  private final DecisionListener decisionListener;
  private final List<SamplerConsumer> consumers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final List<KafkaClientMetrics> clientMetrics = new ArrayList<>();
  private final ScheduledExecutorService clientMetricsRefresh =
      Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tailkeep-sampler-metrics");
        thread.setDaemon(true);
        return thread;
      });

  private KafkaSampling(Builder b) {
    this.spans = b.spans;
    this.name = b.name;
    this.storeQueue = b.storeQueue;
    this.decisions = b.decisions;
    this.rules = b.rules;
    this.candidate = b.candidate;
    this.bufferSettings = b.bufferSettings;
    this.bufferBytes = b.bufferBytes;
    this.clock = b.clock;
    this.lookupWindow = b.lookupWindow;
    this.drainTimeout = b.drainTimeout;
    this.counters = new NodeCounters(b.registry);
    this.decisionListener = b.decisionListener;
    Gauge.builder("tailkeep.kafka.partitions.owned", buffers, Set::size)
        .description("Partitions of the spans topic this node samples now")
        .register(b.registry);
    // Counted by the buffers, once; read here when scraped.
    FunctionCounter.builder("tailkeep.kafka.decisions.made", this,
            node -> {
              BufferStats stats = node.stats();
              return stats.tracesKept() + stats.tracesDropped();
            })
        .description("Traces decided on this node")
        .register(b.registry);
    for (int i = 0; i < b.threads; i++) {
      KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
          consumerConfig(spans, name, i), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      consumers.add(new SamplerConsumer(consumer, this));
      // Kafka's own consumer metrics, among them records-lag per partition.
      KafkaClientMetrics metrics =
          new KafkaClientMetrics(consumer, List.of(), clientMetricsRefresh, CLIENT_METRICS_REFRESH);
      metrics.bindTo(b.registry);
      clientMetrics.add(metrics);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  static Map<String, Object> consumerConfig(SpansTopic spans, String node, int index) {
    Map<String, Object> config = new HashMap<>(spans.clientConfig());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    // Static membership: a node restarted within the session timeout keeps its partitions.
    config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, node + "-" + index);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "tailkeep-sampler-" + node + "-" + index);
    config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // A new group reads what was produced before its first member came: nothing accepted is skipped.
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return config;
  }

  /** Makes sure the topic exists and starts the consumers. */
  public KafkaSampling start() throws InterruptedException {
    topicPartitions = TopicSetup.ensure(spans, Duration.ofSeconds(30));
    for (int i = 0; i < consumers.size(); i++) {
      Thread thread = new Thread(consumers.get(i), "tailkeep-sampler-" + i);
      threads.add(thread);
      thread.start();
    }
    return this;
  }

  /**
   * Stops reading, writes what was decided, commits and leaves the group, so the partitions move
   * at once; undecided traces are decided by the partitions' next owners. Waits up to the drain
   * timeout and the time to leave.
   */
  @Override
  public void close() throws InterruptedException {
    close(drainTimeout.plus(SamplerConsumer.LEAVE_TIMEOUT));
  }

  /**
   * {@link #close()} within {@code timeout} as a whole: what is not written by then is left to the
   * partitions' next owners (their offsets are not committed past it), and the group is left in
   * the time that remains.
   */
  public void close(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    consumers.forEach(consumer -> consumer.stop(deadline));
    for (Thread thread : threads) {
      // Each consumer's own leave is bounded; the slack covers a poll still returning.
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1_000));
    }
    clientMetrics.forEach(KafkaClientMetrics::close);
    clientMetricsRefresh.shutdownNow();
  }

  public int partitionsOwned() {
    return buffers.size();
  }

  /**
   * This node's buffers as one since it started: what the partitions it owns hold now, and what
   * every partition it has owned counted (the per-rule counts of the sampling page, the metrics).
   */
  public BufferStats stats() {
    synchronized (buffers) {
      BufferStats total = released;
      for (TraceBuffer buffer : buffers) {
        total = total.plus(buffer.stats());
      }
      return total;
    }
  }

  String topic() {
    return spans.topic();
  }

  String name() {
    return name;
  }

  StoreQueue storeQueue() {
    return storeQueue;
  }

  DecisionLog decisions() {
    return decisions;
  }

  RuleSet rules() {
    return rules.get();
  }

  /**
   * Tells the rules in force, and any candidate on trial, this node's share of the traffic, so
   * per-key targets are kept once across the nodes.
   */
  void shareTraffic(RuleSet current) {
    double share = trafficShare();
    current.trafficShare(share);
    if (candidate != null) {
      candidate.trafficShare(share);
    }
  }

  /**
   * The share of all traces this node sees: the topic is keyed by trace ID, so owning {@code n}
   * of {@code N} partitions is seeing {@code n / N} of every key's traces; per-key targets are
   * scaled by it so the nodes together keep each target once.
   */
  double trafficShare() {
    int total = topicPartitions;
    return total == 0 ? 1 : Math.min(1, (double) buffers.size() / total);
  }

  Clock clock() {
    return clock;
  }

  Duration lookupWindow() {
    return lookupWindow;
  }

  Duration drainTimeout() {
    return drainTimeout;
  }

  NodeCounters counters() {
    return counters;
  }

  TraceBuffer.Builder bufferSettings(RuleSet current) {
    TraceBuffer.Builder builder = TraceBuffer.builder();
    bufferSettings.accept(builder);
    return builder.rules(current).maximumWeightBytes(shardBudget());
  }

  /** The node's buffer bound, split evenly over the partitions it owns now. */
  long shardBudget() {
    return Math.max(1, bufferBytes / Math.max(1, buffers.size()));
  }

  DecisionListener decisionListener() {
    return decisionListener;
  }

  void shardsOpened(Collection<PartitionShard> opened) {
    synchronized (buffers) {
      opened.forEach(shard -> buffers.add(shard.buffer()));
    }
  }

  /** Called once a shard is revoked, on its consumer's thread: its buffer decides nothing more. */
  void shardsClosed(Collection<PartitionShard> closed) {
    synchronized (buffers) {
      for (PartitionShard shard : closed) {
        if (buffers.remove(shard.buffer())) {
          released = released.plus(shard.buffer().stats().countsOnly());
        }
      }
    }
  }

  /** Configures a {@link KafkaSampling}; topic, node name, store queue, decision log and rules are required. */
  public static final class Builder {
    private SpansTopic spans;
    private String name;
    private int threads = Runtime.getRuntime().availableProcessors();
    private StoreQueue storeQueue;
    private DecisionLog decisions;
    private Supplier<RuleSet> rules;
    private CandidateRules candidate;
    private Consumer<TraceBuffer.Builder> bufferSettings = builder -> {};
    private long bufferBytes = TraceBuffer.DEFAULT_MAXIMUM_WEIGHT_BYTES;
    private Clock clock = Clock.systemUTC();
    private Duration lookupWindow = DEFAULT_LOOKUP_WINDOW;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private MeterRegistry registry = new SimpleMeterRegistry();
    private DecisionListener decisionListener = DecisionListener.NONE;

    private Builder() {}

    /** Told of every decision this node makes (sampler metrics). */
    public Builder decisionListener(DecisionListener listener) {
      this.decisionListener = Objects.requireNonNull(listener, "decisionListener");
      return this;
    }

    public Builder spansTopic(SpansTopic spans) {
      this.spans = Objects.requireNonNull(spans, "spans");
      return this;
    }

    public Builder nodeName(String name) {
      if (name == null || !name.matches("[A-Za-z0-9._-]{1,200}")) {
        throw new IllegalArgumentException(
            "node.name must be 1 to 200 letters, digits, '.', '_' or '-', got '" + name + "'");
      }
      this.name = name;
      return this;
    }

    /** Consumers on this node, each its own thread; default one per core. */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("sampler threads must be 1 to 256, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    public Builder storeQueue(StoreQueue storeQueue) {
      this.storeQueue = Objects.requireNonNull(storeQueue, "storeQueue");
      return this;
    }

    public Builder decisions(DecisionLog decisions) {
      this.decisions = Objects.requireNonNull(decisions, "decisions");
      return this;
    }

    /** The rules in force, read on every poll round, so a reload reaches every partition. */
    public Builder rules(Supplier<RuleSet> rules) {
      this.rules = Objects.requireNonNull(rules, "rules");
      return this;
    }

    /**
     * The candidate rules the buffers try (set in their {@link #buffer} settings), told this
     * node's traffic share as the rules in force are; none by default.
     */
    public Builder candidate(CandidateRules candidate) {
      this.candidate = Objects.requireNonNull(candidate, "candidate");
      return this;
    }

    /** Timing and cache settings of each partition's buffer (its bound comes from {@link #bufferBytes}). */
    public Builder buffer(Consumer<TraceBuffer.Builder> settings) {
      this.bufferSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** The node's whole buffer bound, shared by its partitions. */
    public Builder bufferBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("buffer bytes must be positive, got " + bytes);
      }
      this.bufferBytes = bytes;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long after taking a partition its unknown traces are looked up in the decision log. */
    public Builder lookupWindow(Duration window) {
      this.lookupWindow = Objects.requireNonNull(window, "window");
      return this;
    }

    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    public KafkaSampling build() {
      Objects.requireNonNull(spans, "spansTopic is required");
      Objects.requireNonNull(name, "nodeName is required");
      Objects.requireNonNull(storeQueue, "storeQueue is required");
      Objects.requireNonNull(decisions, "decisions is required");
      Objects.requireNonNull(rules, "rules is required");
      return new KafkaSampling(this);
    }
  }
}
