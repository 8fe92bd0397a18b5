package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
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

  /** What the blocks hold: their spans, and the decision stored beside them (null when none). */
  static final class Read {
    final List<OtlpSpan> spans = new ArrayList<>();
    Sampling sampling;
    private final SpanBlocks.Decoder decoder = new SpanBlocks.Decoder();
  }

  SelectSpanBlocks(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "SELECT spans, sampling_rule, sampling_probability FROM " + keyspace + "." + Tables.SPAN_BLOCKS
                + " WHERE trace_id = ?");
  }

  /**
   * The spans of the trace's blocks in key order; once more than {@code limit} are read, no
   * further block is decoded and no further page fetched.
   */
  CompletableFuture<Read> execute(ByteBuffer traceId, int limit) {
    return Cql.fold(
        session.executeAsync(statement.bind(traceId).setPageSize(PAGE_SIZE)),
        new Read(),
        (read, row) -> {
          if (read.spans.isEmpty()) {
            read.sampling = sampling(row); // static: every row of the partition has it
          }
          if (read.spans.size() <= limit) {
            read.decoder.decode(row.getByteBuffer(0), read.spans);
          }
        },
        read -> read.spans.size() > limit);
  }

  private static Sampling sampling(Row row) {
    String rule = row.getString(1);
    return rule == null ? null : new Sampling(rule, row.getDouble(2));
  }
}
