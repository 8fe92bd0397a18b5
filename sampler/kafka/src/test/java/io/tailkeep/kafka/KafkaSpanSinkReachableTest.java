package io.tailkeep.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tailkeep.kafka.broker.EmbeddedKafka;
import io.tailkeep.kafka.broker.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An ingest node's readiness stands on {@link KafkaSpanSink#reachable}: true while the broker
 * answers, a failure (not a hang) once it is gone. Its own broker, since this one is stopped.
 */
class KafkaSpanSinkReachableTest {

  @Test
  void reachableWhileTheBrokerAnswersAndFailsInTimeOnceItIsGone() throws Exception {
    KafkaBroker broker =
        EmbeddedKafka.builder()
            .workDirectory(Path.of("target", "reachable-test-broker-" + System.nanoTime()).toAbsolutePath())
            .build().start();
    try (KafkaSpanSink sink =
        KafkaSpanSink.start(SpansTopic.of(broker.bootstrapServers()).withTopic("reachable", 1, (short) 1),
            "ingest-1", new SimpleMeterRegistry())) {
      sink.reachable(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);

      broker.stop();
      long start = System.nanoTime();
      assertThatThrownBy(() -> sink.reachable(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answer time").isLessThan(Duration.ofSeconds(5));
    } finally {
      broker.stop();
    }
  }
}
