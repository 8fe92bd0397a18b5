package io.tailkeep.collector;

import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.WireSpan;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that keeps what it takes, decoded, and can be told to refuse, to fail or to answer later. */
final class RecordingSpanSink implements SpanSink {

  private final List<OtlpSpan> spans = new CopyOnWriteArrayList<>();
  private volatile Admission answer = Admission.accept();
  private volatile RuntimeException failure;
  private volatile CompletableFuture<Admission> pending;

  @Override
  public CompletionStage<Admission> offer(List<WireSpan> batch) {
    if (failure != null) {
      throw failure;
    }
    if (pending != null) {
      // Settled later, as Kafka's acknowledgement is; the spans count once it accepts.
      return pending.thenApply(
          admission -> {
            if (admission.accepted()) {
              spans.addAll(batch.stream().map(WireSpan::toOtlpSpan).toList());
            }
            return admission;
          });
    }
    if (answer.accepted()) {
      spans.addAll(batch.stream().map(WireSpan::toOtlpSpan).toList());
    }
    return CompletableFuture.completedFuture(answer);
  }

  void answerWith(Admission admission) {
    this.answer = admission;
  }

  /** From now on, offers are settled when the test completes the returned future (on any thread). */
  CompletableFuture<Admission> answerLater() {
    pending = new CompletableFuture<>();
    return pending;
  }

  void failWith(RuntimeException e) {
    this.failure = e;
  }

  List<OtlpSpan> spans() {
    return List.copyOf(spans);
  }
}
