package io.tailkeep.sampler.keptqueue;

import static io.tailkeep.sampler.keptqueue.Batches.id;
import static io.tailkeep.sampler.keptqueue.Batches.kept;
import static io.tailkeep.sampler.keptqueue.Batches.late;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.WireSpan;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The queue while the store is up: writes in order, up to the in-flight limit; the full signal. */
class StoreQueueTest {

  private final TestClock ticker = new TestClock();
  private final FakeWriter writer = new FakeWriter();

  private StoreQueue.Builder queue() {
    return StoreQueue.builder().writer(writer).ticker(ticker);
  }

  @Test
  void writesGoOutInOrderUpToMaxInFlight() {
    StoreQueue queue = queue().maxInFlight(3).build();
    for (int n = 1; n <= 5; n++) {
      queue.accept(kept(n));
    }
    assertThat(writer.pendingTraceIds()).containsExactly(id(1), id(2), id(3));
    assertThat(queue.stats().inFlight()).isEqualTo(3);
    assertThat(queue.stats().queuedBatches()).isEqualTo(5);

    queue.pump(); // nothing more may start
    assertThat(writer.attempts()).hasSize(3);

    writer.pending().get(1).result().complete(null); // id(2) done: one slot frees
    assertThat(writer.pendingTraceIds()).containsExactly(id(1), id(3), id(4));
    assertThat(queue.stats().batchesWritten()).isEqualTo(1);
    assertThat(queue.stats().queuedBatches()).isEqualTo(4);

    writer.succeedPending();
    assertThat(writer.pendingTraceIds()).containsExactly(id(5));
    writer.succeedPending();
    assertThat(writer.pending()).isEmpty();
    assertThat(writer.written()).hasSize(5);
    assertThat(queue.stats().batchesWritten()).isEqualTo(5);
    assertThat(queue.stats().queuedBatches()).isZero();
    assertThat(queue.stats().queuedBytes()).isZero();
    assertThat(queue.stats().inFlight()).isZero();
    assertThat(queue.stats().retries()).isZero();
  }

  @Test
  void enqueueSettlesOnlyWhenTheBatchIsDurableAfterRetriesOrRefusedForGood() {
    StoreQueue queue = queue().maxInFlight(2).build();
    CompletableFuture<Void> first = queue.enqueue(kept(1)).toCompletableFuture();
    CompletableFuture<Void> second = queue.enqueue(kept(2)).toCompletableFuture();

    writer.failPending(new RuntimeException("store away"));
    assertThat(first).isNotDone();
    assertThat(second).isNotDone();

    ticker.advance(Duration.ofMinutes(1));
    queue.pump();
    writer.pending().get(0).result().complete(null);
    writer.pending().get(0).result().completeExceptionally(new IllegalArgumentException("mutation too large"));

    assertThat(first).isCompletedWithValue(null);
    assertThat(second).isCompletedWithValue(null);
    assertThat(queue.stats().batchesWritten()).isEqualTo(1);
    assertThat(queue.stats().deadLetteredBatches()).isEqualTo(1);
  }

  @Test
  void countsSpansOfWholeTracesAndLateSpans() {
    writer.succeedAtOnce();
    StoreQueue queue = queue().build();
    queue.accept(kept(1, 3));
    queue.accept(late(1, 2));
    queue.accept(kept(2, 4));
    assertThat(queue.stats().batchesWritten()).isEqualTo(3);
    assertThat(queue.stats().spansWritten()).isEqualTo(9);
    assertThat(writer.written()).extracting(SpanBatch::sampling).containsNull();
  }

  @Test
  void aBatchWeighsTheHeapItHoldsSpansOriginsAndSummary() {
    SpanBatch batch = kept(1, 3);
    long expected = batch.summary().retainedBytes();
    for (WireSpan span : batch.spans()) {
      expected += span.retainedBytes();
    }
    assertThat(StoreQueue.sizeOf(batch)).isEqualTo(expected).isPositive();

    StoreQueue queue = queue().build();
    queue.accept(batch);
    assertThat(queue.stats().queuedBytes()).isEqualTo(expected);
  }

  @Test
  void isFullFromTheThresholdOnCountingBatchesInFlight() {
    long size = StoreQueue.sizeOf(kept(1));
    StoreQueue queue = queue().maxQueuedBytes(2 * size).maxInFlight(100).build();

    queue.accept(kept(1));
    assertThat(queue.isFull()).isFalse();
    queue.accept(kept(2));
    assertThat(queue.stats().queuedBytes()).isEqualTo(2 * size);
    assertThat(queue.stats().inFlight()).isEqualTo(2); // all in flight, and still counted
    assertThat(queue.isFull()).isTrue();

    writer.pending().get(0).result().complete(null);
    assertThat(queue.isFull()).isFalse();
  }

  @Test
  void acceptNeverRefusesAKeptTraceWhenFull() {
    long size = StoreQueue.sizeOf(kept(1));
    StoreQueue queue = queue().maxQueuedBytes(size).maxInFlight(1).build();
    for (int n = 1; n <= 10; n++) {
      queue.accept(kept(n));
    }
    assertThat(queue.isFull()).isTrue();
    assertThat(queue.stats().queuedBatches()).isEqualTo(10);
    assertThat(queue.stats().queuedBytes()).isEqualTo(10 * size);

    for (int i = 0; i < 10; i++) {
      writer.succeedPending();
    }
    assertThat(writer.written()).hasSize(10);
    assertThat(queue.isFull()).isFalse();
    assertThat(queue.stats().queuedBytes()).isZero();
  }

  @Test
  void pumpWithNothingToDoDoesNothing() {
    StoreQueue queue = queue().build();
    queue.pump();
    queue.pump();
    assertThat(writer.attempts()).isEmpty();
  }

  @Test
  void nullBatchIsRefused() {
    StoreQueue queue = queue().build();
    assertThatThrownBy(() -> queue.accept(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("batch");
    assertThat(queue.stats().queuedBatches()).isZero();
  }

  @Test
  void aWriterAnsweringAtOnceDoesNotNestOnTheStack() {
    StoreQueue queue = queue().maxInFlight(1).build();
    queue.accept(kept(0)); // held pending
    writer.succeedAtOnce();
    for (int n = 1; n <= 20_000; n++) {
      queue.accept(kept(n));
    }
    // Completing the held write drains 20 000 synchronous writes from inside its completion.
    writer.succeedPending();
    assertThat(queue.stats().batchesWritten()).isEqualTo(20_001);
    assertThat(queue.stats().queuedBatches()).isZero();
  }
}
