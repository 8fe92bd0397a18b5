package io.tailkeep.collector;

import io.tailkeep.sampler.TailSampler;
import io.tailkeep.store.WireSpan;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Objects;

/** The production {@link SpanSink}: the tail sampler, whose refusals become retry-later answers. */
public final class SamplerSink implements SpanSink {

  /** Long enough for a store queue to drain a little, short enough not to stall exporters. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  private final TailSampler sampler;

  public SamplerSink(TailSampler sampler) {
    this.sampler = Objects.requireNonNull(sampler, "sampler");
  }

  @Override
  public CompletionStage<Admission> offer(List<WireSpan> spans) {
    return CompletableFuture.completedFuture(admission(spans));
  }

  private Admission admission(List<WireSpan> spans) {
    return switch (sampler.offer(spans)) {
      case ACCEPTED -> Admission.accept();
      case STORE_QUEUE_FULL -> Admission.full(
          "kept traces are waiting for the span store (Cassandra slow or unreachable); retry later",
          RETRY_AFTER);
      case SHUTTING_DOWN -> Admission.full("Tailkeep is shutting down; retry later", RETRY_AFTER);
    };
  }
}
