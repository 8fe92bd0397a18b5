package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.tailkeep.store.IndexedTags;
import java.nio.ByteBuffer;

final class InsertTraceByTag {
  private final PreparedStatement statement;

  InsertTraceByTag(CqlSession session, String keyspace) {
    this.statement =
        session.prepare(
            "INSERT INTO " + keyspace + "." + Tables.TRACES_BY_TAG
                + " (service, tag_key, tag_value, bucket, start_ns, trace_id)"
                + " VALUES (?, ?, ?, ?, ?, ?) USING TTL ?");
  }

  /** Partition key (service, tag key, tag value, bucket). */
  BoundStatement bind(
      IndexedTags.ServiceTag tag, long bucket, long startNanos, ByteBuffer traceId, int ttl) {
    return statement
        .bind(tag.service(), tag.key(), tag.value(), bucket, startNanos, traceId, ttl)
        .setIdempotent(true);
  }
}
