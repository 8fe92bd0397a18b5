package io.tailkeep.deploy;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.tailkeep.sampler.SamplerMetrics;
import io.tailkeep.sampler.TailSampler;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.sampler.reload.RulesReloader;
import io.tailkeep.sampler.reload.RulesStatus;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.store.SpanWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The one place the sampler's parts are put together, for both ways of running: the rules (the
 * rules file, reloaded when it changes, or the shipped defaults), the store queue in front of the
 * span store, the buffer settings and the timing of the work that drives them. The all-in-one gets
 * a {@link TailSampler} over one buffer ({@link #tailSampler}); a node on Kafka takes the same
 * rules, store queue and timing for its per-partition buffers ({@code KafkaNode}), so the two paths
 * cannot drift apart.
 */
final class SamplerAssembly {

  private final Rules rules;
  private final Consumer<TraceBuffer.Builder> bufferSettings;
  private final Consumer<StoreQueue.Builder> storeQueueSettings;
  private final Duration tick;
  private final Duration rulesCheckInterval;
  private final Ticker ticker;
  private final Clock clock;

  private SamplerAssembly(
      Rules rules,
      Consumer<TraceBuffer.Builder> bufferSettings,
      Consumer<StoreQueue.Builder> storeQueueSettings,
      Duration tick,
      Duration rulesCheckInterval,
      Ticker ticker,
      Clock clock) {
    this.rules = rules;
    this.bufferSettings = bufferSettings;
    this.storeQueueSettings = storeQueueSettings;
    this.tick = tick;
    this.rulesCheckInterval = rulesCheckInterval;
    this.ticker = ticker;
    this.clock = clock;
  }

  /**
   * Loads the rules: the file when one is named (a missing or invalid one fails here, with every
   * problem), the shipped defaults otherwise.
   *
   * @param rulesFile null for the shipped defaults
   * @param buffer buffer size, timing and caps; a node on Kafka splits its bound over partitions
   * @param storeQueue the store queue's bound, writes in flight and backoff
   * @param tick how often due traces are decided and the store queue is pumped
   * @param rulesCheckInterval how often the rules file is looked at
   */
  static SamplerAssembly load(
      Path rulesFile,
      Consumer<TraceBuffer.Builder> buffer,
      Consumer<StoreQueue.Builder> storeQueue,
      Duration tick,
      Duration rulesCheckInterval)
      throws RulesFileException {
    Ticker ticker = Ticker.systemTicker();
    Clock clock = Clock.systemUTC();
    Rules rules =
        rulesFile == null
            ? new Rules(null, RulesFile.loadDefault(ticker))
            : new Rules(RulesReloader.load(rulesFile, clock, ticker), null);
    return new SamplerAssembly(rules, buffer, storeQueue, tick, rulesCheckInterval, ticker, clock);
  }

  /** The rules every role of the node decides by and shows. */
  Rules rules() {
    return rules;
  }

  /** A store queue writing kept traces through {@code writer}; one per sampling node. */
  StoreQueue storeQueue(SpanWriter writer) {
    StoreQueue.Builder queue = StoreQueue.builder().writer(writer).ticker(ticker);
    storeQueueSettings.accept(queue);
    return queue.build();
  }

  Consumer<TraceBuffer.Builder> bufferSettings() {
    return bufferSettings;
  }

  Duration tick() {
    return tick;
  }

  Duration rulesCheckInterval() {
    return rulesCheckInterval;
  }

  /**
   * The all-in-one's sampler: one buffer on the rules, handing kept traces to a store queue on
   * {@code writer}, its Caffeine work on a thread of its own, its metrics in {@code registry}.
   */
  TailSampler tailSampler(SpanWriter writer, MeterRegistry registry) {
    StoreQueue queue = storeQueue(writer);
    ExecutorService bufferExecutor =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "tailkeep-buffer-maintenance");
              thread.setDaemon(true);
              return thread;
            });
    SamplerMetrics metrics = new SamplerMetrics(registry);
    TraceBuffer.Builder buffer = TraceBuffer.builder().executor(bufferExecutor);
    bufferSettings.accept(buffer);
    buffer.rules(rules.current()).sink(queue).ticker(ticker).clock(clock).decisionListener(metrics);
    TailSampler.Builder sampler =
        TailSampler.builder()
            .buffer(buffer.build())
            .storeQueue(queue)
            .bufferExecutor(bufferExecutor)
            .metrics(metrics)
            .ticker(ticker)
            .tick(tick)
            .rulesCheckInterval(rulesCheckInterval);
    rules.reloader().ifPresent(sampler::rulesReloader);
    return sampler.build();
  }

  /**
   * The rules in force: the file's, as the reloader last read it (whoever drives the reloader
   * moves the buffers onto a new version), or the shipped defaults, never reloaded.
   */
  static final class Rules {

    private final RulesReloader reloader;
    private final RuleSet shipped;

    private Rules(RulesReloader reloader, RuleSet shipped) {
      this.reloader = reloader;
      this.shipped = shipped;
    }

    RuleSet current() {
      return reloader == null ? shipped : reloader.current();
    }

    /** The rules file's reload state; empty on the shipped defaults. */
    Optional<RulesStatus> status() {
      return reloader().map(RulesReloader::status);
    }

    /** The rules file's reloader; empty on the shipped defaults. */
    Optional<RulesReloader> reloader() {
      return Optional.ofNullable(reloader);
    }
  }
}
