package io.tailkeep.store.cassandra.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddedCassandraBuilderTest {

  @TempDir static Path WORK;

  @Test
  void defaults() {
    assertThat(EmbeddedCassandra.DEFAULT_STARTUP_TIMEOUT).isEqualTo(Duration.ofSeconds(120));
    assertThat(EmbeddedCassandra.DEFAULT_MAX_HEAP).isEqualTo("1g");
    assertThat(EmbeddedCassandra.DEFAULT_CLUSTER_NAME).isEqualTo("tailkeep");
    assertThat(EmbeddedCassandra.VERSION).isEqualTo("5.0.9");
    assertThat(EmbeddedCassandra.SERVER_CLASSPATH.defaultDirectory())
        .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "tailkeep", "cassandra-5.0.9"));
    assertThat(EmbeddedCassandra.builder().workDirectory(WORK).build().toString())
        .contains("startupTimeout=PT2M", "maxHeap=1g", "clusterName=tailkeep", "cqlPort=0");
  }

  @Test
  void workDirectoryIsRequired() {
    assertThatThrownBy(() -> EmbeddedCassandra.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("workDirectory is required");
  }

  @Test
  void workDirectoryMustBeAbsolute() {
    assertThatThrownBy(() -> EmbeddedCassandra.builder().workDirectory(Path.of("data")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workDirectory must be an absolute path: data");
    assertThatThrownBy(() -> EmbeddedCassandra.builder().workDirectory(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workDirectory must not be null");
    assertThatThrownBy(() -> EmbeddedCassandra.builder().classpathDirectory(Path.of("lib")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("classpathDirectory must be an absolute path: lib");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 65_536, 70_000})
  void portsOutOfRange(int port) {
    assertThatThrownBy(() -> EmbeddedCassandra.builder().cqlPort(port))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cqlPort must be between 0 (any free port) and 65535: " + port);
    assertThatThrownBy(() -> EmbeddedCassandra.builder().storagePort(port))
        .hasMessageStartingWith("storagePort must be");
    assertThatThrownBy(() -> EmbeddedCassandra.builder().jmxPort(port))
        .hasMessageStartingWith("jmxPort must be");
  }

  @Test
  void fixedPortsMustDiffer() {
    assertThatThrownBy(() -> EmbeddedCassandra.builder().workDirectory(WORK).cqlPort(9042).jmxPort(9042).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cqlPort and jmxPort are both 9042");
  }

  @Test
  void startupTimeoutMustBePositive() {
    assertThatThrownBy(() -> EmbeddedCassandra.builder().startupTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("startupTimeout must be positive: PT0S");
    assertThatThrownBy(() -> EmbeddedCassandra.builder().startupTimeout(Duration.ofSeconds(-5)))
        .hasMessage("startupTimeout must be positive: PT-5S");
    assertThatThrownBy(() -> EmbeddedCassandra.builder().startupTimeout(null))
        .hasMessage("startupTimeout must be positive: null");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1x", "0", "-1g", "1 g", "g"})
  void maxHeapMustBeAnXmxSize(String size) {
    assertThatThrownBy(() -> EmbeddedCassandra.builder().maxHeap(size))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxHeap must be a size like 512m or 1g: " + size);
  }

  @Test
  void clusterNameMustNotBeBlank() {
    assertThatThrownBy(() -> EmbeddedCassandra.builder().clusterName(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clusterName must not be blank: ' '");
  }
}
