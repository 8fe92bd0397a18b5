package io.tailkeep.store.testing;

import java.net.InetSocketAddress;

/** Where tests reach the shared Cassandra: what a driver session needs and nothing more. */
public record CassandraEndpoint(InetSocketAddress contactPoint, String localDatacenter) {}
