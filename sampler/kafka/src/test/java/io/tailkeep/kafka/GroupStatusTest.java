package io.tailkeep.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.kafka.testing.TestKafka;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The sampler group read from a real broker: consumers configured as a sampler node's are (static
 * membership, {@code <node>-<index>} instance IDs), each test in a group and topic of its own.
 */
class GroupStatusTest {

  private static final int PARTITIONS = 4;
  private static final Instant NOW = Instant.parse("2026-12-04T21:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final String group = "samplers-" + UUID.randomUUID();
  private final SpansTopic spans = SpansTopic.of(TestKafka.shared().bootstrapServers())
      .withTopic("owners-" + UUID.randomUUID(), PARTITIONS, (short) 1);

  /** Partition p holds 5 + p records. */
  private static long produced(int partition) {
    return 5 + partition;
  }

  @Test
  void aLiveGroupShowsWhoOwnsEachPartitionAndLagIsProducedMinusCommitted() throws Exception {
    createAndFill();
    List<KafkaConsumer<byte[], byte[]>> consumers = List.of(consumer("sampler-7", 0), consumer("sampler-7", 1));
    try (GroupStatus status = status(Duration.ofSeconds(10))) {
      awaitBothConsumersAssigned(consumers);
      // Committed: p on partition p, except the last, where the group never committed.
      for (KafkaConsumer<byte[], byte[]> consumer : consumers) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
          if (partition.partition() < PARTITIONS - 1) {
            offsets.put(partition, new OffsetAndMetadata(partition.partition()));
          }
        }
        consumer.commitSync(offsets);
      }

      GroupSnapshot snapshot = awaitSnapshot(status, consumers,
          s -> s.state().equals("Stable") && s.partitions().stream().allMatch(p -> p.owner().isPresent()));

      assertThat(snapshot.topic()).isEqualTo(spans.topic());
      assertThat(snapshot.group()).isEqualTo(group);
      assertThat(snapshot.readAt()).isEqualTo(NOW);
      assertThat(snapshot.partitions()).extracting(GroupSnapshot.Partition::partition).containsExactly(0, 1, 2, 3);
      for (GroupSnapshot.Partition row : snapshot.partitions()) {
        int p = row.partition();
        assertThat(row.endOffset()).isEqualTo(produced(p));
        if (p < PARTITIONS - 1) {
          assertThat(row.committedOffset()).isEqualTo(OptionalLong.of(p));
          assertThat(row.lag()).isEqualTo(produced(p) - p);
        } else {
          assertThat(row.committedOffset()).isEmpty();
          assertThat(row.lag()).as("nothing committed: every record waits").isEqualTo(produced(p));
        }
        GroupSnapshot.Owner owner = row.owner().orElseThrow();
        assertThat(owner.node()).isEqualTo("sampler-7");
        int index = consumers.get(0).assignment().contains(new TopicPartition(spans.topic(), p)) ? 0 : 1;
        assertThat(owner.consumer()).as("partition %d", p).isEqualTo("sampler-7-" + index);
      }
      long totalLag = snapshot.partitions().stream().mapToLong(GroupSnapshot.Partition::lag).sum();
      assertThat(totalLag).isEqualTo(5 + 5 + 5 + 8);
      assertThat(snapshot.nodes()).containsExactly(new GroupSnapshot.NodeTotal("sampler-7", PARTITIONS, totalLag));

      // Both leave, as a sampler node does when it stops: nobody owns anything, the lag stays.
      consumers.forEach(GroupStatusTest::leave);
      GroupSnapshot left = awaitSnapshot(status, List.of(), s -> s.state().equals("Empty"));
      assertThat(left.partitions()).allSatisfy(row -> assertThat(row.owner()).isEmpty());
      assertThat(left.partitions()).extracting(GroupSnapshot.Partition::lag)
          .containsExactly(5L, 5L, 5L, 8L);
      assertThat(left.partitions()).extracting(GroupSnapshot.Partition::committedOffset)
          .containsExactly(OptionalLong.of(0), OptionalLong.of(1), OptionalLong.of(2), OptionalLong.empty());
      assertThat(left.nodes()).isEmpty();
    } finally {
      consumers.forEach(GroupStatusTest::leave);
    }
  }

  private static void leave(KafkaConsumer<byte[], byte[]> consumer) {
    try {
      consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
          .withTimeout(Duration.ofSeconds(10)));
    } catch (IllegalStateException e) {
      // closed already
    }
  }

  @Test
  void withNoSamplerEverJoinedEveryPartitionIsUnownedWithAllItsRecordsWaiting() throws Exception {
    createAndFill();
    try (GroupStatus status = status(Duration.ofSeconds(10))) {
      GroupSnapshot snapshot = status.read().toCompletableFuture().get(30, TimeUnit.SECONDS);

      assertThat(snapshot.state()).isEqualTo("Dead");
      assertThat(snapshot.nodes()).isEmpty();
      for (GroupSnapshot.Partition row : snapshot.partitions()) {
        assertThat(row.owner()).isEmpty();
        assertThat(row.committedOffset()).isEmpty();
        assertThat(row.lag()).isEqualTo(produced(row.partition()));
      }
    }
  }

  @Test
  void aTopicThatDoesNotExistFailsNamingWhatCouldNotBeRead() {
    try (GroupStatus status = status(Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> status.read().toCompletableFuture().get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Kafka at " + TestKafka.shared().bootstrapServers() + ": cannot read the partitions of topic "
              + spans.topic() + ": the topic does not exist (no node has created it yet)");
    }
  }

  @Test
  void kafkaNotAnsweringFailsWithinTheTimeout() {
    SpansTopic nowhere = SpansTopic.of("127.0.0.1:1").withTopic("tailkeep-spans", 4, (short) 1);
    try (GroupStatus status = new GroupStatus(nowhere, group, Duration.ofSeconds(1), Clock.systemUTC())) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> status.read().toCompletableFuture().get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("Kafka at 127.0.0.1:1: cannot read ")
          .hasMessageEndingWith(": no answer within 1000 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aBootstrapHostThatDoesNotResolveIsRefusedSayingSo() {
    SpansTopic unknown = SpansTopic.of("no-such-kafka.invalid:9092");
    assertThatThrownBy(() -> new GroupStatus(unknown, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Kafka at no-such-kafka.invalid:9092: cannot create an admin client: ");
  }

  private GroupStatus status(Duration timeout) {
    return new GroupStatus(spans, group, timeout, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private void createAndFill() throws Exception {
    try (Admin admin = Admin.create(spans.clientConfig())) {
      admin.createTopics(List.of(new NewTopic(spans.topic(), PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    Map<String, Object> config = spans.clientConfig();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int p = 0; p < PARTITIONS; p++) {
        for (int i = 0; i < produced(p); i++) {
          producer.send(new ProducerRecord<>(spans.topic(), p, new byte[] {(byte) i}, new byte[] {(byte) p}));
        }
      }
      producer.flush();
    }
  }

  /** A consumer as a sampler node's, in this test's group. */
  private KafkaConsumer<byte[], byte[]> consumer(String node, int index) {
    Map<String, Object> config = KafkaSampling.consumerConfig(spans, node, index);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(spans.topic()));
    return consumer;
  }

  /** Polls every consumer (they join and rebalance only while polling) until both own partitions. */
  private static void awaitBothConsumersAssigned(List<KafkaConsumer<byte[], byte[]>> consumers) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      consumers.forEach(consumer -> consumer.poll(Duration.ofMillis(50)));
      Set<TopicPartition> all = new HashSet<>();
      consumers.forEach(consumer -> all.addAll(consumer.assignment()));
      if (all.size() == PARTITIONS && consumers.stream().noneMatch(c -> c.assignment().isEmpty())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("consumers not assigned within " + WAIT);
      }
    }
  }

  /** Reads until {@code done} holds, polling the consumers in between so they stay in the group. */
  private static GroupSnapshot awaitSnapshot(GroupStatus status, List<KafkaConsumer<byte[], byte[]>> consumers,
      java.util.function.Predicate<GroupSnapshot> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<GroupSnapshot> seen = new ArrayList<>();
    while (true) {
      GroupSnapshot snapshot = status.read().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (done.test(snapshot)) {
        return snapshot;
      }
      seen.add(snapshot);
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + "; last read: " + seen.get(seen.size() - 1));
      }
      consumers.forEach(consumer -> consumer.poll(Duration.ofMillis(50)));
    }
  }
}
