package io.tailkeep.collector;

import static io.tailkeep.collector.TestRequests.request;
import static io.tailkeep.collector.TestRequests.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.TailSampler;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.keptqueue.StoreQueue;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.ExportRequestScanner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The sampler's refusals reach the exporter as retry-later answers with a reason it can read. */
class SamplerSinkTest {

  /** A store that never finishes a write, so kept traces stay queued over a 1-byte bound. */
  private final StoreQueue queue =
      StoreQueue.builder().writer(batch -> new CompletableFuture<>()).maxQueuedBytes(1).build();

  private final TailSampler sampler =
      TailSampler.builder()
          .buffer(
              TraceBuffer.builder()
                  .rules(RulesFile.loadDefault())
                  .sink(queue)
                  .executor(Runnable::run)
                  .build())
          .storeQueue(queue)
          .build();

  SamplerSinkTest() throws Exception {}

  @Test
  void takesSpansUntilKeptTracesWaitForTheStore() throws Exception {
    SamplerSink sink = new SamplerSink(sampler);
    List<WireSpan> spans = ExportRequestScanner.scan(request(span("a")).toByteArray()).accepted();

    assertThat(sink.offer(spans).toCompletableFuture().join().accepted()).isTrue();
    // A kept batch the store never finishes keeps the queue over its 1-byte bound.
    sampler.storeQueue().accept(SpanBatch.summarizing(spans, null));

    Admission full = sink.offer(spans).toCompletableFuture().join();
    assertThat(full.accepted()).isFalse();
    assertThat(full.reason()).contains("span store").contains("retry later");
    assertThat(full.retryAfter()).isEqualTo(SamplerSink.RETRY_AFTER);
  }

  @Test
  void refusesOnceShutdownBegins() throws Exception {
    SamplerSink sink = new SamplerSink(sampler);
    sampler.shutdown(Duration.ZERO);

    Admission refused =
        sink.offer(ExportRequestScanner.scan(request(span("a")).toByteArray()).accepted()).toCompletableFuture().join();
    assertThat(refused.accepted()).isFalse();
    assertThat(refused.reason()).isEqualTo("Tailkeep is shutting down; retry later");
  }
}
