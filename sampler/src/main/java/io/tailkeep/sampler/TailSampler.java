package io.tailkeep.sampler;

import com.github.benmanes.caffeine.cache.Ticker;
import io.tailkeep.sampler.buffer.DecisionRecord;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.DeadLetters;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.sampler.keptqueue.StoreQueueStats;
import io.tailkeep.sampler.reload.CandidateFile;
import io.tailkeep.sampler.reload.RulesReloader;
import io.tailkeep.sampler.reload.RulesStatus;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tail sampler's running job over parts it is given: spans go into the {@link TraceBuffer},
 * whose sink is the {@link StoreQueue}, and a {@link RulesReloader} (if any) looks at the rules
 * file, a {@link CandidateFile} (if any) at the candidate rules file. Whoever assembles a server
 * builds the parts ({@code deploy}); this class only runs them.
 *
 * <p>One scheduler thread runs {@link #tick()}: decide the traces that are due, restart store
 * writes after a backoff, and every {@code rulesCheckInterval} look at the rules file and move the
 * buffer onto new rules. Tests call {@link #tick()} themselves on a fake ticker instead of {@link
 * #start()}.
 *
 * <p>Spans are refused, never dropped, when the store queue is full (Cassandra slow or away) or
 * shutdown has begun; the receivers turn that into RESOURCE_EXHAUSTED so exporters retry.
 */
public final class TailSampler implements AutoCloseable {

  public static final Duration DEFAULT_TICK = Duration.ofMillis(100);
  public static final Duration DEFAULT_RULES_CHECK_INTERVAL = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(TailSampler.class);

  private final TraceBuffer buffer;
  private final StoreQueue storeQueue;
  private final RulesReloader reloader;
  private final CandidateFile candidateFile;
  /** The buffer's executor (Caffeine's maintenance, evicted traces' hand-over); may be null. */
  private final ExecutorService bufferExecutor;
  private final Ticker ticker;
  private final Duration tick;
  private final long rulesCheckNanos;
  private final Object tickLock = new Object();
  private long lastRulesCheck;
  private ScheduledExecutorService scheduler;
  /**
   * Offers hold the read side while they check {@link #accepting} and buffer; shutdown takes the
   * write side to stop accepting, so once it has, no offer is still on its way into the buffer and
   * the final decision round sees every span that was accepted.
   */
  private final ReadWriteLock acceptance = new ReentrantReadWriteLock();
  private boolean accepting = true;

  private TailSampler(Builder builder) {
    this.buffer = builder.buffer;
    this.storeQueue = builder.storeQueue;
    this.reloader = builder.reloader;
    this.candidateFile = builder.candidateFile;
    this.bufferExecutor = builder.bufferExecutor;
    this.ticker = builder.ticker;
    this.tick = builder.tick;
    this.rulesCheckNanos = builder.rulesCheckInterval.toNanos();
    this.lastRulesCheck = ticker.read();
    if (builder.metrics != null) {
      builder.metrics.bind(this);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Takes all of {@code spans} into the buffer, or none of them (see {@link OfferResult}). */
  public OfferResult offer(List<WireSpan> spans) {
    Lock offering = acceptance.readLock();
    offering.lock();
    try {
      if (!accepting) {
        return OfferResult.SHUTTING_DOWN;
      }
      if (storeQueue.isFull()) {
        return OfferResult.STORE_QUEUE_FULL;
      }
      buffer.offer(spans);
      return OfferResult.ACCEPTED;
    } finally {
      offering.unlock();
    }
  }

  /** Starts the scheduler thread that calls {@link #tick()}. */
  public synchronized TailSampler start() {
    if (scheduler != null) {
      throw new IllegalStateException("already started");
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "tailkeep-sampler");
              thread.setDaemon(true);
              return thread;
            });
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
      if (now - lastRulesCheck >= rulesCheckNanos) {
        lastRulesCheck = now;
        if (reloader != null) {
          reloader.checkNow();
          // The reloader only reads the file; the buffer follows it here, as a node on Kafka's do.
          RuleSet current = reloader.current();
          if (current != buffer.rules()) {
            buffer.replaceRules(current);
          }
        }
        if (candidateFile != null) {
          candidateFile.checkNow();
        }
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
   * Stops taking spans, decides every buffered trace and waits for every kept trace to be written,
   * all within {@code timeout} (one deadline for every wait, so the stop fits a grace period).
   * Returns whether everything was written.
   */
  public boolean shutdown(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Lock stopping = acceptance.writeLock();
    stopping.lock(); // waits for offers under way: they finish buffering before the final round
    try {
      accepting = false;
    } finally {
      stopping.unlock();
    }
    synchronized (this) {
      if (scheduler != null) {
        scheduler.shutdown();
        scheduler.awaitTermination(left(deadline), TimeUnit.NANOSECONDS);
      }
    }
    int decided;
    synchronized (tickLock) {
      decided = buffer.decideAll();
    }
    // Traces evicted just before are handed over on the buffer's executor; let it finish first.
    if (bufferExecutor != null) {
      bufferExecutor.shutdown();
      bufferExecutor.awaitTermination(left(deadline), TimeUnit.NANOSECONDS);
    }
    boolean drained = storeQueue.awaitDrained(Duration.ofNanos(left(deadline)));
    if (drained) {
      LOG.info("sampler stopped: {} buffered traces decided, every kept trace written", decided);
    } else {
      StoreQueueStats unwritten = storeQueue.stats();
      LOG.warn(
          "sampler stopped after {}: {} kept batches ({} bytes) not written to the span store",
          timeout,
          unwritten.queuedBatches(),
          unwritten.queuedBytes());
    }
    return drained;
  }

  private static long left(long deadlineNanos) {
    return Math.max(0, deadlineNanos - System.nanoTime());
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

  /**
   * The rules in force: the rules file's as the reloader last read it, the same version its status
   * reports (the buffer moves onto it in the same tick), or the fixed rules.
   */
  public RuleSet rules() {
    return reloader != null ? reloader.current() : buffer.rules();
  }

  /** The rules file's reload state; empty when the sampler runs on fixed rules. */
  public Optional<RulesStatus> rulesStatus() {
    return reloader == null ? Optional.empty() : Optional.of(reloader.status());
  }

  /** Traces kept since start, by the rule that kept them. */
  public Map<String, Long> keptByRule() {
    return buffer.stats().tracesKeptByRule();
  }

  /** Traces dropped since start, by the rule that dropped them. */
  public Map<String, Long> droppedByRule() {
    return buffer.stats().tracesDroppedByRule();
  }

  /** Kept batches the span store refused for good; empty without a dead-letter directory. */
  public Optional<DeadLetters> deadLetters() {
    return storeQueue.deadLetters();
  }

  public TraceBuffer buffer() {
    return buffer;
  }

  public StoreQueue storeQueue() {
    return storeQueue;
  }

  /**
   * Gives a {@link TailSampler} its parts. The buffer and the store queue are required, and the
   * buffer's sink must be that queue; without a reloader the buffer's rules never change.
   */
  public static final class Builder {

    private TraceBuffer buffer;
    private StoreQueue storeQueue;
    private RulesReloader reloader;
    private CandidateFile candidateFile;
    private ExecutorService bufferExecutor;
    private SamplerMetrics metrics;
    private Ticker ticker = Ticker.systemTicker();
    private Duration tick = DEFAULT_TICK;
    private Duration rulesCheckInterval = DEFAULT_RULES_CHECK_INTERVAL;

    private Builder() {}

    /** The trace buffer, built with the store queue as its sink; required. */
    public Builder buffer(TraceBuffer buffer) {
      this.buffer = Objects.requireNonNull(buffer, "buffer");
      return this;
    }

    /** Where the buffer hands kept traces; its fill refuses spans. Required. */
    public Builder storeQueue(StoreQueue storeQueue) {
      this.storeQueue = Objects.requireNonNull(storeQueue, "storeQueue");
      return this;
    }

    /**
     * The rules file, looked at every {@code rulesCheckInterval}; the buffer must be built on its
     * {@link RulesReloader#current()} rules and follows each new version.
     */
    public Builder rulesReloader(RulesReloader reloader) {
      this.reloader = Objects.requireNonNull(reloader, "rulesReloader");
      return this;
    }

    /**
     * The candidate rules file, looked at with the rules file; the buffer must be built on the
     * same candidate rules it feeds.
     */
    public Builder candidateFile(CandidateFile candidateFile) {
      this.candidateFile = Objects.requireNonNull(candidateFile, "candidateFile");
      return this;
    }

    /**
     * The executor the buffer was built with, if it is one the sampler should stop: shut down and
     * waited for at shutdown, after every trace is decided and before waiting for the writes.
     */
    public Builder bufferExecutor(ExecutorService executor) {
      this.bufferExecutor = Objects.requireNonNull(executor, "bufferExecutor");
      return this;
    }

    /** The metrics the buffer tells its decisions to; the sampler adds its parts' gauges. */
    public Builder metrics(SamplerMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** Time for the rules check; the buffer's ticker. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
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

    public TailSampler build() {
      if (buffer == null) {
        throw new IllegalStateException("buffer must be set");
      }
      if (storeQueue == null) {
        throw new IllegalStateException("storeQueue must be set");
      }
      if (reloader != null && buffer.rules() != reloader.current()) {
        throw new IllegalStateException("the buffer must be built on the reloader's current rules");
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
