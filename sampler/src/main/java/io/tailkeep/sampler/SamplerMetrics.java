package io.tailkeep.sampler;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tailkeep.sampler.buffer.BufferStats;
import io.tailkeep.sampler.buffer.DecisionListener;
import io.tailkeep.sampler.buffer.DecisionReason;
import io.tailkeep.sampler.buffer.DecisionRecord;
import io.tailkeep.sampler.keptqueue.DeadLetters;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.sampler.keptqueue.StoreQueueStats;
import io.tailkeep.sampler.reload.RulesStatus;
import io.tailkeep.sampler.rules.RuleSet;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The sampler's metrics, all names in one place, and the one place that turns the parts' figures
 * into meters. Every count is kept by its part ({@link BufferStats}, {@link StoreQueueStats},
 * {@link RulesStatus}); the meters here read a fresh snapshot when scraped and count nothing
 * themselves. Prometheus names: dots become underscores, counters end in {@code _total}.
 *
 * <p>The buffer is built with this as its {@link DecisionListener} for two things a snapshot
 * cannot give: the decision wait, a distribution recorded per decision; and the kinds of decision
 * (outcome, rule, reason) as they first occur, since rule names come and go with the rules file,
 * so each kind's counter is registered when it first happens. The {@link TailSampler} given this
 * binds its buffer, store queue and rules; a node on Kafka binds its partitions' buffers summed,
 * its store queue and rules itself, and gives this to its partitions' buffers.
 */
public final class SamplerMetrics implements DecisionListener {

  private final MeterRegistry registry;
  private final Map<DecisionReason, Timer> waits = new EnumMap<>(DecisionReason.class);
  /** Kinds of decision seen so far; each has a counter once the buffers are bound. */
  private final Set<BufferStats.Decided> decisionKinds = ConcurrentHashMap.newKeySet();
  /** The buffers' figures, once bound; read by the decision counters. */
  private volatile Supplier<BufferStats> buffers;
  /**
   * What the gauges and function counters read, held here: Micrometer holds them weakly, and a
   * target may be a supplier nothing else refers to.
   */
  private final List<Object> targets = new CopyOnWriteArrayList<>();

  public SamplerMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (DecisionReason reason : DecisionReason.values()) {
      waits.put(
          reason,
          Timer.builder("tailkeep.sampler.decision.wait")
              .description("Time from a trace's first span to its decision")
              .tags("reason", tag(reason))
              .publishPercentileHistogram()
              .register(registry));
    }
  }

  /**
   * Runs inside the buffer's map update: a lock-free lookup per decision (a set's {@code add}
   * would lock the key's bin each time); registers only a kind not seen before.
   */
  @Override
  public void decided(DecisionRecord decision, Duration waited) {
    waits.get(decision.reason()).record(waited);
    BufferStats.Decided kind =
        new BufferStats.Decided(decision.keep(), decision.rule(), decision.reason());
    if (!decisionKinds.contains(kind) && decisionKinds.add(kind)) {
      Supplier<BufferStats> bound = buffers;
      if (bound != null) {
        decidedCounter(kind, bound);
      }
    }
  }

  private void decidedCounter(BufferStats.Decided kind, Supplier<BufferStats> stats) {
    targets.add(stats);
    FunctionCounter.builder("tailkeep.sampler.traces.decided", stats,
            s -> s.get().tracesDecided(kind))
        .description("Traces decided, by outcome, the rule that decided and what made it decide then")
        .tags(
            "decision", kind.keep() ? "kept" : "dropped",
            "rule", kind.rule(),
            "reason", tag(kind.reason()))
        .register(registry);
  }

  private static String tag(DecisionReason reason) {
    return reason.name().toLowerCase(Locale.ROOT);
  }

  void bind(TailSampler sampler) {
    bindBuffers(sampler.buffer()::stats);
    bindStoreQueue(sampler.storeQueue());
    bindRules(sampler::rules, sampler::rulesStatus);
  }

  /**
   * The buffers' figures: the all-in-one's one buffer, or a node on Kafka's buffers of the
   * partitions it owns, summed with those it owned before (so no counter goes backwards when a
   * partition moves). Bound once.
   */
  public synchronized void bindBuffers(Supplier<BufferStats> stats) {
    if (buffers != null) {
      throw new IllegalStateException("buffers are bound already");
    }
    buffers = stats;
    gauge("tailkeep.sampler.buffer.bytes", "Bytes buffered, as the buffer weighs them", stats,
        s -> s.get().bufferedBytes());
    gauge("tailkeep.sampler.buffer.traces", "Traces waiting for a decision", stats,
        s -> s.get().bufferedTraces());
    gauge("tailkeep.sampler.buffer.spans", "Spans waiting for a decision", stats,
        s -> s.get().bufferedSpans());
    counter("tailkeep.sampler.spans.decided", "Spans of decided traces", "decision", "kept",
        stats, s -> s.get().spansKept());
    counter("tailkeep.sampler.spans.decided", "Spans of decided traces", "decision", "dropped",
        stats, s -> s.get().spansDropped());
    counter("tailkeep.sampler.late.spans", "Spans that came after their trace was decided",
        "decision", "kept", stats, s -> s.get().lateSpansKept());
    counter("tailkeep.sampler.late.spans", "Spans that came after their trace was decided",
        "decision", "dropped", stats, s -> s.get().lateSpansDropped());
    counter("tailkeep.sampler.late.spans", "Spans that came after their trace was decided",
        "decision", "over_span_cap", stats, s -> s.get().lateSpansOverCap());
    counter("tailkeep.sampler.evictions", "Traces decided early because the buffer was full",
        stats, s -> s.get().evictions());
    counter("tailkeep.sampler.rate.limited", "Traces a rule would keep but its rate limit dropped",
        stats, s -> s.get().tracesRateLimited());
    counter("tailkeep.sampler.sink.failures", "Kept batches the store queue refused (a bug)",
        stats, s -> s.get().sinkFailures());
    // Kinds decided before binding (none in a server, which binds before it starts).
    decisionKinds.forEach(kind -> decidedCounter(kind, stats));
  }

  /** The store queue in front of the span store, and its dead letters if it has them. */
  public void bindStoreQueue(StoreQueue queue) {
    Supplier<StoreQueueStats> stats = queue::stats;
    gauge("tailkeep.store.queue.batches", "Kept batches not yet written", stats,
        s -> s.get().queuedBatches());
    gauge("tailkeep.store.queue.bytes", "Bytes of kept batches not yet written", stats,
        s -> s.get().queuedBytes());
    gauge("tailkeep.store.queue.full", "1 while ingest is refused because the queue is full",
        stats, s -> s.get().full() ? 1 : 0);
    gauge("tailkeep.store.writes.in.flight", "Batches being written now", stats,
        s -> s.get().inFlight());
    counter("tailkeep.store.writes", "Batches written to the span store", stats,
        s -> s.get().batchesWritten());
    counter("tailkeep.store.spans.written", "Spans written to the span store", stats,
        s -> s.get().spansWritten());
    counter("tailkeep.store.retries", "Failed writes that will be retried", stats,
        s -> s.get().retries());
    counter("tailkeep.store.dead.lettered.batches",
        "Batches the span store refused for good, set aside as dead letters", stats,
        s -> s.get().deadLetteredBatches());
    counter("tailkeep.store.dead.lettered.spans", "Spans of the dead-lettered batches", stats,
        s -> s.get().deadLetteredSpans());
    counter("tailkeep.store.splits", "Batches refused for their size and written in two parts",
        stats, s -> s.get().splits());
    queue.deadLetters().ifPresent(letters -> {
      gauge("tailkeep.store.dead.letters.bytes", "Bytes of the dead-letter files kept now",
          letters, DeadLetters::keptBytes);
      counter("tailkeep.store.dead.letters.removed",
          "Dead letters removed, or never kept, to stay within the directory's limit", letters,
          DeadLetters::removed);
    });
  }

  /** The rules in force and the rules file's reload state (empty on fixed rules). */
  public void bindRules(Supplier<RuleSet> rules, Supplier<Optional<RulesStatus>> status) {
    counter("tailkeep.rules.reloads", "Rules file versions applied after start", status,
        s -> s.get().map(RulesStatus::reloads).orElse(0L));
    counter("tailkeep.rules.reload.errors", "Rules file versions refused as invalid", status,
        s -> s.get().map(RulesStatus::reloadErrors).orElse(0L));
    gauge("tailkeep.rules.file.invalid", "1 while the rules file on disk is invalid", status,
        s -> s.get().map(st -> st.invalidOnDisk() ? 1 : 0).orElse(0));
    gauge("tailkeep.rules.count", "Rules in the active rules", rules,
        r -> r.get().ruleNames().size());
    // Starts again from 0 when new rules apply: Prometheus reads a drop as a counter reset.
    counter("tailkeep.rules.keys.overflowed",
        "Traces of per-key rules whose key was past max_keys and shared one budget, under the rules in force",
        rules, r -> r.get().keysOverflowed());
  }

  private <T> void gauge(String name, String description, T target, ToDoubleFunction<T> value) {
    targets.add(target);
    Gauge.builder(name, target, value).description(description).register(registry);
  }

  private <T> void counter(String name, String description, T target, ToDoubleFunction<T> value) {
    targets.add(target);
    FunctionCounter.builder(name, target, value).description(description).register(registry);
  }

  private <T> void counter(
      String name,
      String description,
      String tagKey,
      String tagValue,
      T target,
      ToDoubleFunction<T> value) {
    targets.add(target);
    FunctionCounter.builder(name, target, value)
        .description(description)
        .tags(tagKey, tagValue)
        .register(registry);
  }
}
