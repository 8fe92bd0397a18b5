package io.tailkeep.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CassandraStorageTest {
  static CassandraStorage.Builder valid() {
    return CassandraStorage.builder().contactPoints(List.of(new InetSocketAddress("127.0.0.1", 9042)));
  }

  @Test
  void defaults() {
    CassandraStorage storage = valid().build();
    assertThat(storage.keyspace).isEqualTo("tailkeep");
    assertThat(storage.spanTtl).isEqualTo(Duration.ofDays(7));
    assertThat(storage.indexTtl).isEqualTo(storage.spanTtl);
    assertThat(storage.bucketSize).isEqualTo(Duration.ofHours(1));
    assertThat(storage.consistency).isEqualTo("LOCAL_QUORUM");
    assertThat(storage.indexedTagKeys).contains("http.route", "enduser.role");
    assertThat(storage.maxBatchBytes).isEqualTo(5 * 1024); // Cassandra's batch_size_warn_threshold
    assertThat(storage.replication.toCql())
        .isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': 1}");
  }

  @Test
  void networkTopologyReplicationNamesEachDatacenter() {
    assertThat(Replication.networkTopology(Map.of("eu", 3, "us", 2)).toCql())
        .isEqualTo("{'class': 'NetworkTopologyStrategy', 'eu': 3, 'us': 2}");
    assertThatThrownBy(() -> Replication.networkTopology(Map.of("eu", 0)))
        .hasMessageContaining("'eu'")
        .hasMessageContaining("0");
  }

  @Test
  void rejectsBadSettingsNamingThem() {
    assertThatThrownBy(() -> CassandraStorage.builder().build()).hasMessageContaining("contactPoints");
    assertThatThrownBy(() -> valid().keyspace("Bad-Name").build())
        .hasMessageContaining("keyspace")
        .hasMessageContaining("Bad-Name");
    assertThatThrownBy(() -> valid().consistency("MOSTLY").build())
        .hasMessageContaining("consistency")
        .hasMessageContaining("MOSTLY");
    assertThatThrownBy(() -> valid().spanTtl(Duration.ofSeconds(5)).build())
        .hasMessageContaining("spanTtl")
        .hasMessageContaining("PT5S");
    assertThatThrownBy(() -> valid().spanTtl(Duration.ofDays(1)).indexTtl(Duration.ofDays(2)).build())
        .hasMessageContaining("indexTtl");
    assertThatThrownBy(() -> valid().bucketSize(Duration.ofMinutes(7)).build())
        .hasMessageContaining("bucketSize");
    assertThatThrownBy(() -> valid().maxInFlight(0).build()).hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> valid().maxTagValueLength(0).build()).hasMessageContaining("maxTagValueLength");
    assertThatThrownBy(() -> valid().maxBatchBytes(0).build())
        .hasMessageContaining("maxBatchBytes")
        .hasMessageEndingWith(": 0");
    assertThatThrownBy(() -> valid().maxBatchBytes(2 * 1024 * 1024).build())
        .hasMessageContaining("maxBatchBytes")
        .hasMessageContaining("2097152");
    assertThat(valid().maxBatchBytes(1).build().maxBatchBytes).isEqualTo(1);
    assertThatThrownBy(() -> valid().indexedTagKeys(java.util.Set.of("k".repeat(1025))).build())
        .hasMessageContaining("indexedTagKeys")
        .hasMessageContaining("1024 bytes");
  }

  @Test
  void schemaFileSplitsIntoStatementsWithPlaceholdersFilled() {
    List<String> statements = Schema.statements(1, valid().keyspace("ks1").build());
    assertThat(statements).hasSize(8).allMatch(s -> s.startsWith("CREATE ")).noneMatch(s -> s.contains("${"));
    assertThat(statements).anyMatch(s -> s.contains("ks1.traces_by_tag"));
    // 7 days / 30 rounds down to 5 hours
    assertThat(statements.get(1)).contains("'compaction_window_size': 5");
  }
}
