package io.tailkeep.deploy;

import io.tailkeep.store.cassandra.CassandraSpanStore;
import io.tailkeep.store.cassandra.CassandraStorage;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.TestCassandra;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cassandra span stores for the end-to-end tests: one keyspace per test class, so none sees another's
 * traces.
 *
 * <p>Creating a keyspace's schema takes 10-15 s here, nearly all of it the driver waiting about a
 * second after each DDL statement, so the keyspaces of all these test classes are created together,
 * in parallel, the first time one of them is needed: the whole set costs about what one does.
 */
final class TestStores {

  /** The keyspaces of the test classes on the shared node. */
  static final List<String> SHARED_NODE_KEYSPACES =
      List.of(
          EndToEndTest.KEYSPACE,
          LateSpansTest.KEYSPACE,
          RulesHotReloadTest.KEYSPACE,
          BufferEvictionTest.KEYSPACE,
          GracefulStopTest.KEYSPACE,
          MalformedInputTest.KEYSPACE,
          MetricsTest.KEYSPACE,
          ApiRoutesTest.KEYSPACE,
          AccessEndToEndTest.KEYSPACE,
          TlsEndToEndTest.KEYSPACE,
          SpanBytesEndToEndTest.KEYSPACE,
          KafkaRolesTest.KEYSPACE,
          DeadLetterEndToEndTest.KEYSPACE,
          io.tailkeep.deploy.demo.DemoCommandTest.KEYSPACE);

  private static final Map<String, CompletableFuture<Void>> SCHEMAS = new ConcurrentHashMap<>();

  private TestStores() {}

  /** A store on the test JVM's shared node (started on first use), in {@code keyspace}. */
  static CassandraSpanStore open(String keyspace) {
    CassandraEndpoint node = TestCassandra.shared();
    createSchemas(node);
    CompletableFuture<Void> schema = SCHEMAS.get(keyspace);
    if (schema != null) {
      // A failure shows again, with its cause, when the store is opened below.
      schema.exceptionally(e -> null).join();
    }
    return open(node.contactPoint(), node.localDatacenter(), keyspace);
  }

  static CassandraSpanStore open(InetSocketAddress contactPoint, String datacenter, String keyspace) {
    return CassandraStorage.builder()
        .contactPoints(List.of(contactPoint))
        .localDatacenter(datacenter)
        .keyspace(keyspace)
        .build()
        .open();
  }

  private static synchronized void createSchemas(CassandraEndpoint node) {
    if (!SCHEMAS.isEmpty()) {
      return;
    }
    for (String keyspace : SHARED_NODE_KEYSPACES) {
      CompletableFuture<Void> created = new CompletableFuture<>();
      Thread thread =
          new Thread(
              () -> {
                try (CassandraSpanStore store =
                    open(node.contactPoint(), node.localDatacenter(), keyspace)) {
                  created.complete(null);
                } catch (Throwable e) {
                  created.completeExceptionally(e);
                }
              },
              "create-keyspace-" + keyspace);
      thread.setDaemon(true);
      thread.start();
      SCHEMAS.put(keyspace, created);
    }
  }
}
