package io.tailkeep.ui.jaeger;

import io.tailkeep.store.SpanStore;
import io.tailkeep.store.cassandra.CassandraStorage;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.TestCassandra;
import java.util.List;

/** {@link JaegerDependenciesTest} on Cassandra's traffic counts (the shared test node, a keyspace of its own). */
class JaegerDependenciesOnCassandraTest extends JaegerDependenciesTest {

  @Override
  SpanStore open() {
    CassandraEndpoint node = TestCassandra.shared();
    return CassandraStorage.builder()
        .contactPoints(List.of(node.contactPoint()))
        .localDatacenter(node.localDatacenter())
        .keyspace("ui_api_dependencies_test")
        .build()
        .open();
  }
}
