package io.tailkeep.sampler.buffer;

import static io.tailkeep.store.testing.TestSpans.child;
import static io.tailkeep.store.testing.TestSpans.root;
import static io.tailkeep.store.testing.TestSpans.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.testing.TestClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Offers racing with decisions and evictions: every span still ends in exactly one place. */
class ConcurrentOfferTest {

  @Test
  void everyOfferedSpanIsAccountedForOnce() throws Exception {
    TestClock ticker = new TestClock();
    RecordingKeptTraceSink sink = new RecordingKeptTraceSink();
    TraceBuffer buffer =
        TraceBuffer.builder()
            .rules(RulesFile.loadDefault(ticker))
            .sink(sink)
            .ticker(ticker)
            .executor(Runnable::run)
            .maximumWeightBytes(20_000)
            .maxSpansPerTrace(40)
            .build();
    int threads = 4;
    int spansPerThread = 5_000;
    AtomicBoolean offering = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    try {
      Future<?> decider =
          pool.submit(
              () -> {
                while (offering.get()) {
                  ticker.advanceMillis(250);
                  buffer.decideDue();
                }
              });
      List<Future<?>> offers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        offers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < spansPerThread; i++) {
                    var trace = traceId(i % 300);
                    buffer.offer(
                        List.of(i % 7 == 0 ? root(trace).error().build() : child(trace).build()));
                  }
                }));
      }
      for (Future<?> offer : offers) {
        offer.get(30, TimeUnit.SECONDS);
      }
      offering.set(false);
      decider.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    buffer.decideAll();

    long total = (long) threads * spansPerThread;
    assertThat(buffer.stats().bufferedSpans()).isZero();
    assertThat(buffer.stats().bufferedTraces()).isZero();
    assertThat(buffer.stats().bufferedBytes()).isZero();
    assertThat(
            buffer.stats().spansKept()
                + buffer.stats().spansDropped()
                + buffer.stats().lateSpansKept()
                + buffer.stats().lateSpansDropped()
                + buffer.stats().lateSpansOverCap())
        .isEqualTo(total);
    assertThat((long) sink.spanCount()).isEqualTo(buffer.stats().spansKept() + buffer.stats().lateSpansKept());
  }
}
