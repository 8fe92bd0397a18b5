package io.tailkeep.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BrokerConfigurationTest {

  private final BrokerLayout layout = new BrokerLayout(Path.of("/srv/it's here"));

  @Test
  void serverPropertiesMakeAOneNodeKraftClusterOnLoopback() throws Exception {
    Properties properties = new Properties();
    properties.load(new StringReader(BrokerConfiguration.serverProperties(layout, 19092, 19093, 8)));

    assertThat(properties)
        .containsEntry("process.roles", "broker,controller")
        .containsEntry("node.id", "1")
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
        .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:19092")
        .containsEntry("controller.listener.names", "CONTROLLER")
        .containsEntry("controller.quorum.bootstrap.servers", "127.0.0.1:19093")
        .containsEntry("log.dirs", "/srv/it's here/data")
        .containsEntry("num.partitions", "8")
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("min.insync.replicas", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0")
        .containsEntry("auto.create.topics.enable", "false")
        .containsEntry("log.cleaner.dedupe.buffer.size", String.valueOf(16 << 20))
        .doesNotContainKey("controller.quorum.voters"); // a dynamic quorum, formatted --standalone
  }

  @Test
  void log4jWritesTheServerLogUnderTheWorkDirectory() {
    assertThat(BrokerConfiguration.log4jProperties(layout)).contains(
        "appender.server.fileName = /srv/it's here/logs/server.log",
        "appender.server.filePattern = /srv/it's here/logs/server.log.%i",
        "rootLogger.level = INFO");
  }

  @Test
  void commandsRunThroughTheParentWatch() {
    List<String> broker = BrokerCommand.broker(Path.of("/cache/lib"), layout, "768m");
    assertThat(broker).contains("-Xms768m", "-Xmx768m", "-XX:+UseG1GC",
        "-Dlog4j2.configurationFile=/srv/it's here/config/log4j2.properties");
    assertThat(broker.subList(broker.size() - 3, broker.size())).containsExactly(
        "io.tailkeep.embedded.ParentWatch", "kafka.Kafka", "/srv/it's here/config/server.properties");

    List<String> format = BrokerCommand.format(Path.of("/cache/lib"), layout, "AAAAAAAAAAAAAAAAAAAAAQ");
    assertThat(format.subList(format.indexOf("io.tailkeep.embedded.ParentWatch"), format.size())).containsExactly(
        "io.tailkeep.embedded.ParentWatch", "kafka.tools.StorageTool", "format",
        "--cluster-id", "AAAAAAAAAAAAAAAAAAAAAQ", "--config", "/srv/it's here/config/server.properties",
        "--standalone");
  }

  @RepeatedTest(20)
  void clusterIdsAreKafkaUuids() {
    String id = ClusterId.random();
    assertThat(id).hasSize(22).doesNotStartWith("-").matches("[A-Za-z0-9_-]+");
    assertThat(Base64.getUrlDecoder().decode(id)).hasSize(16);
  }
}
