package io.tailkeep.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.embedded.LocalPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real broker's whole life: first start, a topic written and read, stop, restart on the same data. */
class EmbeddedKafkaTest {

  private static final String TOPIC = "spans";
  private static final int PARTITIONS = 8;
  private static final int RECORDS = 400;
  private static final long TIMEOUT_SECONDS = 30;

  @TempDir
  Path workDirectory;

  @Test
  void startsServesAnIdempotentProducerStopsAndRestartsWithItsData() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.builder().workDirectory(workDirectory).build();
    Map<String, String> sent;
    String clusterId;
    KafkaBroker broker = kafka.start();
    try {
      assertThat(broker.isRunning()).isTrue();
      assertThat(ProcessHandle.of(broker.pid())).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
      assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
      assertThat(broker.controllerPort()).isNotEqualTo(broker.port());
      assertThat(broker.logDirectory()).isEqualTo(workDirectory.resolve("logs"));
      assertThat(broker.logDirectory().resolve("server.log")).content().contains("Kafka Server started");
      assertThat(broker.dataDirectory().resolve("meta.properties")).isRegularFile();

      try (Admin admin = admin(broker)) {
        clusterId = admin.describeCluster().clusterId().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(partitions(admin)).hasSize(PARTITIONS)
            .allSatisfy(partition -> assertThat(partition.leader().id()).isEqualTo(1));
      }
      sent = produce(broker);
      assertThat(consumeAll(broker)).isEqualTo(sent);
    } finally {
      broker.stop();
    }

    assertThat(broker.isRunning()).isFalse();
    assertThat(ProcessHandle.of(broker.pid()).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(LocalPorts.isFree(broker.port())).as("client port free").isTrue();
    assertThat(LocalPorts.isFree(broker.controllerPort())).as("controller port free").isTrue();
    broker.stop(); // idempotent

    KafkaBroker restarted = kafka.start();
    try {
      assertThat(restarted.pid()).isNotEqualTo(broker.pid());
      assertThat(restarted.logDirectory().resolve("format.log")).content()
          .containsOnlyOnce("Formatting"); // the restart did not format again
      try (Admin admin = admin(restarted)) {
        assertThat(admin.describeCluster().clusterId().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(clusterId);
        assertThat(partitions(admin)).hasSize(PARTITIONS);
      }
      assertThat(consumeAll(restarted)).isEqualTo(sent);
    } finally {
      restarted.stop();
    }
    assertThat(restarted.isRunning()).isFalse();
  }

  private static Admin admin(KafkaBroker broker) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  private static List<TopicPartitionInfo> partitions(Admin admin) throws Exception {
    TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(TOPIC);
    return topic.partitions();
  }

  /** Records keyed by random trace IDs, as ingest nodes will send them; every send acknowledged by all replicas. */
  private static Map<String, String> produce(KafkaBroker broker) throws Exception {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5);
    Random random = new Random(42);
    Map<String, String> sent = new HashMap<>();
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        byte[] traceId = new byte[16];
        random.nextBytes(traceId);
        String key = HexFormat.of().formatHex(traceId);
        String value = "span-" + i;
        sent.put(key, value);
        acks.add(producer.send(new ProducerRecord<>(TOPIC, key, value)));
      }
      producer.flush();
    }
    Set<Integer> partitionsUsed = new HashSet<>();
    for (Future<RecordMetadata> ack : acks) {
      partitionsUsed.add(ack.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).partition());
    }
    assertThat(partitionsUsed).as("keys spread over the partitions").hasSize(PARTITIONS);
    return sent;
  }

  /** Every record of the topic, read from the start of each partition (no group: nothing is committed). */
  private static Map<String, String> consumeAll(KafkaBroker broker) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, String> received = new HashMap<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(TOPIC, p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      while (received.size() < RECORDS && System.nanoTime() - deadline < 0) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          assertThat(received.put(record.key(), record.value())).as("key %s read once", record.key()).isNull();
        }
      }
    }
    return received;
  }
}
