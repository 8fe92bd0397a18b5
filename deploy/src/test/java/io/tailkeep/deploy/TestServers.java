package io.tailkeep.deploy;

import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.store.SpanStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Servers on free ports with timings short enough for real-time tests: traces are decided 200 ms
 * after their root span, 1 s after their last span without one, failed writes are retried
 * within a second, and the traffic counts are written every 200 ms.
 */
final class TestServers {

  static final Duration GRACE = Duration.ofMillis(200);
  static final Duration IDLE = Duration.ofSeconds(1);
  static final Duration MAX_WAIT = Duration.ofSeconds(10);

  /** Quick decisions. Compose with {@code andThen} to change one setting. */
  static final Consumer<TraceBuffer.Builder> QUICK_DECISIONS =
      b -> b.gracePeriod(GRACE).idleTimeout(IDLE).maxWait(MAX_WAIT);

  /** Nothing decided for a minute: everything stays buffered until eviction or shutdown. */
  static final Consumer<TraceBuffer.Builder> NO_TIMED_DECISIONS =
      b ->
          b.gracePeriod(Duration.ofSeconds(60))
              .idleTimeout(Duration.ofSeconds(60))
              .maxWait(Duration.ofSeconds(120));

  static final Consumer<StoreQueue.Builder> QUICK_RETRIES =
      q -> q.initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofSeconds(1));

  private TestServers() {}

  /**
   * A builder with the test timings; the caller may change more before {@code start()}. A null
   * store is for an ingest-only node on Kafka.
   */
  static TailkeepServer.Builder builder(
      SpanStore store, Consumer<TraceBuffer.Builder> buffer, Consumer<StoreQueue.Builder> queue) {
    TailkeepServer.Builder builder = TailkeepServer.builder();
    if (store != null) {
      builder.spanStore(store);
    }
    return builder
        .host("127.0.0.1")
        .grpcPort(0)
        .httpPort(0)
        .apiPort(0)
        .shutdownTimeout(Duration.ofSeconds(30))
        .tick(Duration.ofMillis(20))
        .rulesCheckInterval(Duration.ofMillis(100))
        .trafficRefresh(Duration.ofMillis(200))
        .buffer(buffer)
        .storeQueue(queue);
  }

  /** The shipped default rules, quick decisions and retries. */
  static TailkeepServer start(SpanStore store) {
    return start(builder(store, QUICK_DECISIONS, QUICK_RETRIES));
  }

  static TailkeepServer start(SpanStore store, Path rulesFile) {
    return start(builder(store, QUICK_DECISIONS, QUICK_RETRIES).rulesFile(rulesFile));
  }

  static TailkeepServer start(TailkeepServer.Builder builder) {
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RulesFileException e) {
      throw new IllegalStateException("rules refused: " + e.errors(), e);
    }
  }
}
