package io.tailkeep.sampler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tailkeep.sampler.buffer.DecisionListener;
import io.tailkeep.sampler.buffer.DecisionReason;
import io.tailkeep.sampler.buffer.DecisionRecord;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.DeadLetters;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.sampler.reload.RulesStatus;
import io.tailkeep.sampler.rules.RuleSet;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The sampler's metrics, all names in one place. Counters the parts already keep are read when
 * scraped; decisions are counted here as they happen, by rule, because rule names change with
 * the rules file. Prometheus names: dots become underscores, counters end in {@code _total}.
 *
 * <p>The buffer is built with this as its {@link DecisionListener}; the {@link TailSampler} given it
 * adds the gauges and counters of its buffer, store queue and rules. A node on Kafka binds its
 * buffers, store queue and rules itself, and gives this to its partitions' buffers.
 */
public final class SamplerMetrics implements DecisionListener {

  private final MeterRegistry registry;
  /** Decisions run inside the buffer's map update: look meters up in these, not the registry. */
  private final Map<DecisionKey, Counter> decided = new ConcurrentHashMap<>();
  private final Map<DecisionReason, Timer> waits = new EnumMap<>(DecisionReason.class);
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

  @Override
  public void decided(DecisionRecord decision, Duration waited) {
    decided
        .computeIfAbsent(
            new DecisionKey(decision.keep(), decision.rule(), decision.reason()), this::decidedCounter)
        .increment();
    waits.get(decision.reason()).record(waited);
  }

  private Counter decidedCounter(DecisionKey key) {
    return Counter.builder("tailkeep.sampler.traces.decided")
        .description("Traces decided, by outcome, the rule that decided and what made it decide then")
        .tags(
            "decision", key.keep() ? "kept" : "dropped",
            "rule", key.rule(),
            "reason", tag(key.reason()))
        .register(registry);
  }

  private static String tag(DecisionReason reason) {
    return reason.name().toLowerCase(Locale.ROOT);
  }

  private record DecisionKey(boolean keep, String rule, DecisionReason reason) {}

  void bind(TailSampler sampler) {
    TraceBuffer buffer = sampler.buffer();
    bindBuffers(() -> List.of(buffer));
    counter("tailkeep.sampler.spans.decided", "Spans of decided traces", "decision", "kept",
        buffer, TraceBuffer::spansKept);
    counter("tailkeep.sampler.spans.decided", "Spans of decided traces", "decision", "dropped",
        buffer, TraceBuffer::spansDropped);
    counter("tailkeep.sampler.late.spans", "Spans that came after their trace was decided",
        "decision", "kept", buffer, TraceBuffer::lateSpansKept);
    counter("tailkeep.sampler.late.spans", "Spans that came after their trace was decided",
        "decision", "dropped", buffer, TraceBuffer::lateSpansDropped);
    counter("tailkeep.sampler.late.spans", "Spans that came after their trace was decided",
        "decision", "over_span_cap", buffer, TraceBuffer::lateSpansOverCap);
    counter("tailkeep.sampler.evictions", "Traces decided early because the buffer was full",
        buffer, TraceBuffer::evictions);
    counter("tailkeep.sampler.rate.limited", "Traces a rule would keep but its rate limit dropped",
        buffer, TraceBuffer::tracesRateLimited);
    counter("tailkeep.sampler.sink.failures", "Kept batches the store queue refused (a bug)",
        buffer, TraceBuffer::sinkFailures);
    bindStoreQueue(sampler.storeQueue());
    bindRules(sampler::rules, sampler::rulesStatus);
  }

  /**
   * What the buffers hold now, summed: the all-in-one's one buffer, or a node on Kafka's buffer per
   * partition it owns (the set changes with rebalances, so only gauges, never counters, come from it).
   */
  public void bindBuffers(Supplier<? extends Collection<TraceBuffer>> buffers) {
    gauge("tailkeep.sampler.buffer.bytes", "Bytes buffered, as the buffer weighs them", buffers,
        b -> sum(b.get(), TraceBuffer::bufferedBytes));
    gauge("tailkeep.sampler.buffer.traces", "Traces waiting for a decision", buffers,
        b -> sum(b.get(), TraceBuffer::bufferedTraces));
    gauge("tailkeep.sampler.buffer.spans", "Spans waiting for a decision", buffers,
        b -> sum(b.get(), TraceBuffer::bufferedSpans));
  }

  private static double sum(Collection<TraceBuffer> buffers, ToDoubleFunction<TraceBuffer> figure) {
    double total = 0;
    for (TraceBuffer buffer : buffers) {
      total += figure.applyAsDouble(buffer);
    }
    return total;
  }

  /** The store queue in front of the span store. */
  public void bindStoreQueue(StoreQueue queue) {
    gauge("tailkeep.store.queue.batches", "Kept batches not yet written", queue,
        StoreQueue::queuedBatches);
    gauge("tailkeep.store.queue.bytes", "Bytes of kept batches not yet written", queue,
        StoreQueue::queuedBytes);
    gauge("tailkeep.store.queue.full", "1 while ingest is refused because the queue is full",
        queue, q -> q.isFull() ? 1 : 0);
    gauge("tailkeep.store.writes.in.flight", "Batches being written now", queue,
        StoreQueue::inFlight);
    counter("tailkeep.store.writes", "Batches written to the span store", queue,
        StoreQueue::batchesWritten);
    counter("tailkeep.store.spans.written", "Spans written to the span store", queue,
        StoreQueue::spansWritten);
    counter("tailkeep.store.retries", "Failed writes that will be retried", queue,
        StoreQueue::retries);
    counter("tailkeep.store.failures", "Batches the span store refused for good", queue,
        StoreQueue::failures);
    counter("tailkeep.store.dead.lettered.batches",
        "Batches the span store refused for good, set aside as dead letters", queue,
        StoreQueue::failures);
    counter("tailkeep.store.dead.lettered.spans", "Spans of the dead-lettered batches", queue,
        StoreQueue::deadLetteredSpans);
    counter("tailkeep.store.splits", "Batches refused for their size and written in two parts",
        queue, StoreQueue::splits);
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
