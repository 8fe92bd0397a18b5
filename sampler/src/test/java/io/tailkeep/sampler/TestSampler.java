package io.tailkeep.sampler;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.sampler.reload.RulesReloader;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.store.SpanWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A {@link TailSampler} for tests, its parts put together as deploy's {@code SamplerAssembly} does
 * (store queue, rules file or shipped defaults, buffer feeding the queue, metrics), on the test's
 * ticker and with the buffer's work on the calling thread.
 */
final class TestSampler {

  private final SpanWriter writer;
  private final Ticker ticker;
  private final MeterRegistry registry;
  private Path rulesFile;
  private Consumer<StoreQueue.Builder> storeQueue = queue -> {};
  private Duration rulesCheckInterval = TailSampler.DEFAULT_RULES_CHECK_INTERVAL;

  private TestSampler(SpanWriter writer, Ticker ticker, MeterRegistry registry) {
    this.writer = writer;
    this.ticker = ticker;
    this.registry = registry;
  }

  static TestSampler writingTo(SpanWriter writer, Ticker ticker, MeterRegistry registry) {
    return new TestSampler(writer, ticker, registry);
  }

  TestSampler rulesFile(Path file) {
    this.rulesFile = file;
    return this;
  }

  TestSampler storeQueue(Consumer<StoreQueue.Builder> settings) {
    this.storeQueue = settings;
    return this;
  }

  TestSampler rulesCheckInterval(Duration interval) {
    this.rulesCheckInterval = interval;
    return this;
  }

  TailSampler build() throws RulesFileException {
    StoreQueue.Builder queueBuilder = StoreQueue.builder().writer(writer).ticker(ticker);
    storeQueue.accept(queueBuilder);
    StoreQueue queue = queueBuilder.build();
    RulesReloader reloader =
        rulesFile == null ? null : RulesReloader.load(rulesFile, Clock.systemUTC(), ticker);
    RuleSet rules = reloader == null ? RulesFile.loadDefault(ticker) : reloader.current();
    SamplerMetrics metrics = new SamplerMetrics(registry);
    TraceBuffer buffer =
        TraceBuffer.builder()
            .rules(rules)
            .sink(queue)
            .ticker(ticker)
            .executor(Runnable::run)
            .decisionListener(metrics)
            .build();
    TailSampler.Builder sampler =
        TailSampler.builder()
            .buffer(buffer)
            .storeQueue(queue)
            .metrics(metrics)
            .ticker(ticker)
            .rulesCheckInterval(rulesCheckInterval);
    if (reloader != null) {
      sampler.rulesReloader(reloader);
    }
    return sampler.build();
  }
}
