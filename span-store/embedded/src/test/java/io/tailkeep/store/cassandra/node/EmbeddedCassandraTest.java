package io.tailkeep.store.cassandra.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts and stops one real node: the launcher's whole life cycle. */
class EmbeddedCassandraTest {

  @TempDir
  Path workDirectory;

  @Test
  void startsAnswersCqlAndStopsFreeingItsPorts() throws Exception {
    CassandraNode node = EmbeddedCassandra.builder().workDirectory(workDirectory).build().start();
    try {
      assertThat(node.isRunning()).isTrue();
      assertThat(node.host()).isEqualTo("127.0.0.1");
      assertThat(node.localDatacenter()).isEqualTo("datacenter1");
      assertThat(node.cqlAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", node.cqlPort()));
      assertThat(node.logDirectory().resolve("system.log")).isNotEmptyFile();

      try (CqlSession session = CqlSession.builder()
          .addContactPoint(node.cqlAddress())
          .withLocalDatacenter(node.localDatacenter())
          .build()) {
        String version = session.execute("SELECT release_version FROM system.local").one().getString(0);
        assertThat(version).startsWith("5.0");
      }
    } finally {
      node.close();
    }

    assertThat(node.isRunning()).isFalse();
    assertThat(workDirectory.resolve("data")).isDirectory();
    for (int port : new int[] {node.cqlPort(), node.storagePort()}) {
      try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
        assertThat(socket.getLocalPort()).isEqualTo(port);
      }
    }
    node.close(); // idempotent
  }
}
