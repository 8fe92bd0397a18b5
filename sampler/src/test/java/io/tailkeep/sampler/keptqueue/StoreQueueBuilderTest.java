package io.tailkeep.sampler.keptqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.sampler.testing.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Defaults as documented; bad settings refused at once, naming the setting and the value. */
class StoreQueueBuilderTest {

  private final FakeWriter writer = new FakeWriter();

  @Test
  void defaults() {
    assertThat(StoreQueue.DEFAULT_MAX_QUEUED_BYTES).isEqualTo(128L * 1024 * 1024);
    assertThat(StoreQueue.DEFAULT_MAX_IN_FLIGHT).isEqualTo(64);
    assertThat(StoreQueue.DEFAULT_INITIAL_BACKOFF).isEqualTo(Duration.ofMillis(100));
    assertThat(StoreQueue.DEFAULT_MAX_BACKOFF).isEqualTo(Duration.ofSeconds(10));

    StoreQueue queue = StoreQueue.builder().writer(writer).build();
    assertThat(queue.maxQueuedBytes()).isEqualTo(StoreQueue.DEFAULT_MAX_QUEUED_BYTES);
    assertThat(queue.maxInFlight()).isEqualTo(StoreQueue.DEFAULT_MAX_IN_FLIGHT);
    assertThat(queue.initialBackoff()).isEqualTo(StoreQueue.DEFAULT_INITIAL_BACKOFF);
    assertThat(queue.maxBackoff()).isEqualTo(StoreQueue.DEFAULT_MAX_BACKOFF);
  }

  @Test
  void aNewQueueIsEmpty() {
    StoreQueue queue = StoreQueue.builder().writer(writer).build();
    assertThat(queue.isFull()).isFalse();
    assertThat(queue.stats().queuedBatches()).isZero();
    assertThat(queue.stats().queuedBytes()).isZero();
    assertThat(queue.stats().inFlight()).isZero();
    assertThat(queue.stats().batchesWritten()).isZero();
    assertThat(queue.stats().spansWritten()).isZero();
    assertThat(queue.stats().retries()).isZero();
    assertThat(queue.stats().deadLetteredBatches()).isZero();
    assertThat(queue.stats().consecutiveFailures()).isZero();
    assertThat(queue.stats().lastError()).isEmpty();
  }

  @Test
  void settingsAreKept() {
    StoreQueue queue =
        StoreQueue.builder()
            .writer(writer)
            .ticker(new TestClock())
            .maxQueuedBytes(1_000)
            .maxInFlight(3)
            .initialBackoff(Duration.ofMillis(5))
            .maxBackoff(Duration.ofMillis(5))
            .build();
    assertThat(queue.maxQueuedBytes()).isEqualTo(1_000);
    assertThat(queue.maxInFlight()).isEqualTo(3);
    assertThat(queue.initialBackoff()).isEqualTo(Duration.ofMillis(5));
    assertThat(queue.maxBackoff()).isEqualTo(Duration.ofMillis(5));
  }

  @Test
  void badNumbersAreRefusedNamingTheSettingAndValue() {
    StoreQueue.Builder builder = StoreQueue.builder();
    assertThatThrownBy(() -> builder.maxQueuedBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxQueuedBytes must be positive, got 0");
    assertThatThrownBy(() -> builder.maxQueuedBytes(-7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxQueuedBytes must be positive, got -7");
    assertThatThrownBy(() -> builder.maxInFlight(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxInFlight must be positive, got 0");
    assertThatThrownBy(() -> builder.maxInFlight(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxInFlight must be positive, got -1");
  }

  @Test
  void badDurationsAreRefusedNamingTheSettingAndValue() {
    StoreQueue.Builder builder = StoreQueue.builder();
    assertThatThrownBy(() -> builder.initialBackoff(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initialBackoff must be positive, got PT0S");
    assertThatThrownBy(() -> builder.initialBackoff(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initialBackoff must be positive, got PT-0.001S");
    assertThatThrownBy(() -> builder.maxBackoff(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBackoff must be positive, got PT0S");
    assertThatThrownBy(() -> builder.maxBackoff(Duration.ofSeconds(-3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBackoff must be positive, got PT-3S");
    assertThatThrownBy(() -> builder.initialBackoff(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("initialBackoff");
    assertThatThrownBy(() -> builder.maxBackoff(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("maxBackoff");
  }

  @Test
  void maxBackoffShorterThanInitialIsRefusedAtBuild() {
    StoreQueue.Builder builder =
        StoreQueue.builder()
            .writer(writer)
            .initialBackoff(Duration.ofSeconds(1))
            .maxBackoff(Duration.ofMillis(500));
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBackoff must not be shorter than initialBackoff (PT1S), got PT0.5S");
  }

  @Test
  void writerIsRequired() {
    assertThatThrownBy(() -> StoreQueue.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("writer must be set");
    assertThatThrownBy(() -> StoreQueue.builder().writer(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("writer");
    assertThatThrownBy(() -> StoreQueue.builder().ticker(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ticker");
  }
}
