package io.tailkeep.sampler;

import static io.tailkeep.store.testing.TestSpans.child;
import static io.tailkeep.store.testing.TestSpans.root;
import static io.tailkeep.store.testing.TestSpans.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.sampler.reload.RulesReloader;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanWriter;
import io.tailkeep.store.TraceId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampler running its parts (assembled by {@link TestSampler} as deploy does), driven by {@link
 * TailSampler#tick()} on a fake ticker.
 */
class TailSamplerTest {

  private final TestClock ticker = new TestClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final HeldWriter writer = new HeldWriter();

  private TestSampler sampler() {
    return TestSampler.writingTo(writer, ticker, registry);
  }

  @Test
  void aTickDecidesDueTracesAndWritesTheKeptOnes() throws Exception {
    TailSampler sampler = sampler().build();
    TraceId errorTrace = traceId(1);
    TraceId plainTrace = traceId(2);
    assertThat(sampler.offer(List.of(root(errorTrace).build(), child(errorTrace).error().build())))
        .isEqualTo(OfferResult.ACCEPTED);
    assertThat(sampler.offer(List.of(root(plainTrace).attribute("http.route", "/healthz").build())))
        .isEqualTo(OfferResult.ACCEPTED);

    ticker.advanceMillis(1_999);
    sampler.tick();
    assertThat(writer.batches).isEmpty();

    ticker.advanceMillis(1);
    sampler.tick();
    assertThat(writer.batches).hasSize(1);
    assertThat(writer.batches.get(0).traceId()).isEqualTo(errorTrace);
    assertThat(writer.batches.get(0).spans()).hasSize(2);
    assertThat(writer.batches.get(0).sampling()).isEqualTo(new Sampling("keep-errors", 1.0));
    writer.completeAll();
    assertThat(sampler.storeQueue().stats().batchesWritten()).isEqualTo(1);
    assertThat(sampler.why(plainTrace).orElseThrow().rule())
        .isEqualTo("drop-health-checks");
  }

  @Test
  void refusesSpansWhileKeptTracesWaitForTheStoreAndTakesThemAgainOnceWritten() throws Exception {
    TailSampler sampler = sampler().storeQueue(queue -> queue.maxQueuedBytes(1)).build();
    sampler.offer(List.of(root(traceId(1)).error().build()));
    ticker.advanceMillis(2_000);
    sampler.tick();
    assertThat(writer.batches).hasSize(1);

    assertThat(sampler.offer(List.of(root(traceId(2)).build())))
        .isEqualTo(OfferResult.STORE_QUEUE_FULL);
    assertThat(sampler.buffer().stats().bufferedTraces()).isZero();

    writer.completeAll();
    assertThat(sampler.offer(List.of(root(traceId(2)).build()))).isEqualTo(OfferResult.ACCEPTED);
  }

  @Test
  void shutdownDecidesEveryBufferedTraceWritesTheKeptOnesAndRefusesMore() throws Exception {
    TailSampler sampler = sampler().build();
    writer.completeImmediately = true;
    for (int i = 1; i <= 5; i++) {
      sampler.offer(List.of(root(traceId(i)).error().build()));
    }
    assertThat(sampler.buffer().stats().bufferedTraces()).isEqualTo(5);

    assertThat(sampler.shutdown(Duration.ofSeconds(5))).isTrue();

    assertThat(writer.batches).hasSize(5);
    assertThat(sampler.buffer().stats().bufferedTraces()).isZero();
    assertThat(sampler.storeQueue().stats().queuedBatches()).isZero();
    assertThat(sampler.offer(List.of(root(traceId(6)).build())))
        .isEqualTo(OfferResult.SHUTTING_DOWN);
  }

  @Test
  void anExportStillInOfferWhenShutdownBeginsIsDecidedByIt() throws Exception {
    // The offering thread is held inside the buffer (past the "accepting" check) by its first
    // clock reading, while another thread shuts the sampler down.
    CountDownLatch offerInside = new CountDownLatch(1);
    CountDownLatch releaseOffer = new CountDownLatch(1);
    Thread[] held = new Thread[1];
    Ticker holdingTicker =
        () -> {
          if (Thread.currentThread() == held[0] && offerInside.getCount() > 0) {
            offerInside.countDown();
            await(releaseOffer);
          }
          return ticker.read();
        };
    writer.completeImmediately = true;
    TailSampler sampler = TestSampler.writingTo(writer, holdingTicker, registry).build();
    CompletableFuture<OfferResult> offered = new CompletableFuture<>();
    held[0] = new Thread(() -> offered.complete(sampler.offer(List.of(root(traceId(1)).error().build()))));
    held[0].start();
    assertThat(offerInside.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> shutdown(sampler));
    Thread.sleep(200); // unfixed, the shutdown had decided an empty buffer and returned by now
    releaseOffer.countDown();

    assertThat(offered.get(10, TimeUnit.SECONDS)).isEqualTo(OfferResult.ACCEPTED);
    assertThat(stopped.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(sampler.buffer().stats().bufferedTraces()).as("traces left undecided after shutdown").isZero();
    assertThat(writer.batches).extracting(SpanBatch::traceId).containsExactly(traceId(1));
  }

  private static boolean shutdown(TailSampler sampler) {
    try {
      return sampler.shutdown(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void shutdownSaysSoWhenTheStoreDoesNotAnswerInTime() throws Exception {
    TailSampler sampler = sampler().build();
    sampler.offer(List.of(root(traceId(1)).error().build()));

    assertThat(sampler.shutdown(Duration.ofMillis(50))).isFalse();
    assertThat(sampler.storeQueue().stats().queuedBatches()).isEqualTo(1);
  }

  @Test
  void theRulesFileIsLookedAtOncePerIntervalAndANewVersionDecides(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("rules.yaml");
    write(file, "drop-all", "drop");
    TailSampler sampler =
        sampler().rulesFile(file).rulesCheckInterval(Duration.ofSeconds(1)).build();
    sampler.offer(List.of(root(traceId(1)).build()));
    write(file, "keep-all", "keep");

    ticker.advanceMillis(500);
    sampler.tick();
    assertThat(sampler.rules().ruleNames()).containsExactly("drop-all");

    ticker.advanceMillis(500);
    sampler.tick();
    assertThat(sampler.rules().ruleNames()).containsExactly("keep-all");
    assertThat(sampler.rulesStatus().orElseThrow().reloads()).isEqualTo(1);

    ticker.advanceMillis(2_000);
    sampler.tick();
    assertThat(writer.batches).hasSize(1);
    assertThat(writer.batches.get(0).sampling()).isEqualTo(new Sampling("keep-all", 1.0));
    assertThat(registry.get("tailkeep.rules.reloads").functionCounter().count()).isEqualTo(1);
  }

  @Test
  void aCatastrophicRegexOnA30000CharacterValueLeavesTheSchedulerDeciding(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, """
        version: 1
        rules:
          - name: backtracks
            conditions:
              - attribute: {key: q, regex: '^(a+)+$'}
            keep: {}
          - name: keep-errors
            conditions: [{error: true}]
            keep: {}
        """);
    TailSampler sampler = sampler().rulesFile(file).build();
    String value = "a".repeat(3_000) + "b" + "a".repeat(26_999);
    for (int i = 1; i <= 20; i++) {
      sampler.offer(List.of(root(traceId(i)).attribute("q", value).error().build()));
    }
    ticker.advanceMillis(2_000);

    assertTimeoutPreemptively(Duration.ofSeconds(5), sampler::tick);

    assertThat(sampler.buffer().stats().bufferedTraces()).isZero();
    assertThat(writer.batches).hasSize(20).allSatisfy(batch ->
        assertThat(batch.sampling()).isEqualTo(new Sampling("keep-errors", 1.0)));
  }

  @Test
  void anInvalidRulesFileAtStartIsRefusedWithItsErrors(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, "version: 1\nrules:\n  - name: x\n    explode: {}\n");

    assertThatThrownBy(() -> sampler().rulesFile(file).build())
        .isInstanceOfSatisfying(
            RulesFileException.class,
            e -> assertThat(String.join("\n", e.errors())).contains("rules.yaml:3").contains("explode"));
  }

  @Test
  void decisionsBufferAndStoreAreMeasured() throws Exception {
    TailSampler sampler = sampler().build();
    sampler.offer(List.of(root(traceId(1)).error().build(), child(traceId(1)).build()));
    sampler.offer(List.of(root(traceId(2)).attribute("http.route", "/healthz").build()));
    assertThat(registry.get("tailkeep.sampler.buffer.traces").gauge().value()).isEqualTo(2);
    assertThat(registry.get("tailkeep.sampler.buffer.spans").gauge().value()).isEqualTo(3);
    assertThat(registry.get("tailkeep.sampler.buffer.bytes").gauge().value()).isPositive();

    ticker.advanceMillis(2_000);
    sampler.tick();
    writer.completeAll();

    assertThat(
            registry
                .get("tailkeep.sampler.traces.decided")
                .tags("decision", "kept", "rule", "keep-errors", "reason", "root_grace")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("tailkeep.sampler.traces.decided")
                .tags("decision", "dropped", "rule", "drop-health-checks")
                .functionCounter()
                .count())
        .isEqualTo(1);
    var wait = registry.get("tailkeep.sampler.decision.wait").tags("reason", "root_grace").timer();
    assertThat(wait.count()).isEqualTo(2);
    assertThat(wait.max(TimeUnit.MILLISECONDS)).isEqualTo(2_000);
    assertThat(registry.get("tailkeep.sampler.buffer.traces").gauge().value()).isZero();
    assertThat(
            registry
                .get("tailkeep.sampler.spans.decided")
                .tags("decision", "kept")
                .functionCounter()
                .count())
        .isEqualTo(2);
    assertThat(registry.get("tailkeep.store.writes").functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("tailkeep.store.spans.written").functionCounter().count())
        .isEqualTo(2);
    assertThat(registry.get("tailkeep.store.queue.full").gauge().value()).isZero();
    assertThat(registry.get("tailkeep.rules.count").gauge().value())
        .isEqualTo(RulesFile.loadDefault().ruleNames().size());
  }

  @Test
  void shutdownStopsTheBuffersExecutorAfterDecidingEveryTrace() throws Exception {
    writer.completeImmediately = true;
    ExecutorService executor = Executors.newSingleThreadExecutor();
    StoreQueue queue = StoreQueue.builder().writer(writer).ticker(ticker).build();
    TraceBuffer buffer =
        TraceBuffer.builder()
            .rules(RulesFile.loadDefault(ticker))
            .sink(queue)
            .ticker(ticker)
            .executor(executor)
            .build();
    TailSampler sampler =
        TailSampler.builder().buffer(buffer).storeQueue(queue).bufferExecutor(executor).build();
    sampler.offer(List.of(root(traceId(1)).error().build()));

    assertThat(sampler.shutdown(Duration.ofSeconds(5))).isTrue();

    assertThat(executor.isTerminated()).isTrue();
    assertThat(writer.batches).hasSize(1);
  }

  @Test
  void shutdownKeepsToItsTimeoutWhenTheBuffersExecutorAndTheStoreBothHang() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    CountDownLatch never = new CountDownLatch(1);
    executor.execute(() -> await(never)); // a hand-over that does not finish
    StoreQueue queue = StoreQueue.builder().writer(writer).ticker(ticker).build(); // never answers
    TraceBuffer buffer =
        TraceBuffer.builder().rules(RulesFile.loadDefault(ticker)).sink(queue).ticker(ticker).executor(executor).build();
    TailSampler sampler =
        TailSampler.builder().buffer(buffer).storeQueue(queue).bufferExecutor(executor).build();
    sampler.offer(List.of(root(traceId(1)).error().build()));

    long start = System.nanoTime();
    assertThat(sampler.shutdown(Duration.ofSeconds(1))).isFalse();

    // One deadline for every wait: not a second for the executor and another for the store.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_600));
    never.countDown();
  }

  @Test
  void theBuilderNamesWhatIsMissingOrWrong(@TempDir Path dir) throws Exception {
    StoreQueue queue = StoreQueue.builder().writer(writer).build();
    TraceBuffer buffer = TraceBuffer.builder().rules(RulesFile.loadDefault()).sink(queue).build();
    assertThatThrownBy(() -> TailSampler.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("buffer must be set");
    assertThatThrownBy(() -> TailSampler.builder().buffer(buffer).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("storeQueue must be set");
    Path file = dir.resolve("rules.yaml");
    write(file, "keep-all", "keep");
    RulesReloader reloader = RulesReloader.load(file, Clock.systemUTC(), ticker);
    assertThatThrownBy(
            () ->
                TailSampler.builder()
                    .buffer(buffer)
                    .storeQueue(queue)
                    .rulesReloader(reloader)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the buffer must be built on the reloader's current rules");
    assertThatThrownBy(() -> TailSampler.builder().tick(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tick must be positive, got PT0S");
    assertThatThrownBy(() -> TailSampler.builder().tick(Duration.ofNanos(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tick must be at least 1 ms, got PT0.00000001S");
    assertThatThrownBy(() -> TailSampler.builder().rulesCheckInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rulesCheckInterval must be positive, got PT-1S");
    assertThat(TailSampler.DEFAULT_TICK).isEqualTo(Duration.ofMillis(100));
    assertThat(TailSampler.DEFAULT_RULES_CHECK_INTERVAL).isEqualTo(Duration.ofSeconds(1));
  }

  private static void write(Path file, String rule, String action) throws IOException {
    String act = action.equals("keep") ? "keep: {}" : "drop: {}";
    Files.writeString(
        file, "version: 1\nrules:\n  - name: " + rule + "\n    conditions: []\n    " + act + "\n");
  }

  /** A span writer whose writes finish when the test says so, or at once. */
  private static final class HeldWriter implements SpanWriter {
    final List<SpanBatch> batches = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
    volatile boolean completeImmediately;

    @Override
    public CompletionStage<Void> write(SpanBatch batch) {
      batches.add(batch);
      if (completeImmediately) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> done = new CompletableFuture<>();
      pending.add(done);
      return done;
    }

    void completeAll() {
      for (CompletableFuture<Void> done : pending) {
        done.complete(null);
      }
      pending.clear();
    }
  }
}
