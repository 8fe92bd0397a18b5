package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.tailkeep.store.OtlpSpan;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A trace's spans from its blocks, block after block until a given number is passed. */
final class SelectSpanBlocks {
  /** Blocks per page: a page of whole blocks is at most a few MiB. */
  private static final int PAGE_SIZE = 16;

  private final CqlSession session;
  private final PreparedStatement statement;

  SelectSpanBlocks(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "SELECT spans FROM " + keyspace + "." + Tables.SPAN_BLOCKS + " WHERE trace_id = ?");
  }

  /**
   * The spans of the trace's blocks in key order; once more than {@code limit} are read, no
   * further block is decoded and no further page fetched.
   */
  CompletableFuture<List<OtlpSpan>> execute(ByteBuffer traceId, int limit) {
    return Cql.fold(
        session.executeAsync(statement.bind(traceId).setPageSize(PAGE_SIZE)),
        new ArrayList<OtlpSpan>(),
        (spans, row) -> {
          if (spans.size() <= limit) {
            SpanBlocks.decode(row.getByteBuffer(0), spans);
          }
        },
        spans -> spans.size() > limit);
  }
}
