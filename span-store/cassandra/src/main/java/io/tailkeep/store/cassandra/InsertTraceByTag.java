package io.tailkeep.store.cassandra;

import io.tailkeep.store.IndexedTags;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

final class InsertTraceByTag {
  private final CqlSession session;
  private final PreparedStatement statement;

  InsertTraceByTag(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.TRACES_BY_TAG
                + " (service, tag_key, tag_value, bucket, start_ns, trace_id)"
                + " VALUES (?, ?, ?, ?, ?, ?) USING TTL ?");
  }

  CompletionStage<AsyncResultSet> execute(
      IndexedTags.ServiceTag tag, long bucket, long startNanos, ByteBuffer traceId, int ttl) {
    return session.executeAsync(
        statement
            .bind(tag.service(), tag.key(), tag.value(), bucket, startNanos, traceId, ttl)
            .setIdempotent(true));
  }
}
