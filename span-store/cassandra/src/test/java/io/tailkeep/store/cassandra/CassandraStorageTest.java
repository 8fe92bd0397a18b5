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
    assertThat(storage.decisionTtl).isEqualTo(Duration.ofHours(1));
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
    assertThatThrownBy(() -> valid().decisionTtl(Duration.ofSeconds(59)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("decisionTtl must be between PT1M and PT175200H, got PT59S");
    assertThatThrownBy(() -> valid().decisionTtl(null).build()).hasMessage("invalid decisionTtl: null");
    assertThat(valid().decisionTtl(Duration.ofDays(30)).build().decisionTtl)
        .as("independent of the span TTL")
        .isEqualTo(Duration.ofDays(30));
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
    assertThat(statements).hasSize(7).allMatch(s -> s.startsWith("CREATE ")).noneMatch(s -> s.contains("${"));
    assertThat(statements).anyMatch(s -> s.contains("ks1.traces_by_tag"));
    // 7 days / 30 rounds down to 5 hours
    assertThat(statements.get(1)).contains("'compaction_window_size': 5");
  }

  @Test
  void schemaVersion2AddsTheDecisionLogAndTheRuleCounts() {
    List<String> statements = Schema.statements(2, valid().keyspace("ks2").build());
    assertThat(statements).hasSize(2).allMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS ks2."))
        .noneMatch(s -> s.contains("${"));
    // decisions: 1 hour / 30 = 2-minute windows; counts live as long as spans: 5-hour windows
    assertThat(statements.get(0)).contains("ks2.decisions").contains("'compaction_window_unit': 'MINUTES'")
        .contains("'compaction_window_size': 2");
    assertThat(statements.get(1)).contains("ks2.sampling_counts").contains("'compaction_window_size': 5");
    assertThat(Schema.statements(2, valid().decisionTtl(Duration.ofMinutes(10)).build()).get(0))
        .as("never below one minute")
        .contains("'compaction_window_size': 1");
  }

  @Test
  void schemaVersion3AddsTheTrafficTablesExpiringWithTheIndex() {
    List<String> statements = Schema.statements(3, valid().keyspace("ks3").indexTtl(Duration.ofDays(5)).build());
    assertThat(statements).hasSize(3).allMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS ks3."))
        .noneMatch(s -> s.contains("${"));
    assertThat(statements.get(0)).contains("ks3.traffic_operations")
        .contains("PRIMARY KEY ((service, hour), minute, span_name, span_kind, node)");
    assertThat(statements.get(1)).contains("ks3.traffic_services")
        .contains("PRIMARY KEY ((hour), minute, service, span_kind, node)");
    assertThat(statements.get(2)).contains("ks3.traffic_edges")
        .contains("PRIMARY KEY ((hour), minute, client, server, node)");
    // 5 days of index / 30: 4-hour windows, whatever the span TTL (7 days: 5-hour windows)
    assertThat(statements).allMatch(s -> s.contains("'compaction_window_unit': 'HOURS'")
        && s.contains("'compaction_window_size': 4"));
    assertThat(Schema.statements(3, valid().indexTtl(Duration.ofHours(2)).build()))
        .as("never below one hour")
        .allMatch(s -> s.contains("'compaction_window_size': 1"));
  }

  @Test
  void schemaVersion4AddsTheSpanBlocksExpiringWithTheSpans() {
    List<String> statements = Schema.statements(4, valid().keyspace("ks4").build());
    assertThat(statements).singleElement().satisfies(s -> assertThat(s)
        .startsWith("CREATE TABLE IF NOT EXISTS ks4.span_blocks")
        .contains("PRIMARY KEY (trace_id, chunk, part)")
        .contains("'compaction_window_size': 5") // 7 days of spans / 30, as the summaries
        .doesNotContain("${"));
  }
}
