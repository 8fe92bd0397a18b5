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
import java.util.function.Function;

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

  /** Every row of a result, page after page, read with {@code reader}. */
  static <T> CompletionStage<List<T>> readAll(
      CompletionStage<AsyncResultSet> firstPage, Function<Row, T> reader) {
    return firstPage.thenCompose(page -> collect(page, reader, new ArrayList<>()));
  }

  private static <T> CompletionStage<List<T>> collect(
      AsyncResultSet page, Function<Row, T> reader, List<T> rows) {
    for (Row row : page.currentPage()) {
      rows.add(reader.apply(row));
    }
    return page.hasMorePages()
        ? page.fetchNextPage().thenCompose(next -> collect(next, reader, rows))
        : CompletableFuture.completedFuture(rows);
  }
}
