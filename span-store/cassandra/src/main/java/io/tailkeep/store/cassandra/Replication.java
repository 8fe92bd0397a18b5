package io.tailkeep.store.cassandra;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** How the keyspace is replicated: SimpleStrategy for one-node development, else per datacenter. */
public record Replication(Map<String, Integer> factors, boolean simple) {

  public Replication {
    factors = Map.copyOf(new TreeMap<>(factors));
    if (factors.isEmpty()) {
      throw new IllegalArgumentException("replication needs at least one replication factor");
    }
    factors.forEach(
        (dc, rf) -> {
          if (rf < 1) {
            throw new IllegalArgumentException(
                "replication factor for '" + dc + "' must be at least 1, got " + rf);
          }
        });
  }

  public static Replication simple(int replicationFactor) {
    return new Replication(Map.of("replication_factor", replicationFactor), true);
  }

  public static Replication networkTopology(Map<String, Integer> factorsPerDatacenter) {
    return new Replication(factorsPerDatacenter, false);
  }

  String toCql() {
    String strategy = simple ? "SimpleStrategy" : "NetworkTopologyStrategy";
    return new TreeMap<>(factors)
        .entrySet().stream()
            .map(e -> "'" + e.getKey().replace("'", "''") + "': " + e.getValue())
            .collect(Collectors.joining(", ", "{'class': '" + strategy + "', ", "}"));
  }
}
