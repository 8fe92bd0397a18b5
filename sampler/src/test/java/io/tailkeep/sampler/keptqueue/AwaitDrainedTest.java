package io.tailkeep.sampler.keptqueue;

import static io.tailkeep.sampler.keptqueue.Batches.kept;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.sampler.testing.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Shutdown: wait until every kept trace is written, or give up after the timeout. */
class AwaitDrainedTest {

  private static final Duration LONG = Duration.ofSeconds(30);

  private final TestClock ticker = new TestClock();
  private final FakeWriter writer = new FakeWriter();
  private final StoreQueue queue =
      StoreQueue.builder()
          .writer(writer)
          .ticker(ticker)
          .maxInFlight(2)
          .initialBackoff(Duration.ofMillis(100))
          .build();

  @Test
  void anEmptyQueueIsDrained() throws InterruptedException {
    assertThat(queue.awaitDrained(Duration.ZERO)).isTrue();
  }

  @Test
  void falseWhenWritesAreStillPendingAtTheTimeout() throws InterruptedException {
    queue.accept(kept(1));
    assertThat(queue.awaitDrained(Duration.ZERO)).isFalse();
    assertThat(queue.awaitDrained(Duration.ofMillis(-5))).isFalse();
    assertThat(queue.awaitDrained(Duration.ofMillis(20))).isFalse();
    assertThat(queue.stats().queuedBatches()).isEqualTo(1);
  }

  @Test
  void trueOnceWritesCompletedElsewhereFinish() throws Exception {
    for (int n = 1; n <= 5; n++) {
      queue.accept(kept(n));
    }
    // Completes the writes as they start, on another thread, while the test waits.
    CompletableFuture<Void> store =
        CompletableFuture.runAsync(
            () -> {
              while (writer.written().size() < 5) {
                writer.succeedPending();
                Thread.onSpinWait();
              }
            });
    assertThat(queue.awaitDrained(LONG)).isTrue();
    store.get(30, TimeUnit.SECONDS);
    assertThat(queue.stats().batchesWritten()).isEqualTo(5);
    assertThat(queue.stats().queuedBatches()).isZero();
  }

  @Test
  void pumpsItselfSoARetryNeedsNoScheduler() throws InterruptedException {
    queue.accept(kept(1, 3));
    queue.accept(kept(2, 2));
    writer.failPending(new IOException("down"));
    assertThat(queue.stats().consecutiveFailures()).isEqualTo(1);

    writer.succeedAtOnce();
    ticker.advance(Duration.ofMillis(100)); // the pause is over, but nobody pumped
    assertThat(writer.written()).isEmpty();

    assertThat(queue.awaitDrained(LONG)).isTrue();
    assertThat(queue.stats().spansWritten()).isEqualTo(5);
  }

  @Test
  void aBatchGivenUpOnDoesNotKeepItWaiting() throws InterruptedException {
    queue.accept(kept(1));
    writer.failPending(new IllegalArgumentException("never storable"));
    assertThat(queue.awaitDrained(Duration.ZERO)).isTrue();
    assertThat(queue.stats().deadLetteredBatches()).isEqualTo(1);
  }

  @Test
  void interruptedWhileWaiting() {
    queue.accept(kept(1));
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> queue.awaitDrained(LONG)).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
  }
}
