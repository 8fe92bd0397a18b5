package io.tailkeep.collector;

import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.WireSpan;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that keeps what it takes, decoded, and can be told to refuse or to fail. */
final class RecordingSink implements SpanSink {

  private final List<OtlpSpan> spans = new CopyOnWriteArrayList<>();
  private volatile Admission answer = Admission.accept();
  private volatile RuntimeException failure;

  @Override
  public Admission offer(List<WireSpan> batch) {
    if (failure != null) {
      throw failure;
    }
    if (answer.accepted()) {
      spans.addAll(batch.stream().map(WireSpan::toOtlpSpan).toList());
    }
    return answer;
  }

  void answerWith(Admission admission) {
    this.answer = admission;
  }

  void failWith(RuntimeException e) {
    this.failure = e;
  }

  List<OtlpSpan> spans() {
    return List.copyOf(spans);
  }
}
