package io.tailkeep.store.cassandra.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node that cannot start says why, and leaves no process behind. */
class EmbeddedCassandraFailureTest {

  @TempDir
  Path workDirectory;

  @AfterEach
  void noNodeLeftRunning() {
    assertThat(ProcessHandle.current().children()
        .filter(child -> child.info().arguments().map(args -> String.join(" ", args)).orElse("")
            .contains(workDirectory.toString())))
        .noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void portInUseIsNamedBeforeAnyJvmStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      EmbeddedCassandra cassandra = EmbeddedCassandra.builder()
          .workDirectory(workDirectory)
          .storagePort(taken.getLocalPort())
          .build();

      assertThatThrownBy(cassandra::start)
          .isInstanceOf(IOException.class)
          .hasMessage("storagePort %d on 127.0.0.1 is already in use", taken.getLocalPort());
    }
  }

  @Test
  void earlyExitReportsTheExitCodeAndTheLogTail() {
    // The JVM itself refuses this heap, so the node exits at once and deterministically.
    EmbeddedCassandra cassandra = EmbeddedCassandra.builder().workDirectory(workDirectory).maxHeap("1k").build();

    assertThatThrownBy(cassandra::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("exited with code 1 before answering CQL on 127.0.0.1:")
        .hasMessageContaining("Last lines of " + workDirectory.resolve("logs").resolve("stdout.log"))
        .hasMessageContaining("Too small maximum heap");
  }

  @Test
  void startupTimeoutStopsTheNode() {
    EmbeddedCassandra cassandra = EmbeddedCassandra.builder()
        .workDirectory(workDirectory)
        .startupTimeout(Duration.ofMillis(1))
        .build();

    assertThatThrownBy(cassandra::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("did not answer CQL on 127.0.0.1:")
        .hasMessageContaining("within startupTimeout PT0.001S");
  }
}
