package io.tailkeep.kafka;

import io.tailkeep.store.AsyncFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Reads from Kafka itself which sampler node owns which partition of the spans topic, and how far
 * behind each partition is: the sampler group's members and their assignments, its committed
 * offsets, and the partitions' first and end offsets. No protocol or table of Tailkeep's own, so
 * any node can answer for the whole cluster.
 *
 * <p>One admin client for the life of the node; {@link #close()} closes it.
 */
public final class GroupStatus implements AutoCloseable {

  /** How long a read may take before it fails. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** {@code group.instance.id} is {@code <node.name>-<consumer index>} (KafkaSampling). */
  private static final Pattern INSTANCE_ID = Pattern.compile("(.+)-\\d+");

  private final SpansTopic spans;
  private final String group;
  private final int timeoutMillis;
  private final Clock clock;
  private final Admin admin;

  /** @throws IllegalStateException when no admin client can be made (no bootstrap host resolves) */
  public GroupStatus(SpansTopic spans, Duration timeout) {
    this(spans, KafkaSampling.GROUP, timeout, Clock.systemUTC());
  }

  GroupStatus(SpansTopic spans, String group, Duration timeout, Clock clock) {
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("group status timeout must be positive, got " + timeout);
    }
    this.spans = spans;
    this.group = group;
    this.timeoutMillis = (int) timeout.toMillis();
    this.clock = clock;
    Map<String, Object> config = spans.clientConfig();
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "tailkeep-group-status");
    // A call's attempts end with the read, rather than being retried for a minute behind it.
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis);
    try {
      this.admin = Admin.create(config);
    } catch (KafkaException e) {
      // A bootstrap host that does not resolve, say: said as a read failure would say it.
      throw new IllegalStateException("Kafka at " + String.join(",", spans.bootstrapServers())
          + ": cannot create an admin client: " + e.getMessage(), e);
    }
  }

  /**
   * The group now. Completes exceptionally, with a message naming what could not be read, when
   * Kafka does not answer a call within the timeout or refuses it (the topic does not exist, say).
   */
  public CompletionStage<GroupSnapshot> read() {
    Instant readAt = clock.instant();
    Calls calls = new Calls();
    CompletableFuture<List<TopicPartition>> partitions =
        calls.add("the partitions of topic " + spans.topic(),
            admin.describeTopics(List.of(spans.topic()), new DescribeTopicsOptions().timeoutMs(timeoutMillis))
                .allTopicNames())
            .thenApply(topics -> topics.get(spans.topic()).partitions().stream()
                .map(info -> new TopicPartition(spans.topic(), info.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition))
                .toList());
    CompletableFuture<Optional<ConsumerGroupDescription>> members =
        calls.add("the members of group " + group,
            admin.describeConsumerGroups(List.of(group),
                    new DescribeConsumerGroupsOptions().timeoutMs(timeoutMillis))
                .describedGroups().get(group))
            .thenApply(Optional::of)
            .exceptionallyCompose(e -> noGroup(e) ? CompletableFuture.completedFuture(Optional.empty())
                : CompletableFuture.failedFuture(e));
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> committed =
        calls.add("the committed offsets of group " + group,
            admin.listConsumerGroupOffsets(group, new ListConsumerGroupOffsetsOptions().timeoutMs(timeoutMillis))
                .partitionsToOffsetAndMetadata())
            .exceptionallyCompose(e -> noGroup(e) ? CompletableFuture.completedFuture(Map.of())
                : CompletableFuture.failedFuture(e));
    CompletableFuture<Map<TopicPartition, Long>> starts =
        partitions.thenCompose(all -> offsets(calls, all, OffsetSpec.earliest(), "first"));
    CompletableFuture<Map<TopicPartition, Long>> ends =
        partitions.thenCompose(all -> offsets(calls, all, OffsetSpec.latest(), "end"));

    CompletableFuture<GroupSnapshot> snapshot = new CompletableFuture<>();
    CompletableFuture.allOf(members, committed, starts, ends).whenComplete((ok, error) -> {
      if (error != null) {
        snapshot.completeExceptionally(AsyncFailure.cause(error));
        return;
      }
      try {
        snapshot.complete(snapshot(readAt, partitions.join(), members.join(), committed.join(),
            starts.join(), ends.join()));
      } catch (RuntimeException e) {
        snapshot.completeExceptionally(e);
      }
    });
    // The admin client's calls end a little after their timeout when no broker answers (a
    // coordinator lookup, say, gives up at its next retry): the whole read is bounded here.
    CompletableFuture.delayedExecutor(timeoutMillis, TimeUnit.MILLISECONDS).execute(() ->
        snapshot.completeExceptionally(failed(calls.pending(), new TimeoutException("no answer"))));
    return snapshot;
  }

  /** The calls of one read, by what each reads, so a timeout can say which did not answer. */
  private final class Calls {
    private final Map<String, CompletableFuture<?>> byWhat = new LinkedHashMap<>();

    /** A Kafka call as a future that fails with a message saying what could not be read, and why. */
    synchronized <T> CompletableFuture<T> add(String what, KafkaFuture<T> call) {
      CompletableFuture<T> done = new CompletableFuture<>();
      byWhat.put(what, done);
      call.whenComplete((value, error) -> {
        if (error == null) {
          done.complete(value);
        } else {
          done.completeExceptionally(failed(what, error));
        }
      });
      return done;
    }

    synchronized String pending() {
      List<String> waiting = new ArrayList<>();
      byWhat.forEach((what, call) -> {
        if (!call.isDone()) {
          waiting.add(what);
        }
      });
      return waiting.isEmpty() ? "the group" : String.join(", ", waiting);
    }
  }

  private CompletableFuture<Map<TopicPartition, Long>> offsets(
      Calls calls, List<TopicPartition> partitions, OffsetSpec spec, String which) {
    Map<TopicPartition, OffsetSpec> asked = new HashMap<>();
    partitions.forEach(partition -> asked.put(partition, spec));
    return calls.add("the " + which + " offsets of topic " + spans.topic(),
        admin.listOffsets(asked, new ListOffsetsOptions().timeoutMs(timeoutMillis)).all())
        .thenApply(found -> {
          Map<TopicPartition, Long> offsets = new HashMap<>();
          found.forEach((partition, info) -> offsets.put(partition, info.offset()));
          return offsets;
        });
  }

  private GroupSnapshot snapshot(
      Instant readAt,
      List<TopicPartition> partitions,
      Optional<ConsumerGroupDescription> description,
      Map<TopicPartition, OffsetAndMetadata> committed,
      Map<TopicPartition, Long> starts,
      Map<TopicPartition, Long> ends) {
    Map<TopicPartition, GroupSnapshot.Owner> owners = new HashMap<>();
    Map<String, int[]> partitionsByNode = new TreeMap<>();
    Map<String, long[]> lagByNode = new HashMap<>();
    for (MemberDescription member : description.map(ConsumerGroupDescription::members).orElse(List.of())) {
      GroupSnapshot.Owner owner = owner(member);
      partitionsByNode.putIfAbsent(owner.node(), new int[1]);
      lagByNode.putIfAbsent(owner.node(), new long[1]);
      for (TopicPartition partition : member.assignment().topicPartitions()) {
        if (partition.topic().equals(spans.topic())) {
          owners.put(partition, owner);
        }
      }
    }
    List<GroupSnapshot.Partition> rows = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      long start = starts.getOrDefault(partition, 0L);
      long end = ends.getOrDefault(partition, 0L);
      OffsetAndMetadata at = committed.get(partition);
      // Below the first offset (records expired unread) a new owner starts from the first one.
      long from = at == null ? start : Math.max(at.offset(), start);
      long lag = Math.max(0, end - from);
      Optional<GroupSnapshot.Owner> owner = Optional.ofNullable(owners.get(partition));
      owner.ifPresent(o -> {
        partitionsByNode.get(o.node())[0]++;
        lagByNode.get(o.node())[0] += lag;
      });
      rows.add(new GroupSnapshot.Partition(partition.partition(), owner,
          at == null ? OptionalLong.empty() : OptionalLong.of(at.offset()), end, lag));
    }
    List<GroupSnapshot.NodeTotal> nodes = new ArrayList<>();
    partitionsByNode.forEach((node, count) ->
        nodes.add(new GroupSnapshot.NodeTotal(node, count[0], lagByNode.get(node)[0])));
    String state = description.map(d -> d.groupState().toString()).orElse("Dead");
    return new GroupSnapshot(spans.topic(), group, state, readAt, rows, nodes);
  }

  /** Node and consumer from the member's instance ID; a member without one by its client ID. */
  private static GroupSnapshot.Owner owner(MemberDescription member) {
    Optional<String> instance = member.groupInstanceId();
    if (instance.isPresent()) {
      Matcher matcher = INSTANCE_ID.matcher(instance.get());
      return new GroupSnapshot.Owner(matcher.matches() ? matcher.group(1) : instance.get(), instance.get());
    }
    return new GroupSnapshot.Owner(member.clientId(), member.consumerId());
  }

  private static boolean noGroup(Throwable error) {
    return AsyncFailure.cause(error).getCause() instanceof GroupIdNotFoundException;
  }

  private IllegalStateException failed(String what, Throwable error) {
    Throwable cause = AsyncFailure.cause(error);
    String why;
    if (cause instanceof TimeoutException) {
      why = "no answer within " + timeoutMillis + " ms";
    } else if (cause instanceof UnknownTopicOrPartitionException) {
      why = "the topic does not exist (no node has created it yet)";
    } else {
      why = cause.getMessage();
    }
    return new IllegalStateException(
        "Kafka at " + String.join(",", spans.bootstrapServers()) + ": cannot read " + what + ": " + why, cause);
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
