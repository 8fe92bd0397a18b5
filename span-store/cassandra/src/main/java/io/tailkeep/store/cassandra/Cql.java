package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tailkeep.store.TraceId;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/** Small conversions between driver values and ours. */
final class Cql {
  private Cql() {}

  /** A trace ID column, read in place; a value of another length fails like any bad ID. */
  static TraceId traceId(ByteBuffer buffer) {
    if (buffer.remaining() != 16) {
      throw new IllegalStateException("stored trace_id is " + buffer.remaining() + " bytes, not 16");
    }
    int at = buffer.position();
    return new TraceId(buffer.getLong(at), buffer.getLong(at + 8));
  }

  /** An instant as nanoseconds since the epoch; exact from 1970 to 2262 (StoredDecision's range). */
  static long epochNanos(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
  }

  static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(0, epochNanos);
  }

  /**
   * Every row of a result, page after page, read with {@code reader}. Cancelling the returned
   * future cancels the page being fetched and fetches no more.
   */
  static <T> CompletableFuture<List<T>> readAll(
      CompletionStage<AsyncResultSet> firstPage, Function<Row, T> reader) {
    return fold(firstPage, new ArrayList<T>(), (rows, row) -> rows.add(reader.apply(row)));
  }

  /**
   * Every row of a result handed to {@code fold} with {@code into}, page by page as each arrives,
   * so a long result is never held whole; completes with {@code into} after the last page, or with
   * the first error (a page that failed, or {@code fold} throwing). Pages are folded one after
   * another, never at once. Cancelling the returned future cancels the page being fetched and
   * fetches no more.
   */
  static <A> CompletableFuture<A> fold(
      CompletionStage<AsyncResultSet> firstPage, A into, BiConsumer<A, Row> fold) {
    return fold(firstPage, into, fold, folded -> false);
  }

  /** As {@link #fold(CompletionStage, Object, BiConsumer)}, fetching no page once {@code enough}. */
  static <A> CompletableFuture<A> fold(
      CompletionStage<AsyncResultSet> firstPage, A into, BiConsumer<A, Row> fold, Predicate<A> enough) {
    CompletableFuture<A> result = new CompletableFuture<>();
    follow(firstPage, into, fold, enough, result);
    return result;
  }

  private static <A> void follow(
      CompletionStage<AsyncResultSet> pageStage,
      A into,
      BiConsumer<A, Row> fold,
      Predicate<A> enough,
      CompletableFuture<A> result) {
    CompletableFuture<AsyncResultSet> page = pageStage.toCompletableFuture();
    result.whenComplete(
        (done, error) -> {
          if (result.isCancelled()) {
            page.cancel(false);
          }
        });
    page.whenComplete(
        (resultSet, error) -> {
          if (result.isDone()) {
            return;
          }
          if (error != null) {
            result.completeExceptionally(error);
            return;
          }
          try {
            for (Row row : resultSet.currentPage()) {
              fold.accept(into, row);
            }
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
          }
          if (resultSet.hasMorePages() && !enough.test(into)) {
            follow(resultSet.fetchNextPage(), into, fold, enough, result);
          } else {
            result.complete(into);
          }
        });
  }
}
