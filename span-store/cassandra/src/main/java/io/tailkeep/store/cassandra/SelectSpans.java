package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.StoredEnvelope;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;

final class SelectSpans {
  private final CqlSession session;
  private final PreparedStatement statement;

  SelectSpans(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare("SELECT span FROM " + keyspace + "." + Tables.SPANS + " WHERE trace_id = ?");
  }

  /** Every span of the trace, reading page after page. */
  CompletionStage<List<OtlpSpan>> execute(ByteBuffer traceId) {
    return Cql.readAll(
        session.executeAsync(statement.bind(traceId).setPageSize(5_000)),
        row -> StoredEnvelope.decode(row.getByteBuffer(0)));
  }
}
