package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.deploy.OtelServices.Transport;
import io.tailkeep.sampler.TailSampler;
import io.tailkeep.sampler.buffer.DecisionReason;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.cassandra.CassandraSpanStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A buffer far smaller than the traffic: traces are decided early, by eviction, on what they have.
 * None is lost, and every error trace is still kept whole.
 *
 * <p>The error traces here reach Tailkeep in one request each. A trace whose error span comes in a
 * later request than its first spans can be evicted before the error is seen, and is then decided
 * (and dropped) without it: the price of a bounded buffer, not something this test hides.
 */
class BufferEvictionTest {

  static final String KEYSPACE = "e2e_eviction";
  static final long BUFFER_BYTES = 256 * 1024;
  static final int TRACES = 1_500;

  @Test
  void evictedErrorTracesAreStoredComplete() {
    TailkeepServer server =
        TestServers.start(
            TestServers.builder(
                TestStores.open(KEYSPACE),
                TestServers.NO_TIMED_DECISIONS.andThen(b -> b.maximumWeightBytes(BUFFER_BYTES)),
                TestServers.QUICK_RETRIES));
    TailSampler sampler = server.sampler();
    TraceBuffer buffer = sampler.buffer();
    List<SentTrace> errors = new ArrayList<>();
    long spansSent = 0;
    try (OtelServices services = OtelServices.exportingTo(Transport.GRPC, server.grpcPort())) {
      for (int i = 0; i < TRACES; i++) {
        SentTrace trace =
            i % 10 == 0
                ? services.send("error", TraceShapes.errorInOneService())
                : services.send("catalog", TraceShapes.catalog(i));
        spansSent += trace.spanCount();
        if (i % 10 == 0) {
          errors.add(trace);
        }
        if (i % 100 == 99) {
          services.flush();
        }
      }
      services.flush();
      assertThat(services.spansExported()).isEqualTo(spansSent);
      Poll.until(
          Duration.ofSeconds(30),
          "the buffer back under its bound",
          () -> buffer.stats().bufferedBytes(),
          bytes -> bytes <= BUFFER_BYTES);
    } finally {
      // Decides what is still buffered and writes every kept trace before closing the store.
      server.close();
    }

    assertThat(buffer.stats().evictions()).isPositive();
    assertThat(buffer.stats().tracesDecided(DecisionReason.EVICTED)).isEqualTo(buffer.stats().evictions());
    assertThat(buffer.stats().tracesDecided(DecisionReason.SHUTDOWN)).as("decided at the stop").isPositive();
    assertThat(buffer.stats().tracesKept() + buffer.stats().tracesDropped()).isEqualTo(TRACES);
    assertThat(buffer.stats().tracesKept("keep-errors")).isEqualTo(errors.size());
    assertThat(buffer.stats().bufferedSpans()).isZero();
    assertThat(
            buffer.stats().spansKept() + buffer.stats().spansDropped() + buffer.stats().lateSpansKept() + buffer.stats().lateSpansDropped()
                + buffer.stats().lateSpansOverCap())
        .as("every span accepted kept or dropped")
        .isEqualTo(spansSent);
    assertThat(buffer.stats().sinkFailures()).isZero();
    assertThat(sampler.storeQueue().stats().queuedBatches()).isZero();
    assertThat(sampler.storeQueue().stats().deadLetteredBatches()).isZero();

    try (CassandraSpanStore reopened = TestStores.open(KEYSPACE)) {
      StoredTraces stored = new StoredTraces(reopened.reader());
      for (SentTrace trace : errors) {
        assertThat(stored.spanIds(trace.traceId())).as("spans of %s", trace).isEqualTo(trace.spanIds());
        assertThat(stored.summary(trace.traceId()).sampling()).isEqualTo(new Sampling("keep-errors", 1.0));
      }
    }
  }
}
