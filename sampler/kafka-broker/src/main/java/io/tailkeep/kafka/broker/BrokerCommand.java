package io.tailkeep.kafka.broker;

import io.tailkeep.embedded.ChildJvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command lines of the broker's child JVMs: the one-off storage format and the broker itself. */
final class BrokerCommand {

  static final String BROKER_MAIN = "kafka.Kafka";
  static final String STORAGE_TOOL_MAIN = "kafka.tools.StorageTool";
  // The format run only writes a few small files.
  static final String FORMAT_MAX_HEAP = "256m";

  /** The GC settings of Kafka's own start script (kafka-run-class.sh). */
  static final List<String> GC_FLAGS = List.of(
      "-XX:+UseG1GC",
      "-XX:MaxGCPauseMillis=20",
      "-XX:InitiatingHeapOccupancyPercent=35",
      "-XX:+ExplicitGCInvokesConcurrent");

  private BrokerCommand() {}

  static List<String> broker(Path serverLib, BrokerLayout layout, String maxHeap) {
    List<String> options = new ArrayList<>();
    options.add("-Xms" + maxHeap);
    options.add("-Xmx" + maxHeap);
    options.addAll(GC_FLAGS);
    options.addAll(commonFlags(layout));
    return ChildJvm.command(serverLib, options, BROKER_MAIN, List.of(layout.serverProperties().toString()));
  }

  /**
   * {@code StorageTool format --standalone}: writes meta.properties and the metadata log's first checkpoint,
   * which names this node as the only voter of a dynamic KRaft quorum.
   */
  static List<String> format(Path serverLib, BrokerLayout layout, String clusterId) {
    List<String> options = new ArrayList<>();
    options.add("-Xmx" + FORMAT_MAX_HEAP);
    options.addAll(commonFlags(layout));
    return ChildJvm.command(serverLib, options, STORAGE_TOOL_MAIN, List.of("format",
        "--cluster-id", clusterId, "--config", layout.serverProperties().toString(), "--standalone"));
  }

  private static List<String> commonFlags(BrokerLayout layout) {
    return List.of(
        "-Djava.awt.headless=true",
        "-Dlog4j2.configurationFile=" + layout.log4jProperties());
  }
}
