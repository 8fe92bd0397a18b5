package io.tailkeep.sampler;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.tailkeep.sampler.buffer.DecisionRecord;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.reload.RulesReloader;
import io.tailkeep.sampler.reload.RulesStatus;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.sampler.store.StoreQueue;
import io.tailkeep.store.SpanWriter;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tail sampler as one part: spans go into the {@link TraceBuffer}, kept traces into the {@link
 * StoreQueue} and on to the span store, and the rules file is reloaded when it changes.
 *
 * <p>One scheduler thread runs {@link #tick()}: decide the traces that are due, restart store
 * writes after a backoff, and every {@code rulesCheckInterval} look at the rules file. Tests call
 * {@link #tick()} themselves on a fake ticker instead of {@link #start()}.
 *
 * <p>Spans are refused, never dropped, when the store queue is full (Cassandra slow or away) or
 * shutdown has begun; the receivers turn that into RESOURCE_EXHAUSTED so exporters retry.
 */
public final class TailSampler implements AutoCloseable {

  static final Duration DEFAULT_TICK = Duration.ofMillis(100);
  static final Duration DEFAULT_RULES_CHECK_INTERVAL = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(TailSampler.class);

  private final TraceBuffer buffer;
  private final StoreQueue storeQueue;
  private final RulesReloader reloader;
  private final Ticker ticker;
  private final Duration tick;
  private final long rulesCheckNanos;
  private final Object tickLock = new Object();
  /** Caffeine's maintenance and the hand-over of evicted traces; drained at shutdown. */
  private final ExecutorService maintenance;
  private long lastRulesCheck;
  private ScheduledExecutorService scheduler;
  private volatile boolean accepting = true;

  private TailSampler(Builder builder) throws RulesFileException {
    this.ticker = builder.ticker;
    this.tick = builder.tick;
    this.rulesCheckNanos = builder.rulesCheckInterval.toNanos();
    StoreQueue.Builder queue = StoreQueue.builder().writer(builder.writer).ticker(ticker);
    builder.storeQueueSettings.accept(queue);
    this.storeQueue = queue.build();
    // The reloader loads the file before the buffer exists; it applies later versions to the buffer.
    RuleSet rules;
    if (builder.rulesFile != null) {
      this.reloader =
          RulesReloader.load(
              builder.rulesFile, this::applyRules, builder.clock, ticker);
      rules = reloader.current();
    } else {
      this.reloader = null;
      rules = builder.rules != null ? builder.rules : RulesFile.loadDefault(ticker);
    }
    SamplerMetrics metrics = new SamplerMetrics(builder.registry);
    this.maintenance = Executors.newSingleThreadExecutor(daemon("tailkeep-buffer-maintenance"));
    TraceBuffer.Builder bufferBuilder = TraceBuffer.builder().executor(maintenance);
    builder.bufferSettings.accept(bufferBuilder);
    this.buffer =
        bufferBuilder
            .rules(rules)
            .sink(storeQueue)
            .ticker(ticker)
            .clock(builder.clock)
            .decisionListener(metrics)
            .build();
    this.lastRulesCheck = ticker.read();
    metrics.bind(this);
  }

  /** Called by the reloader (only after construction) with each valid new version of the file. */
  private void applyRules(RuleSet rules) {
    buffer.replaceRules(rules);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Takes all of {@code spans} into the buffer, or none of them (see {@link OfferResult}). */
  public OfferResult offer(List<WireSpan> spans) {
    if (!accepting) {
      return OfferResult.SHUTTING_DOWN;
    }
    if (storeQueue.isFull()) {
      return OfferResult.STORE_QUEUE_FULL;
    }
    buffer.offer(spans);
    return OfferResult.ACCEPTED;
  }

  /** Starts the scheduler thread that calls {@link #tick()}. */
  public synchronized TailSampler start() {
    if (scheduler != null) {
      throw new IllegalStateException("already started");
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(daemon("tailkeep-sampler"));
    long millis = tick.toMillis();
    scheduler.scheduleWithFixedDelay(this::tickSafely, millis, millis, TimeUnit.MILLISECONDS);
    return this;
  }

  /** One round of the scheduled work: due decisions, store writes, and the rules file when due. */
  public void tick() {
    synchronized (tickLock) {
      buffer.decideDue();
      storeQueue.pump();
      long now = ticker.read();
      if (reloader != null && now - lastRulesCheck >= rulesCheckNanos) {
        lastRulesCheck = now;
        reloader.checkNow();
      }
    }
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again; log and keep the sampler alive.
      LOG.error("sampler tick failed", e);
    }
  }

  /**
   * Stops taking spans, decides every buffered trace and waits up to {@code timeout} for every kept
   * trace to be written. Returns whether everything was written.
   */
  public boolean shutdown(Duration timeout) throws InterruptedException {
    accepting = false;
    synchronized (this) {
      if (scheduler != null) {
        scheduler.shutdown();
        scheduler.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    int decided;
    synchronized (tickLock) {
      decided = buffer.decideAll();
    }
    // Traces evicted just before are handed over on the maintenance thread; let it finish first.
    maintenance.shutdown();
    maintenance.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    boolean drained = storeQueue.awaitDrained(timeout);
    if (drained) {
      LOG.info("sampler stopped: {} buffered traces decided, every kept trace written", decided);
    } else {
      LOG.warn(
          "sampler stopped after {}: {} kept batches ({} bytes) not written to the span store",
          timeout,
          storeQueue.queuedBatches(),
          storeQueue.queuedBytes());
    }
    return drained;
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** {@link #shutdown} with 30 s to write what is queued. */
  @Override
  public void close() throws InterruptedException {
    shutdown(Duration.ofSeconds(30));
  }

  /** How a recently decided trace was decided, if it is still remembered. */
  public Optional<DecisionRecord> why(TraceId traceId) {
    return buffer.why(traceId);
  }

  /** The rules deciding now. */
  public RuleSet rules() {
    return buffer.rules();
  }

  /** The rules file's reload state; empty when the sampler runs on fixed rules. */
  public Optional<RulesStatus> rulesStatus() {
    return reloader == null ? Optional.empty() : Optional.of(reloader.status());
  }

  public TraceBuffer buffer() {
    return buffer;
  }

  public StoreQueue storeQueue() {
    return storeQueue;
  }

  /**
   * Configures a {@link TailSampler}. The writer is required; the rules come from a file (watched),
   * a fixed {@link RuleSet}, or the shipped defaults.
   */
  public static final class Builder {

    private SpanWriter writer;
    private Path rulesFile;
    private RuleSet rules;
    private Consumer<TraceBuffer.Builder> bufferSettings = b -> {};
    private Consumer<StoreQueue.Builder> storeQueueSettings = q -> {};
    private MeterRegistry registry = Metrics.globalRegistry;
    private Ticker ticker = Ticker.systemTicker();
    private Clock clock = Clock.systemUTC();
    private Duration tick = DEFAULT_TICK;
    private Duration rulesCheckInterval = DEFAULT_RULES_CHECK_INTERVAL;

    private Builder() {}

    /** Where kept traces are written; required. */
    public Builder writer(SpanWriter writer) {
      this.writer = Objects.requireNonNull(writer, "writer");
      return this;
    }

    /** A rules file, loaded now and reloaded when it changes. */
    public Builder rulesFile(Path file) {
      this.rulesFile = Objects.requireNonNull(file, "rulesFile");
      return this;
    }

    /** Fixed rules, never reloaded (tests, benchmarks). */
    public Builder rules(RuleSet rules) {
      this.rules = Objects.requireNonNull(rules, "rules");
      return this;
    }

    /**
     * Buffer settings (size, timing, caps); rules, sink, ticker and clock are set by the sampler,
     * and its maintenance executor unless these settings name one.
     */
    public Builder buffer(Consumer<TraceBuffer.Builder> settings) {
      this.bufferSettings = Objects.requireNonNull(settings, "buffer settings");
      return this;
    }

    /** Store queue settings (bound, writes in flight, backoff); writer and ticker are set here. */
    public Builder storeQueue(Consumer<StoreQueue.Builder> settings) {
      this.storeQueueSettings = Objects.requireNonNull(settings, "storeQueue settings");
      return this;
    }

    /** Where the sampler's metrics go; Micrometer's global registry by default. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How often due traces are decided; default 100 ms. */
    public Builder tick(Duration tick) {
      this.tick = requirePositive("tick", tick);
      if (tick.toMillis() == 0) {
        throw new IllegalArgumentException("tick must be at least 1 ms, got " + tick);
      }
      return this;
    }

    /** How often the rules file is looked at; default 1 s. */
    public Builder rulesCheckInterval(Duration interval) {
      this.rulesCheckInterval = requirePositive("rulesCheckInterval", interval);
      return this;
    }

    /** Builds the parts; a rules file that is missing or invalid fails here with its errors. */
    public TailSampler build() throws RulesFileException {
      if (writer == null) {
        throw new IllegalStateException("writer must be set");
      }
      if (rulesFile != null && rules != null) {
        throw new IllegalStateException("set rulesFile or rules, not both");
      }
      return new TailSampler(this);
    }

    private static Duration requirePositive(String setting, Duration duration) {
      Objects.requireNonNull(duration, setting);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(setting + " must be positive, got " + duration);
      }
      return duration;
    }
  }
}
