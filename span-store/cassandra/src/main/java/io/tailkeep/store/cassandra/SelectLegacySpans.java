package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.StoredEnvelope;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A trace's spans in the table of one row per span that keyspaces made before schema v4 hold
 * (their spans expire with the span TTL), at most a given number: the query's own {@code LIMIT}.
 */
final class SelectLegacySpans {
  private static final int PAGE_SIZE = 5_000;

  private final CqlSession session;
  private final PreparedStatement statement;

  SelectLegacySpans(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "SELECT span FROM " + keyspace + "." + Tables.LEGACY_SPANS + " WHERE trace_id = ? LIMIT ?");
  }

  /** At most {@code limit} spans of the trace (the first by span ID), reading page after page. */
  CompletableFuture<List<OtlpSpan>> execute(ByteBuffer traceId, int limit) {
    return Cql.readAll(
        session.executeAsync(statement.bind(traceId, limit).setPageSize(Math.min(limit, PAGE_SIZE))),
        row -> StoredEnvelope.decode(row.getByteBuffer(0)));
  }
}
