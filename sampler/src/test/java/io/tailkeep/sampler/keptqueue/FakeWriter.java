package io.tailkeep.sampler.keptqueue;

import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanWriter;
import io.tailkeep.store.TraceId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A writer whose writes stay pending until the test completes or fails them, unless it is told to
 * answer at once with {@link #answer}.
 */
final class FakeWriter implements SpanWriter {

  /** One write attempt. */
  record Attempt(SpanBatch batch, CompletableFuture<Void> result) {

    TraceId traceId() {
      return batch.traceId();
    }
  }

  private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
  private final List<SpanBatch> written = new CopyOnWriteArrayList<>();
  private volatile Function<SpanBatch, CompletionStage<Void>> answer;

  @Override
  public CompletionStage<Void> write(SpanBatch batch) {
    Function<SpanBatch, CompletionStage<Void>> now = answer;
    if (now == null) {
      return record(batch, new CompletableFuture<>());
    }
    CompletionStage<Void> stage;
    try {
      stage = now.apply(batch);
    } catch (RuntimeException e) {
      record(batch, CompletableFuture.failedFuture(e));
      throw e;
    }
    if (stage == null) {
      record(batch, CompletableFuture.failedFuture(new NullPointerException("null stage")));
      return null;
    }
    return record(batch, stage.toCompletableFuture());
  }

  private CompletableFuture<Void> record(SpanBatch batch, CompletableFuture<Void> result) {
    attempts.add(new Attempt(batch, result));
    result.thenRun(() -> written.add(batch));
    return result;
  }

  /** From now on, answer every write with this (it may throw, to fail synchronously). */
  void answer(Function<SpanBatch, CompletionStage<Void>> answer) {
    this.answer = answer;
  }

  void succeedAtOnce() {
    answer(batch -> CompletableFuture.completedFuture(null));
  }

  void failAtOnce(RuntimeException error) {
    answer(batch -> CompletableFuture.failedFuture(error));
  }

  List<Attempt> attempts() {
    return attempts;
  }

  /** Writes started and not yet completed, oldest first. */
  List<Attempt> pending() {
    return attempts.stream().filter(attempt -> !attempt.result().isDone()).toList();
  }

  List<TraceId> pendingTraceIds() {
    return pending().stream().map(Attempt::traceId).toList();
  }

  /** Completes the writes pending now (not the ones their completion starts). */
  int succeedPending() {
    List<Attempt> now = pending();
    now.forEach(attempt -> attempt.result().complete(null));
    return now.size();
  }

  int failPending(Throwable error) {
    List<Attempt> now = pending();
    now.forEach(attempt -> attempt.result().completeExceptionally(error));
    return now.size();
  }

  /** Batches whose write succeeded, in completion order. */
  List<SpanBatch> written() {
    return written;
  }

  int spansWritten() {
    return written.stream().mapToInt(batch -> batch.spans().size()).sum();
  }
}
