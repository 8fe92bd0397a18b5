package io.tailkeep.query;

import io.tailkeep.store.SpanStore;
import io.tailkeep.store.cassandra.CassandraStorage;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.TestCassandra;
import java.util.List;

/**
 * {@link TrafficApiTest}'s figures read from Cassandra's traffic counts (the shared test node, a
 * keyspace of its own): the same rows, the same answers to the digit.
 */
class TrafficApiOnCassandraTest extends TrafficApiTest {

  @Override
  SpanStore open() {
    CassandraEndpoint node = TestCassandra.shared();
    return CassandraStorage.builder()
        .contactPoints(List.of(node.contactPoint()))
        .localDatacenter(node.localDatacenter())
        .keyspace("trace_query_traffic")
        .build()
        .open();
  }
}
