package io.tailkeep.sampler.keptqueue;

import static io.tailkeep.sampler.keptqueue.Batches.id;
import static io.tailkeep.sampler.keptqueue.Batches.kept;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tailkeep.sampler.SamplerMetrics;
import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.store.BatchRejectedException;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches the store refuses for good are set aside at once, into the dead letters, and the queue
 * goes on; a batch refused for its size is split until its parts are stored or a single span is
 * left. Before this, a {@link BatchRejectedException} was retried forever at the head of the queue.
 */
class DeadLetterQueueTest {

  private static final Instant NOW = Instant.parse("2026-12-05T00:10:00Z");

  @TempDir Path directory;
  private final TestClock ticker = new TestClock();
  private final FakeWriter writer = new FakeWriter();

  private DeadLetters deadLetters() throws IOException {
    return DeadLetters.open(directory, 1L << 30, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static CompletionStage<Void> rejected(String reason, boolean split) {
    return CompletableFuture.failedFuture(new BatchRejectedException(reason, split, null));
  }

  @Test
  void aRefusedBatchIsSetAsideAtOnceIntoTheDeadLettersAndTheQueueGoesOn() throws IOException {
    DeadLetters letters = deadLetters();
    StoreQueue queue = StoreQueue.builder().writer(writer).ticker(ticker).maxInFlight(1)
        .deadLetters(letters).build();
    SpanBatch bad = kept(1, 3);
    CompletableFuture<Void> settled = queue.enqueue(bad).toCompletableFuture();
    queue.accept(kept(2));

    writer.pending().get(0).result().completeExceptionally(
        new BatchRejectedException("invalid: Key length of 70000 is longer than maximum of 65535", false, null));

    assertThat(settled).isCompletedWithValue(null);
    assertThat(queue.stats().deadLetteredBatches()).isEqualTo(1);
    assertThat(queue.stats().deadLetteredSpans()).isEqualTo(3);
    assertThat(queue.stats().retries()).isZero();
    assertThat(queue.stats().consecutiveFailures()).as("no pause: the store is fine").isZero();
    assertThat(writer.pendingTraceIds()).containsExactly(id(2)); // the next one goes at once
    writer.succeedPending();
    assertThat(queue.stats().queuedBatches()).isZero();
    assertThat(queue.stats().queuedBytes()).isZero();
    assertThat(writer.attempts()).extracting(FakeWriter.Attempt::traceId).containsOnlyOnce(id(1));

    List<DeadLetter> listed = letters.list();
    assertThat(listed).hasSize(1);
    DeadLetter letter = listed.get(0);
    assertThat(letter.traceId()).isEqualTo(id(1));
    assertThat(letter.time()).isEqualTo(NOW);
    assertThat(letter.reason()).isEqualTo("invalid: Key length of 70000 is longer than maximum of 65535");
    assertThat(letter.spans()).isEqualTo(3);
    Path file = directory.resolve(letter.file());
    assertThat(DeadLetters.readHeader(file)).isEqualTo(letter);
    assertThat(DeadLetterFiles.spans(file)).containsExactlyElementsOf(
        bad.spans().stream().map(WireSpan::toOtlpSpan).toList());
  }

  @Test
  void aHundredRefusedBatchesAheadDoNotHoldUpTheOnesBehind() throws IOException {
    DeadLetters letters = deadLetters();
    StoreQueue queue = StoreQueue.builder().writer(writer).ticker(ticker).maxInFlight(4)
        .deadLetters(letters).build();
    Set<TraceId> bad = new HashSet<>();
    for (int n = 1; n <= 100; n++) {
      bad.add(id(n));
    }
    writer.answer(batch -> bad.contains(batch.traceId())
        ? rejected("invalid: oversized name", false)
        : CompletableFuture.completedFuture(null));
    for (int n = 1; n <= 110; n++) {
      queue.accept(kept(n, 2));
    }
    // No time passed: a pause would have stopped everything after the first refusal.
    assertThat(queue.stats().queuedBatches()).isZero();
    assertThat(queue.stats().batchesWritten()).isEqualTo(10);
    assertThat(queue.stats().deadLetteredBatches()).isEqualTo(100);
    assertThat(queue.stats().deadLetteredSpans()).isEqualTo(200);
    assertThat(letters.list()).hasSize(100);
    try (var files = Files.list(directory)) {
      assertThat(files.filter(f -> f.toString().endsWith(".bin")).count()).isEqualTo(100);
    }
  }

  @Test
  void illegalArgumentFromAWriterIsStillSetAside() throws IOException {
    DeadLetters letters = deadLetters();
    StoreQueue queue = StoreQueue.builder().writer(writer).ticker(ticker).deadLetters(letters).build();
    writer.failAtOnce(new IllegalArgumentException("cannot encode"));
    queue.accept(kept(7));
    assertThat(queue.stats().deadLetteredBatches()).isEqualTo(1);
    assertThat(letters.list()).extracting(DeadLetter::reason)
        .containsExactly("java.lang.IllegalArgumentException: cannot encode");
  }

  @Test
  void aBatchRefusedForItsSizeIsSplitUntilItsPartsAreStored() throws IOException {
    DeadLetters letters = deadLetters();
    StoreQueue queue = StoreQueue.builder().writer(writer).ticker(ticker).deadLetters(letters).build();
    // The store takes at most 2 spans at once.
    writer.answer(batch -> batch.spans().size() > 2
        ? rejected("too large: CQL Message of size 17825862 bytes exceeds allowed maximum", true)
        : CompletableFuture.completedFuture(null));
    SpanBatch whole = kept(1, 7);
    CompletableFuture<Void> settled = queue.enqueue(whole).toCompletableFuture();

    assertThat(settled).isCompletedWithValue(null);
    assertThat(queue.stats().deadLetteredBatches()).isZero();
    assertThat(letters.list()).isEmpty();
    assertThat(queue.stats().splits()).isEqualTo(3); // 7 -> 3 + 4 -> 1 + 2 + 2 + 2
    assertThat(queue.stats().spansWritten()).isEqualTo(7);
    assertThat(queue.stats().queuedBatches()).isZero();
    assertThat(queue.stats().queuedBytes()).isZero();
    List<WireSpan> stored = new ArrayList<>();
    int summarized = 0;
    for (SpanBatch part : writer.written()) {
      assertThat(part.spans()).hasSizeLessThanOrEqualTo(2);
      assertThat(part.sampling()).isEqualTo(new Sampling("keep-errors", 1)); // every part is kept
      summarized += part.summary().spanCount();
      stored.addAll(part.spans());
    }
    assertThat(stored).containsExactlyInAnyOrderElementsOf(whole.spans());
    assertThat(summarized).isEqualTo(7); // the parts' summaries add up to the whole
    assertThat(writer.written().stream().mapToLong(p -> p.summary().startNanos()).min().orElseThrow())
        .isEqualTo(whole.summary().startNanos());
  }

  @Test
  void aSingleSpanStillTooLargeIsSetAsideAndTheRestStored() throws IOException {
    DeadLetters letters = deadLetters();
    StoreQueue queue = StoreQueue.builder().writer(writer).ticker(ticker).deadLetters(letters).build();
    SpanBatch whole = kept(1, 6);
    SpanId huge = whole.spans().get(4).spanId();
    writer.answer(batch -> batch.spans().stream().anyMatch(s -> s.spanId().equals(huge))
        ? rejected("too large", true)
        : CompletableFuture.completedFuture(null));
    CompletableFuture<Void> settled = queue.enqueue(whole).toCompletableFuture();
    queue.accept(kept(2, 3));

    assertThat(settled).isCompletedWithValue(null);
    assertThat(queue.stats().spansWritten()).isEqualTo(5 + 3);
    assertThat(queue.stats().deadLetteredBatches()).isEqualTo(1);
    assertThat(queue.stats().deadLetteredSpans()).isEqualTo(1);
    assertThat(letters.list()).singleElement().satisfies(letter -> {
      assertThat(letter.traceId()).isEqualTo(id(1));
      assertThat(letter.spans()).isEqualTo(1);
      assertThat(letter.reason()).isEqualTo("too large");
    });
    assertThat(queue.stats().queuedBatches()).isZero();
  }

  @Test
  void aRefusalThatSplittingCannotHelpIsNotSplit() throws IOException {
    DeadLetters letters = deadLetters();
    StoreQueue queue = StoreQueue.builder().writer(writer).ticker(ticker).deadLetters(letters).build();
    writer.answer(batch -> rejected("invalid statement: line 1:29 mismatched input", false));
    queue.accept(kept(1, 8));
    assertThat(queue.stats().splits()).isZero();
    assertThat(writer.attempts()).hasSize(1);
    assertThat(letters.list()).singleElement().extracting(DeadLetter::spans).isEqualTo(8);
  }

  @Test
  void withoutDeadLettersARefusedBatchIsCountedAndDropped() {
    StoreQueue queue = StoreQueue.builder().writer(writer).ticker(ticker).build();
    writer.answer(batch -> rejected("invalid", false));
    queue.accept(kept(1, 2));
    assertThat(queue.deadLetters()).isEmpty();
    assertThat(queue.stats().deadLetteredBatches()).isEqualTo(1);
    assertThat(queue.stats().deadLetteredSpans()).isEqualTo(2);
    assertThat(queue.stats().queuedBatches()).isZero();
  }

  @Test
  void errorsThatCanPassAreStillRetriedWithoutLimit() throws IOException {
    DeadLetters letters = deadLetters();
    StoreQueue queue = StoreQueue.builder().writer(writer).ticker(ticker).deadLetters(letters).build();
    queue.accept(kept(1, 2));
    for (int attempt = 0; attempt < 30; attempt++) {
      writer.failPending(new RuntimeException("Cassandra timeout during write query"));
      ticker.advance(Duration.ofSeconds(10));
      queue.pump();
    }
    assertThat(queue.stats().retries()).isEqualTo(30);
    assertThat(queue.stats().deadLetteredBatches()).isZero();
    assertThat(letters.list()).isEmpty();
    writer.succeedPending();
    assertThat(queue.stats().spansWritten()).isEqualTo(2);
  }

  @Test
  void metricsCountDeadLettersSplitsAndTheDirectory() throws IOException {
    DeadLetters letters = deadLetters();
    StoreQueue queue = StoreQueue.builder().writer(writer).ticker(ticker).deadLetters(letters).build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new SamplerMetrics(registry).bindStoreQueue(queue);
    writer.answer(batch -> batch.spans().size() > 1
        ? rejected("too large", true)
        : batch.traceId().equals(id(2)) ? rejected("invalid", false) : CompletableFuture.completedFuture(null));
    queue.accept(kept(1, 4));
    queue.accept(kept(2, 1));

    assertThat(registry.get("tailkeep.store.dead.lettered.batches").functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("tailkeep.store.dead.lettered.spans").functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("tailkeep.store.splits").functionCounter().count()).isEqualTo(3);
    assertThat(registry.get("tailkeep.store.dead.letters.bytes").gauge().value())
        .isEqualTo(letters.keptBytes()).isPositive();
    assertThat(registry.get("tailkeep.store.dead.letters.removed").functionCounter().count()).isZero();
  }
}
