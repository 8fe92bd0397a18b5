package io.tailkeep.kafka;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The sampler group as Kafka saw it at one moment: who owns each partition of the spans topic,
 * how far behind each partition is, and each node's share.
 *
 * @param topic the spans topic
 * @param group the sampler group
 * @param state the group's state as Kafka names it ({@code Stable}, {@code PreparingRebalance},
 *     {@code CompletingRebalance}, {@code Empty}; {@code Dead} when there is no such group)
 * @param readAt when the read started
 * @param partitions every partition of the topic, in order
 * @param nodes every node with a member in the group, by name, with what it owns
 */
public record GroupSnapshot(
    String topic, String group, String state, Instant readAt, List<Partition> partitions, List<NodeTotal> nodes) {

  public GroupSnapshot {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(readAt, "readAt");
    partitions = List.copyOf(partitions);
    nodes = List.copyOf(nodes);
  }

  /**
   * @param owner the consumer assigned the partition; empty when nobody is (no sampler running,
   *     or the group is rebalancing)
   * @param committedOffset the group's committed offset; empty when it never committed one here
   * @param endOffset the offset the next record will get
   * @param lag records not yet read past the committed offset (from the partition's first
   *     offset when nothing is committed, as a new owner starts there)
   */
  public record Partition(
      int partition, Optional<Owner> owner, OptionalLong committedOffset, long endOffset, long lag) {

    public Partition {
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(committedOffset, "committedOffset");
    }
  }

  /**
   * @param node the sampler node's {@code node.name}
   * @param consumer the consumer's {@code group.instance.id}: node name and thread index
   */
  public record Owner(String node, String consumer) {

    public Owner {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(consumer, "consumer");
    }
  }

  /** A node's partitions and the sum of their lags. */
  public record NodeTotal(String node, int partitions, long lag) {

    public NodeTotal {
      Objects.requireNonNull(node, "node");
    }
  }
}
