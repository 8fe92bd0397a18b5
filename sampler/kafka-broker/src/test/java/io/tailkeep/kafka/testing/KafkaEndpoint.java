package io.tailkeep.kafka.testing;

/** Where tests reach the shared Kafka broker: what a client's {@code bootstrap.servers} needs and nothing more. */
public record KafkaEndpoint(String bootstrapServers) {}
