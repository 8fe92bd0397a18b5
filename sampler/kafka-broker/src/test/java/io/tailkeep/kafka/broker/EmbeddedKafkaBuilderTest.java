package io.tailkeep.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddedKafkaBuilderTest {

  @TempDir
  static Path work;

  @Test
  void defaults() {
    assertThat(EmbeddedKafka.VERSION).isEqualTo("4.1.1");
    assertThat(EmbeddedKafka.SERVER_CLASSPATH.defaultDirectory())
        .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "tailkeep", "kafka-4.1.1"));
    assertThat(EmbeddedKafka.DEFAULT_STARTUP_TIMEOUT).isEqualTo(Duration.ofSeconds(90));
    assertThat(EmbeddedKafka.DEFAULT_MAX_HEAP).isEqualTo("512m");
    assertThat(EmbeddedKafka.builder().workDirectory(work).build().toString())
        .contains("version=4.1.1", "startupTimeout=PT1M30S", "maxHeap=512m", "partitions=1", "brokerPort=0",
            "controllerPort=0", "classpathDirectory=" + EmbeddedKafka.SERVER_CLASSPATH.defaultDirectory());
  }

  @Test
  void workDirectoryIsRequiredAndAbsolute() {
    assertThatThrownBy(() -> EmbeddedKafka.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("workDirectory is required");
    assertThatThrownBy(() -> EmbeddedKafka.builder().workDirectory(Path.of("kafka")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workDirectory must be an absolute path: kafka");
    assertThatThrownBy(() -> EmbeddedKafka.builder().workDirectory(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workDirectory must not be null");
    assertThatThrownBy(() -> EmbeddedKafka.builder().classpathDirectory(Path.of("lib")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("classpathDirectory must be an absolute path: lib");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 65_536})
  void portsOutOfRange(int port) {
    assertThatThrownBy(() -> EmbeddedKafka.builder().brokerPort(port))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("brokerPort must be between 0 (any free port) and 65535: " + port);
    assertThatThrownBy(() -> EmbeddedKafka.builder().controllerPort(port))
        .hasMessage("controllerPort must be between 0 (any free port) and 65535: " + port);
  }

  @Test
  void fixedPortsMustDiffer() {
    assertThatThrownBy(() -> EmbeddedKafka.builder().workDirectory(work).brokerPort(19092).controllerPort(19092)
        .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("brokerPort and controllerPort are both 19092");
    assertThat(EmbeddedKafka.builder().workDirectory(work).brokerPort(0).controllerPort(0).build()).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -3, 10_001})
  void partitionsOutOfRange(int count) {
    assertThatThrownBy(() -> EmbeddedKafka.builder().partitions(count))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("partitions must be between 1 and 10000: " + count);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1x", "0", "-1g", "1 g", "g"})
  void maxHeapMustBeAnXmxSize(String size) {
    assertThatThrownBy(() -> EmbeddedKafka.builder().maxHeap(size))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxHeap must be a size like 512m or 1g: " + size);
  }

  @Test
  void startupTimeoutMustBePositive() {
    assertThatThrownBy(() -> EmbeddedKafka.builder().startupTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("startupTimeout must be positive: PT0S");
    assertThatThrownBy(() -> EmbeddedKafka.builder().startupTimeout(null))
        .hasMessage("startupTimeout must be positive: null");
  }
}
