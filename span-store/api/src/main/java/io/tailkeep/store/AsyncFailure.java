package io.tailkeep.store;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The error behind a failed stage or future, for code that tells failures apart. */
public final class AsyncFailure {

  private AsyncFailure() {}

  /**
   * {@code error} without the {@link CompletionException}s and {@link ExecutionException}s that
   * dependent stages ({@code thenApply}, {@code allOf}, ...) and {@code Future.get} wrap it in.
   */
  public static Throwable cause(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
