package io.tailkeep.ui.sampling;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which sampler node owns which partition of the spans topic, and how far behind each partition
 * is, as a node on Kafka read it from Kafka's consumer group. ui-api's own type, so the API does
 * not depend on Kafka; deploy fills it.
 *
 * @param topic the spans topic
 * @param group the sampler consumer group
 * @param state the group's state as Kafka names it ({@code Stable}, {@code PreparingRebalance},
 *     {@code Empty}, {@code Dead}, ...)
 * @param readAt when it was read
 * @param partitions every partition of the topic, in order
 * @param nodes every node with a consumer in the group, with its partitions and their summed lag
 */
public record PartitionOwners(
    String topic, String group, String state, Instant readAt, List<Partition> partitions, List<Node> nodes) {

  public PartitionOwners {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(readAt, "readAt");
    partitions = List.copyOf(partitions);
    nodes = List.copyOf(nodes);
  }

  /**
   * @param owner empty when no consumer is assigned the partition (no sampler, or a rebalance)
   * @param committedOffset empty when the group never committed an offset there
   * @param lag records waiting past the committed offset
   */
  public record Partition(
      int partition, Optional<Owner> owner, OptionalLong committedOffset, long endOffset, long lag) {

    public Partition {
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(committedOffset, "committedOffset");
    }
  }

  /** A node's name and the consumer ({@code group.instance.id}) that owns a partition. */
  public record Owner(String node, String consumer) {

    public Owner {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(consumer, "consumer");
    }
  }

  /** A node's partition count and their summed lag. */
  public record Node(String node, int partitions, long lag) {

    public Node {
      Objects.requireNonNull(node, "node");
    }
  }
}
