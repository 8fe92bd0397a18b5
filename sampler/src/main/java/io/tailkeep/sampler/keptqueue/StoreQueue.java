package io.tailkeep.sampler.keptqueue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.tailkeep.sampler.buffer.KeptTraceSink;
import io.tailkeep.store.AsyncFailure;
import io.tailkeep.store.BatchRejectedException;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanWriter;
import io.tailkeep.store.WireSpan;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes kept traces to the span store, retrying with backoff, so that no kept trace is lost while
 * the store is unreachable.
 *
 * <p>{@link #accept} always enqueues: the trace is already decided and refusing it would lose it.
 * The bound is therefore soft: {@link #isFull()} tells ingest to answer RESOURCE_EXHAUSTED once
 * {@code maxQueuedBytes} are waiting, which stops new spans, while traces the buffer decides
 * meanwhile still go over the bound. A batch's size is the OTLP-serialized size of its spans with
 * their resource and scope, the measure the trace buffer weighs traces by.
 *
 * <p>A failed write goes back to the front of the queue and pauses the whole queue for an
 * exponential backoff, so a store that is down is not hammered; it is retried until it succeeds
 * ({@link SpanWriter} writes are idempotent). Writes already in flight when the store goes away
 * fail too; they go back to the queue but do not lengthen the backoff, which grows once per round
 * of attempts.
 *
 * <p>A batch the writer refuses for good ({@link BatchRejectedException}, or {@link
 * IllegalArgumentException} / {@link NullPointerException} from a writer that found it invalid) is
 * set aside at once, so it never holds up the batches behind it: counted, logged with its trace ID
 * and written to the {@link DeadLetters}, if the queue has them. A batch of several spans refused
 * for its size as a whole ({@link BatchRejectedException#splittingMayHelp()}) is first split in
 * halves, which are written (and split again) in its place; a single span still refused is set
 * aside.
 *
 * <p>Time for the backoff comes from the ticker; {@link #pump()} must be called every 50–100 ms
 * (besides the calls from {@code accept} and write completions) so the end of a pause is noticed.
 * Thread-safe; counters are read without locks.
 */
public final class StoreQueue implements KeptTraceSink {

  private static final Logger LOG = LoggerFactory.getLogger(StoreQueue.class);

  public static final long DEFAULT_MAX_QUEUED_BYTES = 128L * 1024 * 1024;
  static final int DEFAULT_MAX_IN_FLIGHT = 64;
  static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
  static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

  /** How often {@link #awaitDrained} pumps while it waits, to notice a pause ending. */
  static final long DRAIN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final SpanWriter writer;
  private final Ticker ticker;
  private final long maxQueuedBytes;
  private final int maxInFlight;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Backoff backoff;
  private final DeadLetters deadLetters;

  private final Object lock = new Object();
  // Guarded by lock. Failed batches are retried first, in the order they came; they all came
  // before any batch still waiting, so together the two are one queue in order of arrival.
  private final PriorityQueue<QueuedBatch> retrying =
      new PriorityQueue<>(Comparator.comparingLong(QueuedBatch::sequence));
  private final ArrayDeque<QueuedBatch> waiting = new ArrayDeque<>();
  private long nextSequence;
  private boolean paused;
  private long retryAtNanos;
  private long round; // bumped by each failure that lengthens the backoff
  private long outageStartNanos;
  private long outageFailedAttempts;

  // Changed under lock together with the queue, read without it.
  private final AtomicLong queuedBatches = new AtomicLong();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile int consecutiveFailures;
  private volatile String lastError;

  private final LongAdder batchesWritten = new LongAdder();
  private final LongAdder spansWritten = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder deadLetteredBatches = new LongAdder();
  private final LongAdder deadLetteredSpans = new LongAdder();
  private final LongAdder splits = new LongAdder();

  /** Pump calls not yet served; the caller that raises it from zero does the work. */
  private final AtomicInteger pumpRequests = new AtomicInteger();

  private StoreQueue(Builder builder) {
    this.writer = builder.writer;
    this.ticker = builder.ticker;
    this.maxQueuedBytes = builder.maxQueuedBytes;
    this.maxInFlight = builder.maxInFlight;
    this.initialBackoff = builder.initialBackoff;
    this.maxBackoff = builder.maxBackoff;
    this.backoff = new Backoff(initialBackoff, maxBackoff);
    this.deadLetters = builder.deadLetters;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Enqueues a kept trace, or late spans of one, and starts writes; never blocks or refuses. */
  @Override
  public void accept(SpanBatch batch) {
    enqueue(batch);
  }

  /**
   * {@link #accept}, with a stage that completes once the batch is done for good: durably written,
   * or refused by the store for good and set aside (counted in {@link StoreQueueStats#deadLetteredBatches()}; the dead letter
   * is written by then). A batch split in parts is done when every part is. It never fails; a node
   * that must not forget a batch before it is settled (a Kafka offset) waits on it.
   */
  public CompletionStage<Void> enqueue(SpanBatch batch) {
    Objects.requireNonNull(batch, "batch");
    long bytes = sizeOf(batch);
    CompletableFuture<Void> settled = new CompletableFuture<>();
    synchronized (lock) {
      QueuedBatch queued = new QueuedBatch(batch, bytes, nextSequence++, settled);
      waiting.addLast(queued);
      queuedBatches.incrementAndGet();
      queuedBytes.addAndGet(queued.bytes());
    }
    pump();
    return settled;
  }

  /**
   * Whether the bytes not yet durably written (waiting or in flight) reached {@code
   * maxQueuedBytes}: ingest should refuse new spans until it is false again.
   */
  public boolean isFull() {
    return queuedBytes.get() >= maxQueuedBytes;
  }

  /**
   * Starts writes while fewer than {@code maxInFlight} are in flight and the queue is not paused
   * by a backoff. Cheap when there is nothing to do.
   */
  public void pump() {
    // One caller at a time starts writes; calls meanwhile (other threads, or a write completing
    // inside write()) only ask it for another pass, so completions never nest on the stack.
    if (pumpRequests.getAndIncrement() != 0) {
      return;
    }
    int requests = 1;
    do {
      startWrites();
      requests = pumpRequests.addAndGet(-requests);
    } while (requests != 0);
  }

  /**
   * Waits until every queued batch is written or given up on, pumping meanwhile so it needs no
   * scheduler; for shutdown, after the buffer has handed over its last traces. Uses wall time,
   * not the ticker. Returns false if {@code timeout} passed first.
   */
  public boolean awaitDrained(Duration timeout) throws InterruptedException {
    long timeoutNanos = saturatedNanos(Objects.requireNonNull(timeout, "timeout"));
    long start = System.nanoTime();
    while (true) {
      pump();
      synchronized (lock) {
        if (queuedBatches.get() == 0) {
          return true;
        }
        long remaining = timeoutNanos - (System.nanoTime() - start);
        if (remaining <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, Math.min(remaining, DRAIN_POLL_NANOS));
      }
    }
  }

  /** What the queue holds now and has counted since it was built; built on each call. */
  public StoreQueueStats stats() {
    long bytes = queuedBytes.get();
    return new StoreQueueStats(
        queuedBatches.get(),
        bytes,
        bytes >= maxQueuedBytes,
        inFlight.get(),
        batchesWritten.sum(),
        spansWritten.sum(),
        retries.sum(),
        deadLetteredBatches.sum(),
        deadLetteredSpans.sum(),
        splits.sum(),
        consecutiveFailures,
        Optional.ofNullable(lastError));
  }

  /** Where refused batches are kept; empty if they are only counted and logged. */
  public Optional<DeadLetters> deadLetters() {
    return Optional.ofNullable(deadLetters);
  }

  long maxQueuedBytes() {
    return maxQueuedBytes;
  }

  int maxInFlight() {
    return maxInFlight;
  }

  Duration initialBackoff() {
    return initialBackoff;
  }

  Duration maxBackoff() {
    return maxBackoff;
  }

  private void startWrites() {
    while (true) {
      QueuedBatch next;
      long startedInRound;
      synchronized (lock) {
        if ((retrying.isEmpty() && waiting.isEmpty())
            || inFlight.get() >= maxInFlight
            || pausedNow()) {
          return;
        }
        next = retrying.isEmpty() ? waiting.pollFirst() : retrying.poll();
        startedInRound = round;
        inFlight.incrementAndGet();
      }
      start(next, startedInRound);
    }
  }

  /** Called under lock. */
  private boolean pausedNow() {
    if (paused && ticker.read() - retryAtNanos >= 0) {
      paused = false;
    }
    return paused;
  }

  private void start(QueuedBatch queued, long startedInRound) {
    CompletionStage<Void> stage;
    try {
      stage = writer.write(queued.batch());
      if (stage == null) {
        stage = CompletableFuture.failedFuture(new IllegalStateException("writer returned null"));
      }
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((ignored, error) -> finished(queued, startedInRound, error));
  }

  private void finished(QueuedBatch queued, long startedInRound, Throwable error) {
    if (error == null) {
      succeeded(queued);
    } else {
      Throwable cause = AsyncFailure.cause(error);
      lastError = describe(cause);
      if (cause instanceof BatchRejectedException rejected) {
        if (rejected.splittingMayHelp() && queued.batch().spans().size() > 1) {
          split(queued, rejected);
        } else {
          refused(queued, rejected.reason());
        }
      } else if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
        refused(queued, cause.toString());
      } else {
        failed(queued, startedInRound, cause);
      }
    }
    pump();
  }

  private void succeeded(QueuedBatch queued) {
    // Counted before the batch leaves the queue, so a drained queue shows its writes.
    batchesWritten.increment();
    spansWritten.add(queued.batch().spans().size());
    long failedAttempts = 0;
    long outageNanos = 0;
    long stillQueued;
    synchronized (lock) {
      remove(queued);
      if (consecutiveFailures > 0) {
        failedAttempts = outageFailedAttempts;
        outageNanos = ticker.read() - outageStartNanos;
        consecutiveFailures = 0;
      }
      stillQueued = queuedBatches.get();
    }
    if (failedAttempts > 0) {
      LOG.info(
          "Span store writes succeed again after {} failed attempts over {} ms; {} batches queued",
          failedAttempts,
          TimeUnit.NANOSECONDS.toMillis(outageNanos),
          stillQueued);
    }
    queued.settled().complete(null);
  }

  /**
   * A batch the store can never accept: retrying cannot help, so it is set aside. The dead letter
   * is written before the batch leaves the queue, so a drained queue has written its dead letters.
   */
  private void refused(QueuedBatch queued, String reason) {
    SpanBatch batch = queued.batch();
    DeadLetter letter = deadLetters == null ? null : deadLetters.add(batch, reason);
    deadLetteredBatches.increment();
    deadLetteredSpans.add(batch.spans().size());
    synchronized (lock) {
      remove(queued);
    }
    // One line per refused batch: rare, and the operator needs its ID. Never the spans themselves.
    if (letter != null) {
      LOG.warn(
          "Span store refused kept trace {} ({} spans) for good; set aside as {} in {}: {}",
          batch.traceId(), batch.spans().size(), letter.file(), deadLetters.directory(), reason);
    } else {
      LOG.warn(
          "Span store refused kept trace {} ({} spans) for good; it is dropped: {}",
          batch.traceId(), batch.spans().size(), reason);
    }
    queued.settled().complete(null);
  }

  /**
   * A batch refused for its size: its halves take its place at the front of the queue, with its
   * sequence so they go before every batch that came after it. Each half carries the decision and
   * a summary of its own spans; the store merges a trace's batches, so the halves stored add up to
   * the whole. Not a store failure: no pause.
   */
  private void split(QueuedBatch queued, BatchRejectedException rejected) {
    SpanBatch batch = queued.batch();
    List<WireSpan> spans = batch.spans();
    int half = spans.size() / 2;
    SpanBatch first = SpanBatch.summarizing(spans.subList(0, half), batch.sampling());
    SpanBatch second = SpanBatch.summarizing(spans.subList(half, spans.size()), batch.sampling());
    QueuedBatch firstQueued =
        new QueuedBatch(first, sizeOf(first), queued.sequence(), new CompletableFuture<>());
    QueuedBatch secondQueued =
        new QueuedBatch(second, sizeOf(second), queued.sequence(), new CompletableFuture<>());
    splits.increment();
    synchronized (lock) {
      inFlight.decrementAndGet();
      queuedBytes.addAndGet(firstQueued.bytes() + secondQueued.bytes() - queued.bytes());
      queuedBatches.incrementAndGet(); // one batch became two
      retrying.add(firstQueued);
      retrying.add(secondQueued);
    }
    LOG.debug(
        "Span store refused trace {} ({} spans) for its size; writing it in two parts: {}",
        batch.traceId(), spans.size(), rejected.reason());
    CompletableFuture.allOf(firstQueued.settled(), secondQueued.settled())
        .whenComplete((ignored, error) -> queued.settled().complete(null));
  }

  private void failed(QueuedBatch queued, long startedInRound, Throwable cause) {
    retries.increment();
    boolean outageBegins = false;
    long delayNanos = 0;
    long stillQueued;
    synchronized (lock) {
      inFlight.decrementAndGet();
      retrying.add(queued);
      // Only the first failure among writes started since the last one says something new about
      // the store; the others were in flight already and must not lengthen the pause.
      if (startedInRound == round) {
        round++;
        int failuresNow = consecutiveFailures + 1;
        consecutiveFailures = failuresNow;
        delayNanos = backoff.delayNanos(failuresNow);
        long now = ticker.read();
        paused = true;
        retryAtNanos = now + delayNanos;
        if (failuresNow == 1) {
          outageBegins = true;
          outageStartNanos = now;
          outageFailedAttempts = 0;
        }
      }
      if (consecutiveFailures > 0) {
        outageFailedAttempts++;
      }
      stillQueued = queuedBatches.get();
    }
    if (outageBegins) {
      // Once per outage; the recovery is logged at info, the retries in between only counted.
      LOG.warn(
          "Span store write failed (trace {}); kept traces wait in the queue and are retried"
              + " with backoff from {} ms up to {} ms; {} batches queued: {}",
          queued.batch().traceId(),
          TimeUnit.NANOSECONDS.toMillis(delayNanos),
          maxBackoff.toMillis(),
          stillQueued,
          cause.toString());
    }
  }

  /** Called under lock: an in-flight batch is done for good. */
  private void remove(QueuedBatch queued) {
    inFlight.decrementAndGet();
    queuedBytes.addAndGet(-queued.bytes());
    if (queuedBatches.decrementAndGet() == 0) {
      lock.notifyAll(); // awaitDrained
    }
  }

  /** The heap a batch holds: its spans (with their share of their origins) and its summary. */
  static long sizeOf(SpanBatch batch) {
    long bytes = batch.summary().retainedBytes();
    for (WireSpan span : batch.spans()) {
      bytes += span.retainedBytes();
    }
    return bytes;
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return message != null ? message : error.getClass().getName();
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private record QueuedBatch(SpanBatch batch, long bytes, long sequence, CompletableFuture<Void> settled) {}

  /**
   * Configures a {@link StoreQueue}. Settings are checked as they are set, with messages naming the
   * setting and the bad value; {@code writer} is required.
   */
  public static final class Builder {

    private SpanWriter writer;
    private Ticker ticker = Ticker.systemTicker();
    private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private DeadLetters deadLetters;

    private Builder() {}

    /** Where batches the store refuses for good are kept; without, they are counted and logged. */
    public Builder deadLetters(DeadLetters deadLetters) {
      this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
      return this;
    }

    /** Where kept traces are written; required. */
    public Builder writer(SpanWriter writer) {
      this.writer = Objects.requireNonNull(writer, "writer");
      return this;
    }

    /** Time for the backoff; the system ticker by default. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Queued bytes at which {@link StoreQueue#isFull()} turns true; default 128 MiB. */
    public Builder maxQueuedBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxQueuedBytes must be positive, got " + bytes);
      }
      this.maxQueuedBytes = bytes;
      return this;
    }

    /** Batches written at once; default 64. */
    public Builder maxInFlight(int batches) {
      if (batches <= 0) {
        throw new IllegalArgumentException("maxInFlight must be positive, got " + batches);
      }
      this.maxInFlight = batches;
      return this;
    }

    /** The pause after the first failed write; doubled for each further one. Default 100 ms. */
    public Builder initialBackoff(Duration duration) {
      this.initialBackoff = requirePositive("initialBackoff", duration);
      return this;
    }

    /** The longest pause between attempts; default 10 s. */
    public Builder maxBackoff(Duration duration) {
      this.maxBackoff = requirePositive("maxBackoff", duration);
      return this;
    }

    public StoreQueue build() {
      if (writer == null) {
        throw new IllegalStateException("writer must be set");
      }
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff must not be shorter than initialBackoff (" + initialBackoff + "), got "
                + maxBackoff);
      }
      return new StoreQueue(this);
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
