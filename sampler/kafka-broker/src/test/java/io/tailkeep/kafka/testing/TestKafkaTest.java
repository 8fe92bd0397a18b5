package io.tailkeep.kafka.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The shared broker serves what Tailkeep's nodes will do: a consumer group on a topic made on purpose. */
class TestKafkaTest {

  private static final String TOPIC = "test-kafka-spans";
  private static final int PARTITIONS = 8;
  private static final int RECORDS = 100;
  private static final long TIMEOUT_SECONDS = 30;

  @Test
  void sharedBrokerIsStartedOnceAndServesAConsumerGroup() throws Exception {
    KafkaEndpoint endpoint = TestKafka.shared();
    assertThat(TestKafka.shared()).isSameAs(endpoint);

    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoint.bootstrapServers()))) {
      assertThat(admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).hasSize(1);
      admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    try (KafkaProducer<String, String> producer = producer(endpoint, TIMEOUT_SECONDS * 1_000)) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(new ProducerRecord<>(TOPIC, "trace-" + i, "span-" + i));
      }
      producer.flush();
    }
    // Topics are not created by writing to them: a misspelt topic is an error.
    try (KafkaProducer<String, String> producer = producer(endpoint, 1_000)) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>("test-kafka-misspelt", "k", "v"))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TimeoutException.class)
          .hasMessageContaining("test-kafka-misspelt not present in metadata");
    }

    Set<String> received = new HashSet<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoint.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "test-kafka-samplers",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      while (received.size() < RECORDS && System.nanoTime() - deadline < 0) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          received.add(record.key());
        }
      }
      consumer.commitSync(Duration.ofSeconds(TIMEOUT_SECONDS));
      Set<TopicPartition> assigned = consumer.assignment();
      assertThat(assigned).hasSize(PARTITIONS);
      long committed = consumer.committed(assigned, Duration.ofSeconds(TIMEOUT_SECONDS)).values().stream()
          .mapToLong(OffsetAndMetadata::offset).sum();
      assertThat(committed).isEqualTo(RECORDS);
    }
    assertThat(received).hasSize(RECORDS);
  }

  private static KafkaProducer<String, String> producer(KafkaEndpoint endpoint, long maxBlockMillis) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoint.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMillis), new StringSerializer(), new StringSerializer());
  }
}
