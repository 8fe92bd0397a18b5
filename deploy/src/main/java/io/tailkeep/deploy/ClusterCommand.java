package io.tailkeep.deploy;

import io.tailkeep.deploy.NodeProcess.Plan;
import io.tailkeep.embedded.LocalPorts;
import io.tailkeep.kafka.broker.EmbeddedKafka;
import io.tailkeep.kafka.broker.KafkaBroker;
import io.tailkeep.store.cassandra.node.CassandraNode;
import io.tailkeep.store.cassandra.node.EmbeddedCassandra;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tailkeep cluster [--sampler-nodes N] [--ingest-nodes N]}: a cluster on one machine to try
 * scaling out: an embedded Kafka broker, an embedded Cassandra node, and Tailkeep nodes as separate
 * processes, each with its roles. Ctrl-C stops the nodes (each with SIGTERM, as an orchestrator
 * would), then Kafka and Cassandra.
 */
@Command(
    name = "cluster",
    customSynopsis = ClusterCommand.USAGE,
    description =
        "%nA local cluster on Kafka to try scaling out: an embedded Kafka broker and Cassandra node,"
            + " N sampler nodes, ingest and query nodes, each its own process.%n")
final class ClusterCommand implements Callable<Integer> {

  static final String USAGE = "usage: tailkeep cluster [--sampler-nodes N] [--ingest-nodes N] [--data DIR]";
  private static final Duration NODE_START = Duration.ofSeconds(120);
  private static final Duration NODE_STOP = Duration.ofSeconds(60);

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;

  @Option(names = "--sampler-nodes", paramLabel = "N", converter = SamplerNodes.class,
      description = "sampler nodes, 1 to 16 (default 2)")
  private int samplers = 2;

  @Option(names = "--ingest-nodes", paramLabel = "N", converter = IngestNodes.class,
      description = "ingest nodes, 1 to 8 (default 1)")
  private int ingests = 1;

  @Option(names = "--data", paramLabel = "DIR", description = "where the data and logs go (default ./data/cluster)")
  private Path dataDirectory = Path.of("data", "cluster");

  ClusterCommand(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    Path data = dataDirectory.toAbsolutePath();
    List<NodeProcess> processes = new ArrayList<>();
    CassandraNode cassandra = null;
    KafkaBroker kafka = null;
    try {
      Files.createDirectories(data.resolve("logs"));
      out.println("starting Cassandra (data in " + data.resolve("cassandra") + ") and Kafka (data in "
          + data.resolve("kafka") + ")...");
      cassandra = EmbeddedCassandra.builder().workDirectory(data.resolve("cassandra")).build().start()
          .stopOnlyWhenClosed();
      kafka = EmbeddedKafka.builder().workDirectory(data.resolve("kafka")).build().start().stopOnlyWhenAsked();
      List<Plan> nodes = plan(ingests, samplers, data.resolve("logs"));
      Map<String, String> shared = new HashMap<>(env);
      shared.put("TAILKEEP_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
      shared.put("TAILKEEP_KAFKA_REPLICATION_FACTOR", "1");
      shared.put("TAILKEEP_KAFKA_PARTITIONS", "16");
      shared.put("TAILKEEP_CASSANDRA_CONTACT_POINTS",
          cassandra.cqlAddress().getHostString() + ":" + cassandra.cqlAddress().getPort());
      shared.put("TAILKEEP_CASSANDRA_LOCAL_DATACENTER", cassandra.localDatacenter());
      shared.put("TAILKEEP_SERVER_HOST", LocalPorts.LOOPBACK);
      for (Plan node : nodes) {
        processes.add(NodeProcess.start(node, System.getProperty("java.class.path"), "512m", shared));
      }
      for (NodeProcess node : processes) {
        node.awaitLive(NODE_START);
      }
      out.print(table(nodes, kafka, cassandra));
      out.flush();
      CountDownLatch stopped = new CountDownLatch(1);
      CassandraNode startedCassandra = cassandra;
      KafkaBroker startedKafka = kafka;
      List<NodeProcess> running = List.copyOf(processes);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        NodeProcess.stopAll(running, NODE_STOP);
        startedKafka.close();
        startedCassandra.close();
        stopped.countDown();
      }, "tailkeep-cluster-stop"));
      processes.clear(); // the hook owns them now
      cassandra = null;
      kafka = null;
      stopped.await();
      return 0;
    } catch (IOException | RuntimeException e) {
      err.println("tailkeep cluster: could not start: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      NodeProcess.stopAll(processes, NODE_STOP);
      if (kafka != null) {
        kafka.close();
      }
      if (cassandra != null) {
        cassandra.close();
      }
    }
  }

  /** The conventional ports (4317, 4318, 16686) for the first ingest and query nodes when free. */
  private static List<Plan> plan(int ingests, int samplers, Path logs) throws IOException {
    List<Plan> nodes = new ArrayList<>();
    try (LocalPorts ports = new LocalPorts()) {
      for (int i = 1; i <= ingests; i++) {
        nodes.add(new Plan("ingest-" + i, "ingest",
            port(ports, "grpc", i == 1 ? 4317 : 0), port(ports, "http", i == 1 ? 4318 : 0),
            port(ports, "api", 0), logs.resolve("ingest-" + i + ".log")));
      }
      nodes.add(new Plan("query-1", "query", -1, -1, port(ports, "api", 16686), logs.resolve("query-1.log")));
      for (int i = 1; i <= samplers; i++) {
        nodes.add(new Plan("sampler-" + i, "sampler", -1, -1, port(ports, "api", 0),
            logs.resolve("sampler-" + i + ".log")));
      }
    }
    return nodes;
  }

  private static int port(LocalPorts ports, String what, int preferred) throws IOException {
    return preferred != 0 && LocalPorts.isFree(preferred) ? ports.claim(what, preferred) : ports.claim(what, 0);
  }

  private static String table(List<Plan> nodes, KafkaBroker kafka, CassandraNode cassandra) {
    StringBuilder text = new StringBuilder("Tailkeep cluster is ready.\n\n");
    text.append(String.format("  %-10s %-8s %-28s %s%n", "node", "roles", "ports", "log"));
    for (Plan node : nodes) {
      String ports = node.grpcPort() > 0
          ? "gRPC " + node.grpcPort() + ", HTTP " + node.httpPort() + ", API " + node.apiPort()
          : "API " + node.apiPort();
      text.append(String.format("  %-10s %-8s %-28s %s%n", node.name(), node.roles(), ports, node.log()));
    }
    Plan query = nodes.stream().filter(n -> n.roles().equals("query")).findFirst().orElseThrow();
    Plan ingest = nodes.get(0);
    text.append("\n  Kafka      ").append(kafka.bootstrapServers())
        .append("\n  Cassandra  ").append(cassandra.cqlAddress().getHostString()).append(':')
        .append(cassandra.cqlAddress().getPort())
        .append("\n\nSend traces: OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:").append(ingest.grpcPort())
        .append("\nLook at them: http://localhost:").append(query.apiPort()).append("/")
        .append("\nTry it: ./tailkeep demo --endpoint http://localhost:").append(ingest.grpcPort())
        .append("\nCtrl-C stops every node (SIGTERM: each hands its partitions over), then Kafka and Cassandra.\n");
    return text.toString();
  }

  static final class SamplerNodes extends CommandLines.Count {
    SamplerNodes() {
      super("a whole number", 1, 16);
    }
  }

  static final class IngestNodes extends CommandLines.Count {
    IngestNodes() {
      super("a whole number", 1, 8);
    }
  }
}
