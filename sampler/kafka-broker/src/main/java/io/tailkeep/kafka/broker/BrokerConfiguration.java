package io.tailkeep.kafka.broker;

import io.tailkeep.embedded.LocalPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The broker's {@code server.properties} and {@code log4j2.properties}, written at each start (ports may change
 * between starts; the data does not depend on them).
 */
final class BrokerConfiguration {

  static final int NODE_ID = 1;
  static final String BROKER_LISTENER = "PLAINTEXT";
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  // Kafka's default of 128 MiB would take a quarter of the default 512 MiB heap for one cleaner thread.
  static final long CLEANER_DEDUPE_BUFFER_BYTES = 16L << 20;
  private static final String LOG_FILE_SIZE = "50MB";
  private static final int LOG_FILES_KEPT = 3;

  private BrokerConfiguration() {}

  static void write(BrokerLayout layout, int brokerPort, int controllerPort, int partitions) throws IOException {
    Files.createDirectories(layout.config());
    Files.createDirectories(layout.logs());
    Files.writeString(layout.serverProperties(), serverProperties(layout, brokerPort, controllerPort, partitions));
    Files.writeString(layout.log4jProperties(), log4jProperties(layout));
  }

  /**
   * A one-node KRaft cluster (the node is its own controller) on the loopback address, with every replication
   * setting at 1 so internal topics can be created, and no waits meant for larger clusters.
   */
  static String serverProperties(BrokerLayout layout, int brokerPort, int controllerPort, int partitions) {
    String host = LocalPorts.LOOPBACK;
    return String.join("\n",
        "# Written by Tailkeep's EmbeddedKafka at each start: a one-node KRaft broker on " + host + ".",
        "process.roles=broker,controller",
        "node.id=" + NODE_ID,
        "listeners=" + BROKER_LISTENER + "://" + host + ":" + brokerPort + ","
            + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort,
        "advertised.listeners=" + BROKER_LISTENER + "://" + host + ":" + brokerPort,
        "listener.security.protocol.map=" + BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT",
        "inter.broker.listener.name=" + BROKER_LISTENER,
        "controller.listener.names=" + CONTROLLER_LISTENER,
        // A dynamic quorum (formatted --standalone): the node finds itself here; a changed port is taken over.
        "controller.quorum.bootstrap.servers=" + host + ":" + controllerPort,
        "log.dirs=" + escape(layout.data()),
        "num.partitions=" + partitions,
        // One broker: no topic, internal or not, can have more than one replica.
        "default.replication.factor=1",
        "min.insync.replicas=1",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        // Internal topics are created on first use; 50 partitions each only slow that down on one node.
        "offsets.topic.num.partitions=4",
        "transaction.state.log.num.partitions=4",
        // A consumer group gets its assignment at once instead of waiting 3 s for more members.
        "group.initial.rebalance.delay.ms=0",
        // Topics are created on purpose, with their partition count; a typo is an error, not a new topic.
        "auto.create.topics.enable=false",
        // Two cores: fewer threads than Kafka's defaults, which are sized for a server.
        "num.network.threads=2",
        "num.io.threads=4",
        "background.threads=4",
        "num.recovery.threads.per.data.dir=1",
        "log.cleaner.threads=1",
        "log.cleaner.dedupe.buffer.size=" + CLEANER_DEDUPE_BUFFER_BYTES,
        "");
  }

  /** Everything at INFO into logs/server.log, rolled at 50 MB: a long-running local cluster stays bounded. */
  static String log4jProperties(BrokerLayout layout) {
    return String.join("\n",
        "# Written by Tailkeep's EmbeddedKafka at each start.",
        "status = warn",
        "appender.server.type = RollingFile",
        "appender.server.name = server",
        "appender.server.fileName = " + escape(layout.serverLog()),
        "appender.server.filePattern = " + escape(layout.serverLog()) + ".%i",
        "appender.server.layout.type = PatternLayout",
        "appender.server.layout.pattern = [%d] %p %m (%c)%n",
        "appender.server.policies.type = Policies",
        "appender.server.policies.size.type = SizeBasedTriggeringPolicy",
        "appender.server.policies.size.size = " + LOG_FILE_SIZE,
        "appender.server.strategy.type = DefaultRolloverStrategy",
        "appender.server.strategy.max = " + LOG_FILES_KEPT,
        "rootLogger.level = INFO",
        "rootLogger.appenderRef.server.ref = server",
        "");
  }

  /** A path as a properties value: a backslash would start an escape. */
  private static String escape(Path path) {
    return path.toString().replace("\\", "\\\\");
  }
}
