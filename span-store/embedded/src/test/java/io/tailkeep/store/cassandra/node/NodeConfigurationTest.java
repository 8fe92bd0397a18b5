package io.tailkeep.store.cassandra.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NodeConfigurationTest {

  private final NodeLayout layout = new NodeLayout(Path.of("/srv/it's here"));

  @Test
  void yamlPointsEverythingAtTheWorkDirectoryAndTheChosenPorts() {
    String yaml = NodeConfiguration.cassandraYaml(layout, "tail'keep", 19042, 17000);

    assertThat(yaml).contains(
        "cluster_name: 'tail''keep'",
        "      - seeds: \"127.0.0.1:17000\"",
        "storage_port: 17000",
        "native_transport_port: 19042",
        "  - '/srv/it''s here/data'",
        "commitlog_directory: '/srv/it''s here/commitlog'",
        "hints_directory: '/srv/it''s here/hints'",
        "saved_caches_directory: '/srv/it''s here/saved_caches'",
        "cdc_raw_directory: '/srv/it''s here/cdc_raw'",
        "commitlog_sync_period: 10000ms",
        "auto_snapshot: false");
  }

  @Test
  void commandRunsTheWrapperWithTheServerJarsFirst() {
    var command = NodeCommand.of(Path.of("/cache/lib"), layout, "768m", 17199);

    assertThat(command).contains("-Xms768m", "-Xmx768m", "-XX:+UseG1GC", "-XX:-G1UseAdaptiveIHOP",
        "-Dcassandra-foreground=yes",
        "-Dcassandra.jmx.local.port=17199", "-Dcassandra.logdir=/srv/it's here/logs",
        "-Djdk.attach.allowAttachSelf=true", "java.base/jdk.internal.misc=ALL-UNNAMED");
    assertThat(command.get(command.size() - 3)).startsWith("/cache/lib/*:");
    assertThat(command.subList(command.size() - 2, command.size()))
        .containsExactly("io.tailkeep.embedded.ParentWatch", "org.apache.cassandra.service.CassandraDaemon");
  }
}
