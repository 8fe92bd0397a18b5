package io.tailkeep.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.Operation;
import java.util.List;
import java.util.concurrent.CompletionStage;

final class SelectOperationNames {
  private final CqlSession session;
  private final PreparedStatement statement;

  SelectOperationNames(CqlSession session, String keyspace) {
    this.session = session;
    this.statement =
        session.prepare(
            "SELECT operation, span_kind FROM " + keyspace + "." + Tables.OPERATION_NAMES
                + " WHERE service = ?");
  }

  CompletionStage<List<Operation>> execute(String service) {
    return Cql.readAll(
        session.executeAsync(statement.bind(service)),
        row -> new Operation(row.getString(0), kind(row.getString(1))));
  }

  private static SpanKind kind(String name) {
    try {
      return SpanKind.valueOf(name);
    } catch (IllegalArgumentException e) {
      return SpanKind.SPAN_KIND_UNSPECIFIED; // written by a newer version that knows more kinds
    }
  }
}
