package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.Iterator;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Walks one index partition row by row, fetching the next page only when the rows run out. Its
 * first page is requested when it is made, so many cursors load at once.
 */
final class IndexCursor {
  private final Function<Row, IndexRow> reader;
  private final ReadScope scope;
  private CompletionStage<AsyncResultSet> pending;
  private AsyncResultSet page;
  private Iterator<Row> rows;
  private IndexRow current;
  private boolean exhausted;

  /** {@code firstPage} is sent through {@code scope}, and so is every later page. */
  IndexCursor(
      Supplier<CompletionStage<AsyncResultSet>> firstPage, Function<Row, IndexRow> reader, ReadScope scope) {
    this.scope = scope;
    this.pending = scope.send(firstPage);
    this.reader = reader;
  }

  /** The current row, or null when the partition has no more. Blocks while a page loads. */
  IndexRow peek() {
    while (current == null && !exhausted) {
      if (rows != null && rows.hasNext()) {
        current = reader.apply(rows.next());
      } else if (pending != null) {
        page = pending.toCompletableFuture().join();
        rows = page.currentPage().iterator();
        pending = null;
      } else if (page.hasMorePages()) {
        AsyncResultSet current = page;
        pending = scope.send(current::fetchNextPage);
      } else {
        exhausted = true;
      }
    }
    return current;
  }

  void advance() {
    current = null;
  }
}
