package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.ToIntFunction;

/**
 * Statements that share one partition key, sent as one UNLOGGED batch: one request, which Cassandra
 * applies as one mutation (no batch log, one commit log entry), instead of one request per row.
 * Only idempotent statements go in, so the batch may be retried.
 */
final class UnloggedBatch {
  private final CqlSession session;

  UnloggedBatch(CqlSession session) {
    this.session = session;
  }

  /** Sends the statements; a lone statement goes as itself, a batch of one would only add framing. */
  CompletionStage<AsyncResultSet> execute(List<BoundStatement> statements) {
    Statement<?> request =
        statements.size() == 1
            ? statements.get(0)
            : BatchStatement.newInstance(
                    DefaultBatchType.UNLOGGED, statements.toArray(new BatchableStatement<?>[0]))
                .setIdempotent(true);
    return session.executeAsync(request);
  }

  /** The bytes of a statement's bound values: what it adds to a batch's size. */
  static int valueBytes(BoundStatement statement) {
    int bytes = 0;
    for (ByteBuffer value : statement.getValues()) {
      bytes += value == null ? 0 : value.remaining();
    }
    return bytes;
  }

  /**
   * Splits {@code items} in order into batches of at most {@code maxBytes} each, starting a new
   * batch before one would pass the limit; an item bigger than the limit goes alone.
   */
  static <T> List<List<T>> split(List<T> items, ToIntFunction<T> bytesOf, int maxBytes) {
    List<List<T>> batches = new ArrayList<>();
    List<T> current = new ArrayList<>();
    long currentBytes = 0;
    for (T item : items) {
      int bytes = bytesOf.applyAsInt(item);
      if (!current.isEmpty() && currentBytes + bytes > maxBytes) {
        batches.add(current);
        current = new ArrayList<>();
        currentBytes = 0;
      }
      current.add(item);
      currentBytes += bytes;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }
}
