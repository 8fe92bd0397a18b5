package io.tailkeep.query;

import io.tailkeep.store.AsyncFailure;
import io.tailkeep.store.StoreBusyException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One read of the span store for an API request, the same for every API on the port: it completes
 * on the request's context; a store that has not answered within the timeout has its work
 * cancelled (the store's stages are CompletableFutures, whose cancel reaches the driver); and a
 * failure says which way it failed ({@link Failure.Kind}), for each API to word in its own way.
 */
public final class StoreCall {

  private StoreCall() {}

  /** How a call failed. */
  public static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
      /** The store refused the arguments (an {@link IllegalArgumentException}, the cause). */
      BAD_INPUT,
      /** Too many reads under way ({@link StoreBusyException}); asking again shortly can work. */
      BUSY,
      /** No answer within the timeout; the store's work was cancelled. */
      TIMED_OUT,
      /** Anything else the store threw or failed with. */
      FAILED
    }

    private final Kind kind;

    Failure(Kind kind, Throwable cause) {
      super(kind + (cause == null ? "" : ": " + cause.getMessage()), cause, false, false);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }

  /** Runs {@code call} on behalf of a request handled on {@code context}. */
  public static <T> Future<T> run(
      Context context, Duration timeout, Supplier<CompletionStage<T>> call) {
    CompletionStage<T> stage;
    try {
      stage = call.get();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new Failure(Failure.Kind.BAD_INPUT, e));
    } catch (RuntimeException e) {
      return Future.failedFuture(new Failure(Failure.Kind.FAILED, e));
    }
    Promise<T> answer = Promise.promise();
    long timer =
        context.owner()
            .setTimer(
                timeout.toMillis(),
                id -> {
                  if (answer.tryFail(new Failure(Failure.Kind.TIMED_OUT, null))) {
                    cancel(stage);
                  }
                });
    stage.whenComplete(
        (value, error) ->
            context.runOnContext(
                done -> {
                  context.owner().cancelTimer(timer);
                  if (error == null) {
                    answer.tryComplete(value);
                    return;
                  }
                  Throwable cause = AsyncFailure.cause(error);
                  answer.tryFail(
                      new Failure(
                          cause instanceof StoreBusyException ? Failure.Kind.BUSY : Failure.Kind.FAILED,
                          cause));
                }));
    return answer.future();
  }

  private static void cancel(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().cancel(false);
    } catch (UnsupportedOperationException e) {
      // a stage that cannot be cancelled: it runs to its end, unanswered
    }
  }
}
