package io.tailkeep.deploy;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tailkeep.sampler.SamplerMetrics;
import io.tailkeep.sampler.TailSampler;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.sampler.reload.CandidateFile;
import io.tailkeep.sampler.reload.RulesReloader;
import io.tailkeep.sampler.reload.RulesStatus;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.sampler.shadow.CandidateRules;
import io.tailkeep.sampler.traffic.ServiceGraph;
import io.tailkeep.sampler.traffic.SpanMetrics;
import io.tailkeep.store.SpanWriter;
import io.tailkeep.store.traffic.TrafficCounts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The one place the sampler's parts are put together, for both ways of running: the rules (the
 * rules file, reloaded when it changes, or the shipped defaults; candidate rules on trial beside
 * them), the store queue in front of the
 * span store, the buffer settings and the timing of the work that drives them. The all-in-one gets
 * a {@link TailSampler} over one buffer ({@link #tailSampler}); a node on Kafka takes the same
 * rules, store queue and timing for its per-partition buffers ({@code KafkaNode}), so the two paths
 * cannot drift apart.
 */
final class SamplerAssembly {

  private final Rules rules;
  private final Candidate candidate;
  /** RED metrics of every span this node buffers, and the service graph of every trace it decides. */
  private final SpanMetrics spanMetrics = new SpanMetrics();
  private final ServiceGraph serviceGraph = new ServiceGraph();
  private final Consumer<TraceBuffer.Builder> bufferSettings;
  private final Consumer<StoreQueue.Builder> storeQueueSettings;
  private final Duration tick;
  private final Duration rulesCheckInterval;
  private final Ticker ticker;
  private final Clock clock;

  private SamplerAssembly(
      Rules rules,
      Candidate candidate,
      Consumer<TraceBuffer.Builder> bufferSettings,
      Consumer<StoreQueue.Builder> storeQueueSettings,
      Duration tick,
      Duration rulesCheckInterval,
      Ticker ticker,
      Clock clock) {
    this.rules = rules;
    this.candidate = candidate;
    // Every buffer, the all-in-one's or a partition's, tries the node's candidate and counts traffic.
    this.bufferSettings = bufferSettings.andThen(
        buffer -> buffer.candidate(candidate.rules()).traffic(spanMetrics, serviceGraph));
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
   * @param candidateFile the candidate rules file to watch (it may be missing); null for none
   * @param buffer buffer size, timing and caps; a node on Kafka splits its bound over partitions
   * @param storeQueue the store queue's bound, writes in flight and backoff
   * @param tick how often due traces are decided and the store queue is pumped
   * @param rulesCheckInterval how often the rules file is looked at
   */
  static SamplerAssembly load(
      Path rulesFile,
      Path candidateFile,
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
    CandidateRules trial = new CandidateRules(clock);
    Candidate candidate =
        new Candidate(
            trial, candidateFile == null ? null : CandidateFile.watch(candidateFile, trial, clock, ticker), ticker);
    return new SamplerAssembly(
        rules, candidate, buffer, storeQueue, tick, rulesCheckInterval, ticker, clock);
  }

  /** The rules every role of the node decides by and shows. */
  Rules rules() {
    return rules;
  }

  /**
   * Puts the span metrics and the service graph on {@code /metrics}; for a node that samples (the
   * buffers count), once.
   */
  void bindTraffic(PrometheusMeterRegistry registry) {
    spanMetrics.bindTo(registry);
    serviceGraph.bindTo(registry);
  }

  /**
   * Starts writing the span metrics and the service graph to {@code store} per minute, every
   * {@code interval}, under {@code node}; for a node that samples, once.
   */
  TrafficMinutes writeTraffic(TrafficCounts store, String node, Duration interval) {
    return new TrafficMinutes(store, node, spanMetrics, serviceGraph, clock).start(interval);
  }

  /** The candidate rules every buffer of the node tries beside the rules in force. */
  Candidate candidate() {
    return candidate;
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
    candidate.file().ifPresent(sampler::candidateFile);
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

  /**
   * The node's candidate rules: the watched candidate file's, or rules uploaded through the API,
   * tried by every buffer of the node and never acting.
   */
  static final class Candidate {

    /** Where rules sent through the API say they come from. */
    static final String UPLOADED = "uploaded";

    private final CandidateRules rules;
    private final CandidateFile file;
    private final Ticker ticker;

    private Candidate(CandidateRules rules, CandidateFile file, Ticker ticker) {
      this.rules = rules;
      this.file = file;
      this.ticker = ticker;
    }

    CandidateRules rules() {
      return rules;
    }

    /** The watched candidate file; empty without {@code sampler.candidate_rules_file}. */
    Optional<CandidateFile> file() {
      return Optional.ofNullable(file);
    }

    /**
     * Puts rules sent through the API on trial; refuses invalid ones and returns every problem
     * (empty when the rules went on trial).
     */
    List<String> propose(String text) {
      RuleSet candidate;
      try {
        candidate = RulesFile.parse(UPLOADED, text, ticker);
      } catch (RulesFileException e) {
        return e.errors();
      }
      rules.propose(candidate, UPLOADED);
      return List.of();
    }
  }
}
