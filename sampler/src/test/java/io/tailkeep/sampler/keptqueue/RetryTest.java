package io.tailkeep.sampler.keptqueue;

import static io.tailkeep.sampler.keptqueue.Batches.id;
import static io.tailkeep.sampler.keptqueue.Batches.kept;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.TraceId;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Failed writes: back to the front, the queue pauses for a backoff, retried until written. */
class RetryTest {

  private static final Duration INITIAL = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofMillis(700);

  private final TestClock ticker = new TestClock();
  private final FakeWriter writer = new FakeWriter();

  private StoreQueue queue(int maxInFlight) {
    return StoreQueue.builder()
        .writer(writer)
        .ticker(ticker)
        .maxInFlight(maxInFlight)
        .initialBackoff(INITIAL)
        .maxBackoff(MAX)
        .build();
  }

  @Test
  void aFailedBatchGoesBackToTheFrontAndTheQueuePausesForTheBackoff() {
    StoreQueue queue = queue(1);
    queue.accept(kept(1));
    queue.accept(kept(2));
    queue.accept(kept(3));
    long bytes = queue.stats().queuedBytes();

    writer.failPending(new IOException("no node available"));
    assertThat(writer.pending()).isEmpty();
    assertThat(queue.stats().inFlight()).isZero();
    assertThat(queue.stats().queuedBatches()).isEqualTo(3);
    assertThat(queue.stats().queuedBytes()).isEqualTo(bytes);
    assertThat(queue.isFull()).isFalse();
    assertThat(queue.stats().retries()).isEqualTo(1);
    assertThat(queue.stats().deadLetteredBatches()).isZero();
    assertThat(queue.stats().consecutiveFailures()).isEqualTo(1);
    assertThat(queue.stats().lastError()).contains("no node available");

    queue.pump();
    ticker.advance(INITIAL.minusNanos(1));
    queue.pump();
    queue.accept(kept(4)); // accepting pumps too, and must not start a write either
    assertThat(writer.pending()).isEmpty();

    ticker.advance(Duration.ofNanos(1));
    queue.pump();
    assertThat(writer.pendingTraceIds()).containsExactly(id(1));

    writer.succeedPending();
    writer.succeedPending();
    writer.succeedPending();
    writer.succeedPending();
    assertThat(writer.written()).extracting(SpanBatch::traceId)
        .containsExactly(id(1), id(2), id(3), id(4));
    assertThat(queue.stats().consecutiveFailures()).isZero();
    assertThat(queue.stats().queuedBatches()).isZero();
    assertThat(queue.stats().lastError()).contains("no node available"); // the last one, kept for metrics
  }

  @Test
  void theBackoffDoublesUpToTheCapAndASuccessResetsIt() {
    StoreQueue queue = queue(1);
    queue.accept(kept(1));

    long[] expectedMillis = {100, 200, 400, 700, 700};
    for (int i = 0; i < expectedMillis.length; i++) {
      writer.failPending(new IOException("timeout"));
      assertThat(queue.stats().consecutiveFailures()).isEqualTo(i + 1);
      assertPausedFor(queue, Duration.ofMillis(expectedMillis[i]));
    }
    assertThat(queue.stats().retries()).isEqualTo(5);

    writer.succeedPending();
    assertThat(queue.stats().consecutiveFailures()).isZero();
    assertThat(queue.stats().batchesWritten()).isEqualTo(1);

    queue.accept(kept(2));
    writer.failPending(new IOException("timeout"));
    assertThat(queue.stats().consecutiveFailures()).isEqualTo(1);
    assertPausedFor(queue, INITIAL);
  }

  /** Nothing starts until {@code pause} has passed on the ticker; then the retry starts. */
  private void assertPausedFor(StoreQueue queue, Duration pause) {
    int attempts = writer.attempts().size();
    ticker.advance(pause.minusNanos(1));
    queue.pump();
    assertThat(writer.attempts()).as("attempts before %s passed", pause).hasSize(attempts);
    ticker.advance(Duration.ofNanos(1));
    queue.pump();
    assertThat(writer.attempts()).as("attempts after %s passed", pause)
        .hasSizeGreaterThan(attempts);
  }

  @Test
  void writesInFlightWhenTheStoreGoesAwayDoNotLengthenTheBackoff() {
    StoreQueue queue = queue(3);
    for (int n = 1; n <= 5; n++) {
      queue.accept(kept(n));
    }
    // They fail in another order than they went out.
    writer.pending().get(2).result().completeExceptionally(new IOException("down"));
    writer.pending().get(0).result().completeExceptionally(new IOException("down"));
    writer.pending().get(0).result().completeExceptionally(new IOException("down"));
    assertThat(queue.stats().retries()).isEqualTo(3);
    assertThat(queue.stats().consecutiveFailures()).isEqualTo(1);
    assertThat(writer.pending()).isEmpty();

    ticker.advance(INITIAL);
    queue.pump();
    // Retried first, in the order they came, ahead of the batches never tried.
    assertThat(writer.pendingTraceIds()).containsExactly(id(1), id(2), id(3));

    writer.failPending(new IOException("still down"));
    assertThat(queue.stats().consecutiveFailures()).isEqualTo(2);
    assertPausedFor(queue, INITIAL.multipliedBy(2));
  }

  @Test
  void anOutageThenRecoveryWritesEveryQueuedSpan() {
    StoreQueue queue = queue(4);
    long spansAccepted = 0;
    Set<TraceId> accepted = new HashSet<>();
    for (int n = 1; n <= 30; n++) {
      SpanBatch batch = kept(n, 1 + n % 5);
      queue.accept(batch);
      accepted.add(batch.traceId());
      spansAccepted += batch.spans().size();
    }

    // Cassandra is unreachable for a while; the buffer keeps handing over kept traces.
    writer.failAtOnce(new CompletionException(new IOException("All nodes failed")));
    int failedBefore = writer.failPending(new IOException("All nodes failed"));
    for (int round = 0; round < 6; round++) {
      ticker.advance(MAX);
      queue.pump();
      SpanBatch batch = kept(100 + round, 2);
      queue.accept(batch);
      accepted.add(batch.traceId());
      spansAccepted += batch.spans().size();
    }
    assertThat(queue.stats().batchesWritten()).isZero();
    assertThat(queue.stats().queuedBatches()).isEqualTo(36);
    assertThat(queue.stats().consecutiveFailures()).isEqualTo(7);
    // A writer failing at once pauses the queue before the next write starts: one attempt a round.
    assertThat(queue.stats().retries()).isEqualTo(failedBefore + 6);

    // It comes back: the next pump after the pause writes everything.
    writer.succeedAtOnce();
    ticker.advance(MAX);
    queue.pump();

    assertThat(queue.stats().queuedBatches()).isZero();
    assertThat(queue.stats().queuedBytes()).isZero();
    assertThat(queue.stats().inFlight()).isZero();
    assertThat(queue.stats().consecutiveFailures()).isZero();
    assertThat(queue.stats().deadLetteredBatches()).isZero();
    assertThat(queue.stats().batchesWritten()).isEqualTo(36);
    assertThat(queue.stats().spansWritten()).isEqualTo(spansAccepted);
    assertThat(writer.written()).extracting(SpanBatch::traceId)
        .containsExactlyInAnyOrderElementsOf(accepted);
  }

  @Test
  void aBatchTheStoreCannotAcceptIsCountedAndDroppedAndOthersContinue() {
    StoreQueue queue = queue(2);
    queue.accept(kept(1));
    queue.accept(kept(2));
    queue.accept(kept(3));
    long bytesOfOne = StoreQueue.sizeOf(kept(1));

    writer.pending().get(0).result().completeExceptionally(
        new IllegalArgumentException("span.name too long"));
    assertThat(queue.stats().deadLetteredBatches()).isEqualTo(1);
    assertThat(queue.stats().retries()).isZero();
    assertThat(queue.stats().consecutiveFailures()).isZero(); // the store is fine; no pause
    assertThat(queue.stats().lastError()).contains("span.name too long");
    assertThat(queue.stats().queuedBatches()).isEqualTo(2);
    assertThat(queue.stats().queuedBytes()).isEqualTo(2 * bytesOfOne);
    assertThat(writer.pendingTraceIds()).containsExactly(id(2), id(3));

    writer.succeedPending();
    assertThat(writer.written()).extracting(SpanBatch::traceId).containsExactly(id(2), id(3));
    assertThat(writer.attempts()).extracting(FakeWriter.Attempt::traceId)
        .containsOnlyOnce(id(1));
    assertThat(queue.stats().queuedBatches()).isZero();
  }

  @Test
  void refusalsAreRecognizedWhenWrappedOrAsNullPointerException() {
    StoreQueue queue = queue(3);
    queue.accept(kept(1));
    queue.accept(kept(2));
    queue.accept(kept(3));
    writer.pending().get(0).result().completeExceptionally(
        new CompletionException(new IllegalArgumentException("bad")));
    writer.pending().get(0).result().completeExceptionally(new NullPointerException("resource"));
    assertThat(queue.stats().deadLetteredBatches()).isEqualTo(2);
    assertThat(queue.stats().retries()).isZero();

    // Derived stages wrap the cause; a retryable one stays retryable.
    writer.pending().get(0).result().completeExceptionally(
        new CompletionException(new IOException("timeout")));
    assertThat(queue.stats().deadLetteredBatches()).isEqualTo(2);
    assertThat(queue.stats().retries()).isEqualTo(1);
    assertThat(queue.stats().queuedBatches()).isEqualTo(1);
  }

  @Test
  void aWriterThatThrowsIsRetriedLikeAFailedWrite() {
    StoreQueue queue = queue(4);
    writer.answer(
        batch -> {
          throw new IllegalStateException("session closed");
        });
    queue.accept(kept(1));
    queue.accept(kept(2));
    assertThat(queue.stats().retries()).isEqualTo(1); // the second waits behind the pause
    assertThat(queue.stats().consecutiveFailures()).isEqualTo(1);
    assertThat(queue.stats().inFlight()).isZero();
    assertThat(queue.stats().queuedBatches()).isEqualTo(2);
    assertThat(queue.stats().lastError()).contains("session closed");

    writer.succeedAtOnce();
    ticker.advance(INITIAL);
    queue.pump();
    assertThat(writer.written()).extracting(SpanBatch::traceId).containsExactly(id(1), id(2));
    assertThat(queue.stats().queuedBatches()).isZero();
  }

  @Test
  void aWriterThatThrowsIllegalArgumentExceptionDropsOnlyThatBatch() {
    StoreQueue queue = queue(4);
    writer.answer(
        batch -> {
          if (batch.traceId().equals(id(2))) {
            throw new IllegalArgumentException("cannot encode");
          }
          return CompletableFuture.completedFuture(null);
        });
    queue.accept(kept(1));
    queue.accept(kept(2));
    queue.accept(kept(3));
    assertThat(queue.stats().deadLetteredBatches()).isEqualTo(1);
    assertThat(queue.stats().retries()).isZero();
    assertThat(writer.written()).extracting(SpanBatch::traceId).containsExactly(id(1), id(3));
    assertThat(queue.stats().queuedBatches()).isZero();
    assertThat(queue.stats().queuedBytes()).isZero();
  }

  @Test
  void aWriterReturningNullIsRetried() {
    StoreQueue queue = queue(1);
    writer.answer(batch -> null);
    queue.accept(kept(1));
    assertThat(queue.stats().retries()).isEqualTo(1);
    assertThat(queue.stats().lastError()).contains("writer returned null");
    assertThat(queue.stats().queuedBatches()).isEqualTo(1);
  }
}
