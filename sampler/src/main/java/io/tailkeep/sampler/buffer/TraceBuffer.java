package io.tailkeep.sampler.buffer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.tailkeep.sampler.rules.Decision;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.shadow.CandidateRules;
import io.tailkeep.sampler.traffic.ServiceGraph;
import io.tailkeep.sampler.traffic.SpanMetrics;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.SpanFields;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Holds the spans of each trace until the trace is decided, then hands kept traces to a {@link
 * KeptTraceSink} and counts dropped ones.
 *
 * <p>A trace is decided when the first of these happens: its root span has arrived and no span came
 * for the grace period; no span came for the idle timeout; the maximum wait since its first span
 * has passed; it reached the per-trace span cap; the buffer, bounded in bytes, evicted it; or
 * {@link #decideAll()} ran at shutdown. The timing rules are checked by {@link #decideDue()}, which
 * a scheduler calls; the cap and eviction decide at once. Every decision is remembered for a while
 * in a decision cache, so spans arriving late follow it: a kept trace's late spans go to the sink
 * without a sampling decision, a dropped trace's are counted.
 *
 * <p>Thread-safe. Each trace's state is guarded by its entry's monitor; a trace leaves the buffer
 * in the same atomic map operation that decides it, so it is decided exactly once and its spans
 * end either in the sink or in a drop counter, never nowhere.
 */
public final class TraceBuffer {

  public static final long DEFAULT_MAXIMUM_WEIGHT_BYTES = 256L * 1024 * 1024;
  /**
   * The heap a buffered trace holds beyond its spans and its summary's names: cache entry, trace
   * state, the rules' summary and its lists. Measured with IngestBenchmark's heap phase, so that
   * the weight matches the heap within a few per cent (bench/README.md).
   */
  static final int DEFAULT_TRACE_OVERHEAD_BYTES = 1_280;
  public static final int DEFAULT_MAX_SPANS_PER_TRACE = 10_000;
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(2);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(30);
  public static final long DEFAULT_DECISION_CACHE_SIZE = 100_000;
  public static final Duration DEFAULT_DECISION_CACHE_EXPIRY = Duration.ofMinutes(5);

  private final Cache<TraceId, BufferedTrace> traces;
  private final SpanSlabs slabs = new SpanSlabs();
  /** The bound set by the user; Caffeine's is this less the slabs' slack (see decideDue). */
  private volatile long maximumWeightBytes;
  private final DecisionCache decisions;
  private final KeptTraceSink sink;
  private final Ticker ticker;
  private final Clock clock;
  private final int traceOverheadBytes;
  private final int maxSpansPerTrace;
  private final Duration gracePeriod;
  private final Duration idleTimeout;
  private final Duration maxWait;
  private final long decisionCacheSize;
  private final Duration decisionCacheExpiry;
  private final BufferCounters counters = new BufferCounters();
  private final DecisionListener listener;
  /** Rules on trial beside {@link #rules}; null when the buffer compares with none. */
  private final CandidateRules candidate;
  /** RED metrics of every span offered; null when not counted. */
  private final SpanMetrics spanMetrics;
  /** Calls between services in every decided trace; null when not counted. */
  private final ServiceGraph serviceGraph;
  private volatile RuleSet rules;

  private TraceBuffer(Builder builder) {
    this.rules = builder.rules;
    this.sink = builder.sink;
    this.listener = builder.listener;
    this.candidate = builder.candidate;
    this.spanMetrics = builder.spanMetrics;
    this.serviceGraph = builder.serviceGraph;
    this.ticker = builder.ticker;
    this.clock = builder.clock;
    this.traceOverheadBytes = builder.traceOverheadBytes;
    this.maxSpansPerTrace = builder.maxSpansPerTrace;
    this.gracePeriod = builder.gracePeriod;
    this.idleTimeout = builder.idleTimeout;
    this.maxWait = builder.maxWait;
    this.decisionCacheSize = builder.decisionCacheSize;
    this.decisionCacheExpiry = builder.decisionCacheExpiry;
    this.maximumWeightBytes = builder.maximumWeightBytes;
    this.decisions =
        new DecisionCache(decisionCacheSize, decisionCacheExpiry, ticker, builder.executor);
    Caffeine<TraceId, BufferedTrace> cache =
        Caffeine.newBuilder()
            .maximumWeight(builder.maximumWeightBytes)
            .weigher((TraceId id, BufferedTrace trace) -> trace.weight())
            .ticker(ticker)
            .evictionListener(this::decideEvicted)
            .removalListener(this::handOverEvicted);
    if (builder.executor != null) {
      cache.executor(builder.executor);
    }
    this.traces = cache.build();
    slabs.poolWithin(maximumWeightBytes);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adds spans, of any traces, to the buffer. Spans of a trace decided recently follow that
   * decision at once; a trace reaching the span cap is decided at once.
   */
  public void offer(List<WireSpan> spans) {
    Objects.requireNonNull(spans, "spans");
    if (spans.isEmpty()) {
      return;
    }
    Map<TraceId, List<WireSpan>> byTrace = new LinkedHashMap<>();
    long recordBytes = 0;
    for (WireSpan span : spans) {
      byTrace.computeIfAbsent(span.traceId(), id -> new ArrayList<>()).add(span);
      int record = TraceSpans.HEADER_BYTES + span.bytes().length;
      if (record <= SpanSlabs.LARGEST_SHARED_RECORD) { // the rest get arrays of their own
        recordBytes += record;
      }
    }
    SpanSlabs.Writer writer = slabs.writer(recordBytes);
    try {
      byTrace.forEach((traceId, traceSpans) -> offerTrace(traceId, traceSpans, writer));
    } finally {
      writer.close();
    }
  }

  /**
   * Decides every trace whose grace period, idle timeout or maximum wait has passed. On the way,
   * moves the spans of traces still waiting out of mostly dead slabs, and bounds the traces'
   * weight by the user's bound less the slabs' slack, so the bound holds for the heap they take.
   */
  public int decideDue() {
    traces.cleanUp();
    slabs.markSparse();
    long now = ticker.read();
    long grace = gracePeriod.toNanos();
    long idle = idleTimeout.toNanos();
    long wait = maxWait.toNanos();
    int decided = 0;
    for (BufferedTrace trace : traces.asMap().values()) {
      DecisionReason reason;
      synchronized (trace) {
        reason = trace.dueReason(now, grace, idle, wait);
        if (reason == null) {
          trace.moveOutOfSparseSlabs(); // nothing to move once decided: its spans are released
        }
      }
      // Checked again under the map's lock: a span may have come in between.
      if (reason != null && decideIf(trace, t -> t.dueReason(now, grace, idle, wait))) {
        decided++;
      }
    }
    boundWeightBySlack();
    return decided;
  }

  /**
   * Caffeine weighs what each trace holds; the slabs in use also hold room no trace does (the end
   * of the slab being filled, dead records beside live ones). That room comes off Caffeine's
   * bound, down to half the user's, and free slabs are kept for reuse only within what is left,
   * so traces, unused room and free slabs together stay within the user's bound.
   */
  private void boundWeightBySlack() {
    long unused = slabs.unusedBytes();
    long bound = Math.max(maximumWeightBytes / 2, maximumWeightBytes - unused);
    var eviction = traces.policy().eviction().orElseThrow();
    if (eviction.getMaximum() != bound) {
      eviction.setMaximum(bound);
    }
    slabs.poolWithin(maximumWeightBytes - unused - eviction.weightedSize().orElseThrow());
  }

  /**
   * Takes a decision made elsewhere (by another node, read from the decisions table) for a trace
   * not buffered here: its spans from now on follow it, as late spans follow a decision made here.
   */
  public void follow(DecisionRecord earlier) {
    Decision decision =
        new Decision(earlier.keep(), earlier.rule(), earlier.probability(), earlier.rateLimited());
    decisions.remember(
        earlier.traceId(),
        new RememberedDecision(
            earlier.traceId(), decision, earlier.reason(), earlier.decidedAt(), earlier.spansDecided(),
            earlier.rulesVersion()));
  }

  /** Changes the bound on buffered bytes; over it, the oldest traces are decided early. */
  public void resize(long maximumWeightBytes) {
    if (maximumWeightBytes < 1) {
      throw new IllegalArgumentException("maximumWeightBytes must be positive, got " + maximumWeightBytes);
    }
    this.maximumWeightBytes = maximumWeightBytes;
    traces.policy().eviction().orElseThrow().setMaximum(maximumWeightBytes);
    boundWeightBySlack();
  }

  /** Decides every buffered trace now, on what it has; for shutdown, after offers have stopped. */
  public int decideAll() {
    traces.cleanUp();
    int decided = 0;
    for (BufferedTrace trace : traces.asMap().values()) {
      if (decideIf(trace, t -> DecisionReason.SHUTDOWN)) {
        decided++;
      }
    }
    return decided;
  }

  /**
   * Switches to new rules without losing buffered spans: traces decided from now on are decided by
   * {@code newRules}, and each buffered trace's summary is rebuilt from its spans, since a summary
   * only holds the attribute keys its rules refer to.
   */
  public void replaceRules(RuleSet newRules) {
    Objects.requireNonNull(newRules, "newRules");
    rules = newRules;
    for (BufferedTrace trace : traces.asMap().values()) {
      synchronized (trace) {
        if (!trace.decided()) {
          trace.useRules(rules);
        }
      }
    }
  }

  /** How a recently decided trace was decided, while the decision cache remembers it. */
  public Optional<DecisionRecord> why(TraceId traceId) {
    Objects.requireNonNull(traceId, "traceId");
    return decisions.why(traceId);
  }

  /** Whether a decision for the trace is remembered: {@link #why} without building its record. */
  public boolean remembers(TraceId traceId) {
    return decisions.find(traceId) != null;
  }

  public RuleSet rules() {
    return rules;
  }

  /** What the buffer holds now and has counted since it was built; built on each call. */
  public BufferStats stats() {
    return counters.snapshot();
  }

  long maximumWeightBytes() {
    return maximumWeightBytes;
  }

  /** Room in the span slabs in use that no trace holds: see {@link #boundWeightBySlack()}. */
  long slabUnusedBytes() {
    return slabs.unusedBytes();
  }

  /** Heap the span slabs hold, in use and kept for reuse. */
  long slabHeldBytes() {
    return slabs.heldBytes();
  }

  int traceOverheadBytes() {
    return traceOverheadBytes;
  }

  int maxSpansPerTrace() {
    return maxSpansPerTrace;
  }

  Duration gracePeriod() {
    return gracePeriod;
  }

  Duration idleTimeout() {
    return idleTimeout;
  }

  Duration maxWait() {
    return maxWait;
  }

  long decisionCacheSize() {
    return decisionCacheSize;
  }

  Duration decisionCacheExpiry() {
    return decisionCacheExpiry;
  }

  /** The bound Caffeine holds the traces' weight to: the user's less the slabs' slack. */
  long cacheMaximumWeight() {
    return traces.policy().eviction().orElseThrow().getMaximum();
  }

  /** Caffeine's own view of the buffer's weight, to check the weigher against the counters. */
  long cacheWeightedSize() {
    traces.cleanUp();
    return traces.policy().eviction().orElseThrow().weightedSize().orElseThrow();
  }

  private void offerTrace(TraceId traceId, List<WireSpan> spans, SpanSlabs.Writer writer) {
    RememberedDecision earlier = decisions.find(traceId);
    if (earlier != null) {
      followDecision(earlier, spans);
      return;
    }
    OfferOutcome outcome = new OfferOutcome();
    traces.asMap().compute(traceId, (id, trace) -> add(id, trace, spans, writer, outcome));
    if (outcome.decided != null) {
      handOver(outcome.decided);
    }
    if (outcome.lateSpans != null) {
      followDecision(outcome.lateDecision, outcome.lateSpans);
    }
  }

  /** Runs inside the map's compute for the trace; returns the entry to keep, or null to remove. */
  private BufferedTrace add(
      TraceId traceId,
      BufferedTrace trace,
      List<WireSpan> spans,
      SpanSlabs.Writer writer,
      OfferOutcome outcome) {
    long now = ticker.read();
    if (trace == null) {
      // Decided since offerTrace looked: deciders remember the decision before the entry leaves.
      RememberedDecision decided = decisions.find(traceId);
      if (decided != null) {
        outcome.follow(decided, spans);
        return null;
      }
      trace =
          new BufferedTrace(traceId, slabs, rules, now, traceOverheadBytes, serviceGraph != null);
      counters.traceBuffered(traceOverheadBytes);
    }
    synchronized (trace) {
      for (int i = 0; i < spans.size(); i++) {
        WireSpan span = spans.get(i);
        long before = trace.bytes();
        SpanFields fields = trace.add(span, writer, rules, now);
        counters.spanBuffered(trace.bytes() - before);
        if (spanMetrics != null) {
          spanMetrics.record(span.origin().serviceName(), fields.name(), fields.kind(), fields.statusCode(),
              fields.isError(), fields.durationNanos());
        }
        if (trace.spanCount() >= maxSpansPerTrace) {
          outcome.decided = decide(trace, DecisionReason.SPAN_CAP);
          if (i + 1 < spans.size()) {
            outcome.follow(outcome.decided.decision(), spans.subList(i + 1, spans.size()));
          }
          return null;
        }
      }
    }
    return trace;
  }

  /**
   * Decides {@code expected} if it is still buffered and {@code when} gives a reason, removing it
   * in the same map operation; then hands it over. Returns whether it was decided here.
   */
  private boolean decideIf(
      BufferedTrace expected, Function<BufferedTrace, DecisionReason> when) {
    DecidedTrace[] decided = new DecidedTrace[1];
    traces
        .asMap()
        .computeIfPresent(
            expected.traceId(),
            (id, trace) -> {
              if (trace != expected) {
                return trace;
              }
              synchronized (trace) {
                DecisionReason reason = when.apply(trace);
                if (reason == null) {
                  return trace;
                }
                decided[0] = decide(trace, reason);
                return null;
              }
            });
    if (decided[0] == null) {
      return false;
    }
    handOver(decided[0]);
    return true;
  }

  /**
   * Decides a trace on the current rules and remembers the decision before the entry leaves the
   * map, so a span arriving meanwhile finds it. The caller holds the trace's monitor.
   */
  private DecidedTrace decide(BufferedTrace trace, DecisionReason reason) {
    RuleSet current = rules;
    trace.useRules(current);
    Decision decision = current.decide(trace.traceId(), trace.facts());
    if (candidate != null) {
      candidate.compare(trace.traceId(), decision, trace::factsFor);
    }
    if (serviceGraph != null && trace.hops() != null) {
      serviceGraph.record(trace.hops());
    }
    trace.markDecided(); // only once the rules have answered
    RememberedDecision remembered =
        new RememberedDecision(
            trace.traceId(), decision, reason, clock.instant(), trace.spanCount(), current.version());
    decisions.remember(trace.traceId(), remembered);
    counters.traceDecided(decision, reason, trace.spanCount(), trace.bytes());
    listener.decided(
        remembered.toRecord(), Duration.ofNanos(Math.max(0, ticker.read() - trace.firstSpanNanos())));
    DecidedTrace decided =
        decision.keep()
            ? new DecidedTrace(remembered, trace.spans(), trace.facts().summary())
            : new DecidedTrace(remembered, List.of(), null);
    trace.release();
    return decided;
  }

  /** Caffeine's eviction listener: runs inside the atomic removal, so decide (cheap) but not hand over. */
  private void decideEvicted(TraceId traceId, BufferedTrace trace, RemovalCause cause) {
    if (trace == null || !cause.wasEvicted()) {
      return;
    }
    synchronized (trace) {
      if (trace.decided()) {
        return;
      }
      counters.evictions.increment();
      trace.evictedAs(decide(trace, DecisionReason.EVICTED));
    }
  }

  /**
   * Caffeine's removal listener, run after the removal on its executor: hands over evicted traces.
   * Explicit removals are the buffer's own decisions, already handed over by whoever decided.
   */
  private void handOverEvicted(TraceId traceId, BufferedTrace trace, RemovalCause cause) {
    if (trace == null || !cause.wasEvicted()) {
      return;
    }
    DecidedTrace decided;
    synchronized (trace) {
      decided = trace.takeEvictedDecision();
    }
    if (decided != null) {
      handOver(decided);
    }
  }

  private void handOver(DecidedTrace decided) {
    Decision decision = decided.decision().decision();
    if (decision.keep()) {
      accept(
          new SpanBatch(
              decided.decision().traceId(),
              decided.spans(),
              decided.summary(),
              decision.sampling().orElseThrow()));
    }
  }

  private void followDecision(RememberedDecision decision, List<WireSpan> lateSpans) {
    if (spanMetrics != null) {
      lateSpans.forEach(spanMetrics::record); // every span counts, late ones too (read again: few)
    }
    int fit = decision.addLateSpans(lateSpans.size(), maxSpansPerTrace);
    if (!decision.keep()) {
      counters.lateSpansDropped.add(lateSpans.size());
      return;
    }
    if (fit < lateSpans.size()) {
      counters.lateSpansOverCap.add(lateSpans.size() - fit);
    }
    if (fit > 0) {
      counters.lateSpansKept.add(fit);
      accept(SpanBatch.summarizing(fit == lateSpans.size() ? lateSpans : lateSpans.subList(0, fit), null));
    }
  }

  private void accept(SpanBatch batch) {
    try {
      sink.accept(batch);
    } catch (RuntimeException e) {
      // The sink is meant to enqueue; one that throws must not stop other traces being decided.
      counters.sinkFailures.increment();
    }
  }

  /** What an offer's map operation leaves to do once the map's lock is released. */
  private static final class OfferOutcome {
    DecidedTrace decided;
    RememberedDecision lateDecision;
    List<WireSpan> lateSpans;

    void follow(RememberedDecision decision, List<WireSpan> spans) {
      lateDecision = decision;
      lateSpans = spans;
    }
  }

  /**
   * Configures a {@link TraceBuffer}. Settings are checked as they are set, with messages naming the
   * setting and the bad value; {@code rules} and {@code sink} are required.
   */
  public static final class Builder {

    private RuleSet rules;
    private KeptTraceSink sink;
    private DecisionListener listener = DecisionListener.NONE;
    private CandidateRules candidate;
    private SpanMetrics spanMetrics;
    private ServiceGraph serviceGraph;
    private Ticker ticker = Ticker.systemTicker();
    private Clock clock = Clock.systemUTC();
    private Executor executor;
    private long maximumWeightBytes = DEFAULT_MAXIMUM_WEIGHT_BYTES;
    private int traceOverheadBytes = DEFAULT_TRACE_OVERHEAD_BYTES;
    private int maxSpansPerTrace = DEFAULT_MAX_SPANS_PER_TRACE;
    private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration maxWait = DEFAULT_MAX_WAIT;
    private long decisionCacheSize = DEFAULT_DECISION_CACHE_SIZE;
    private Duration decisionCacheExpiry = DEFAULT_DECISION_CACHE_EXPIRY;

    private Builder() {}

    /** The rules that decide; required. */
    public Builder rules(RuleSet rules) {
      this.rules = Objects.requireNonNull(rules, "rules");
      return this;
    }

    /** Where kept traces and their late spans go; required. */
    public Builder sink(KeptTraceSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /** Told of every decision (metrics); none by default. */
    public Builder decisionListener(DecisionListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Rules on trial: each trace is also decided by the candidate there is at the time, which
     * never acts; none by default.
     */
    public Builder candidate(CandidateRules candidate) {
      this.candidate = Objects.requireNonNull(candidate, "candidate");
      return this;
    }

    /**
     * Counts every span offered (late ones too) into {@code spanMetrics}, from the fields the
     * rules' summary reads anyway, and every decided trace's calls between services into {@code
     * serviceGraph}, kept or dropped: metrics of all traffic, not of the sample. None by default.
     */
    public Builder traffic(SpanMetrics spanMetrics, ServiceGraph serviceGraph) {
      this.spanMetrics = Objects.requireNonNull(spanMetrics, "spanMetrics");
      this.serviceGraph = Objects.requireNonNull(serviceGraph, "serviceGraph");
      return this;
    }

    /** Time for the decision timing and the decision cache's expiry; the system ticker by default. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** The wall clock a decision's time is recorded with; system UTC by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Where Caffeine runs maintenance, eviction and the hand-over of evicted traces; Caffeine's
     * default ({@code ForkJoinPool.commonPool()}) if unset. Tests pass {@code Runnable::run}.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The buffer's bound in bytes (see {@link #traceOverheadBytes}); default 256 MiB. */
    public Builder maximumWeightBytes(long bytes) {
      requirePositive("maximumWeightBytes", bytes);
      this.maximumWeightBytes = bytes;
      return this;
    }

    /** Bytes each buffered trace weighs on top of its spans (entry, summary); default 512. */
    public Builder traceOverheadBytes(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("traceOverheadBytes must not be negative, got " + bytes);
      }
      this.traceOverheadBytes = bytes;
      return this;
    }

    /** A trace reaching this many spans is decided at once; default 10 000. */
    public Builder maxSpansPerTrace(int spans) {
      requirePositive("maxSpansPerTrace", spans);
      this.maxSpansPerTrace = spans;
      return this;
    }

    /** Decide this long after the last span once the root span has arrived; default 2 s. */
    public Builder gracePeriod(Duration duration) {
      this.gracePeriod = requirePositive("gracePeriod", duration);
      return this;
    }

    /** Decide this long after the last span, root or not; default 10 s. */
    public Builder idleTimeout(Duration duration) {
      this.idleTimeout = requirePositive("idleTimeout", duration);
      return this;
    }

    /** Decide this long after the first span even if spans keep coming; default 30 s. */
    public Builder maxWait(Duration duration) {
      this.maxWait = requirePositive("maxWait", duration);
      return this;
    }

    /** How many decisions are remembered for late spans and "why"; default 100 000. */
    public Builder decisionCacheSize(long decisions) {
      requirePositive("decisionCacheSize", decisions);
      this.decisionCacheSize = decisions;
      return this;
    }

    /** How long a decision is remembered; default 5 min. */
    public Builder decisionCacheExpiry(Duration duration) {
      this.decisionCacheExpiry = requirePositive("decisionCacheExpiry", duration);
      return this;
    }

    public TraceBuffer build() {
      if (rules == null) {
        throw new IllegalStateException("rules must be set");
      }
      if (sink == null) {
        throw new IllegalStateException("sink must be set");
      }
      return new TraceBuffer(this);
    }

    private static void requirePositive(String setting, long value) {
      if (value <= 0) {
        throw new IllegalArgumentException(setting + " must be positive, got " + value);
      }
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
