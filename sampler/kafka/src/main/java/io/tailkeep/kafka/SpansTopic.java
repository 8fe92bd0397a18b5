package io.tailkeep.kafka;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the spans travel between ingest and sampler nodes: the topic, how it is laid out, and the
 * Kafka client settings every node passes through (bootstrap servers, TLS, SASL).
 *
 * @param bootstrapServers {@code host:port} of one or more brokers
 * @param topic the spans topic; records are keyed by trace ID, so a trace lives in one partition
 * @param partitions the topic's partitions when Tailkeep creates it: the most sampler threads the
 *     cluster can use
 * @param replicationFactor the topic's replication factor when Tailkeep creates it
 * @param clientProperties further Kafka client settings ({@code security.protocol},
 *     {@code ssl.*}, {@code sasl.*}, ...), passed to every producer, consumer and admin client
 */
public record SpansTopic(
    List<String> bootstrapServers,
    String topic,
    int partitions,
    short replicationFactor,
    Map<String, String> clientProperties) {

  public static final String DEFAULT_TOPIC = "tailkeep-spans";
  public static final int DEFAULT_PARTITIONS = 64;
  public static final short DEFAULT_REPLICATION_FACTOR = 3;

  public SpansTopic {
    bootstrapServers = List.copyOf(bootstrapServers);
    if (bootstrapServers.isEmpty() || bootstrapServers.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("kafka.bootstrap_servers must name at least one host:port");
    }
    Objects.requireNonNull(topic, "topic");
    if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw new IllegalArgumentException(
          "kafka.topic must be 1 to 249 letters, digits, '.', '_' or '-', got '" + topic + "'");
    }
    if (partitions < 1 || partitions > 10_000) {
      throw new IllegalArgumentException("kafka.partitions must be 1 to 10000, got " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "kafka.replication_factor must be at least 1, got " + replicationFactor);
    }
    clientProperties = Map.copyOf(clientProperties);
  }

  public static SpansTopic of(String bootstrapServers) {
    return new SpansTopic(
        List.of(bootstrapServers.split(",")), DEFAULT_TOPIC, DEFAULT_PARTITIONS, DEFAULT_REPLICATION_FACTOR, Map.of());
  }

  public SpansTopic withTopic(String name, int partitionCount, short replication) {
    return new SpansTopic(bootstrapServers, name, partitionCount, replication, clientProperties);
  }

  /** The settings every client gets: servers and the pass-through ones. */
  Map<String, Object> clientConfig() {
    Map<String, Object> config = new java.util.HashMap<>(clientProperties);
    config.put("bootstrap.servers", String.join(",", bootstrapServers));
    return config;
  }

  @Override
  public String toString() {
    // Pass-through settings may hold passwords (sasl.jaas.config, ssl.key.password): names only.
    return "SpansTopic[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", partitions="
        + partitions + ", replicationFactor=" + replicationFactor + ", clientProperties="
        + clientProperties.keySet() + "]";
  }
}
