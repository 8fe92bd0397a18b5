package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Small conversions between driver values and ours. */
final class Cql {
  private Cql() {}

  static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
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
