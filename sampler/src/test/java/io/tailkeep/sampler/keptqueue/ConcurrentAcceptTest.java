package io.tailkeep.sampler.keptqueue;

import static io.tailkeep.sampler.keptqueue.Batches.kept;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.store.SpanBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several deciding threads hand over kept traces at once: none is lost, none written twice. */
class ConcurrentAcceptTest {

  private static final int THREADS = 4;
  private static final int BATCHES_PER_THREAD = 3_000;

  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
  private final ExecutorService store = Executors.newFixedThreadPool(3);

  @AfterEach
  void stopPools() {
    pool.shutdownNow();
    store.shutdownNow();
  }

  @Test
  void aWriterAnsweringOnTheCallingThread() throws Exception {
    FakeWriter writer = new FakeWriter();
    writer.succeedAtOnce();
    StoreQueue queue = StoreQueue.builder().writer(writer).maxInFlight(8).build();

    long spans = acceptFromSeveralThreads(queue);

    assertThat(queue.awaitDrained(Duration.ofSeconds(30))).isTrue();
    assertEverythingWrittenOnce(queue, writer.written(), spans);
  }

  @Test
  void aWriterAnsweringOnItsOwnThreadsNeverExceedsMaxInFlight() throws Exception {
    AtomicInteger outstanding = new AtomicInteger();
    AtomicInteger mostOutstanding = new AtomicInteger();
    List<SpanBatch> written = new java.util.concurrent.CopyOnWriteArrayList<>();
    StoreQueue queue =
        StoreQueue.builder()
            .writer(
                batch -> {
                  mostOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
                  return CompletableFuture.runAsync(
                      () -> {
                        written.add(batch);
                        outstanding.decrementAndGet();
                      },
                      store);
                })
            .maxInFlight(5)
            .build();

    long spans = acceptFromSeveralThreads(queue);

    assertThat(queue.awaitDrained(Duration.ofSeconds(30))).isTrue();
    assertEverythingWrittenOnce(queue, written, spans);
    assertThat(mostOutstanding.get()).isBetween(1, 5);
  }

  private long acceptFromSeveralThreads(StoreQueue queue) throws Exception {
    List<Future<Long>> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      threads.add(
          pool.submit(
              () -> {
                long spans = 0;
                for (int i = 0; i < BATCHES_PER_THREAD; i++) {
                  SpanBatch batch = kept((long) thread * BATCHES_PER_THREAD + i, 1 + i % 3);
                  queue.accept(batch);
                  queue.isFull();
                  spans += batch.spans().size();
                }
                return spans;
              }));
    }
    long spans = 0;
    for (Future<Long> thread : threads) {
      spans += thread.get(30, TimeUnit.SECONDS);
    }
    return spans;
  }

  private static void assertEverythingWrittenOnce(
      StoreQueue queue, List<SpanBatch> written, long spans) {
    int batches = THREADS * BATCHES_PER_THREAD;
    Set<Object> traceIds = new HashSet<>();
    written.forEach(batch -> traceIds.add(batch.traceId()));
    assertThat(written).hasSize(batches);
    assertThat(traceIds).hasSize(batches);
    assertThat(queue.stats().batchesWritten()).isEqualTo(batches);
    assertThat(queue.stats().spansWritten()).isEqualTo(spans);
    assertThat(queue.stats().queuedBatches()).isZero();
    assertThat(queue.stats().queuedBytes()).isZero();
    assertThat(queue.stats().inFlight()).isZero();
    assertThat(queue.stats().retries()).isZero();
  }
}
