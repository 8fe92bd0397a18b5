package io.tailkeep.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes sure the spans topic exists before a node produces to it or consumes from it. */
final class TopicSetup {

  private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

  private TopicSetup() {}

  /**
   * Creates the topic when absent; returns its partition count. An existing topic is taken as it
   * is: its partitions are never added to here, since that would move traces between partitions.
   */
  static int ensure(SpansTopic spans, Duration timeout) throws InterruptedException {
    try (Admin admin = Admin.create(spans.clientConfig())) {
      try {
        return describe(admin, spans.topic(), timeout).partitions().size();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw failed(spans, e.getCause());
        }
      }
      NewTopic topic =
          new NewTopic(spans.topic(), spans.partitions(), spans.replicationFactor())
              .configs(Map.of(
                  // Spans wait here only until sampled; a day covers any outage worth replaying.
                  "retention.ms", Long.toString(Duration.ofDays(1).toMillis()),
                  // acks=all then means two copies, not one, whatever the broker's default.
                  "min.insync.replicas", Integer.toString(Math.min(2, spans.replicationFactor()))));
      try {
        admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Created topic {} with {} partitions, replication factor {}",
            spans.topic(), spans.partitions(), spans.replicationFactor());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw failed(spans, e.getCause());
        }
      }
      return describeCreated(admin, spans.topic(), timeout).partitions().size();
    } catch (ExecutionException | TimeoutException e) {
      throw failed(spans, e instanceof ExecutionException ? e.getCause() : e);
    }
  }

  private static TopicDescription describe(Admin admin, String topic, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    return admin.describeTopics(List.of(topic)).allTopicNames()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
  }

  /**
   * A topic just created can be unknown for a moment to the broker that answers (its metadata
   * lags the controller's, more so on a loaded machine): ask again until the timeout.
   */
  private static TopicDescription describeCreated(Admin admin, String topic, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return describe(admin, topic, timeout);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static IllegalStateException failed(SpansTopic spans, Throwable cause) {
    String why = cause instanceof TimeoutException ? "no answer in time" : cause.getMessage();
    return new IllegalStateException(
        "Kafka at " + String.join(",", spans.bootstrapServers()) + ": cannot set up topic "
            + spans.topic() + ": " + why, cause);
  }
}
