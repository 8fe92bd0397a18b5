package io.tailkeep.deploy;

import io.tailkeep.embedded.LocalPorts;
import io.tailkeep.kafka.broker.EmbeddedKafka;
import io.tailkeep.kafka.broker.KafkaBroker;
import io.tailkeep.store.cassandra.node.CassandraNode;
import io.tailkeep.store.cassandra.node.EmbeddedCassandra;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code tailkeep cluster [--sampler-nodes N] [--ingest-nodes N]}: a cluster on one machine to try
 * scaling out: an embedded Kafka broker, an embedded Cassandra node, and Tailkeep nodes as separate
 * processes, each with its roles. Ctrl-C stops the nodes (each with SIGTERM, as an orchestrator
 * would), then Kafka and Cassandra.
 */
final class ClusterCommand {

  static final String USAGE = "usage: tailkeep cluster [--sampler-nodes N] [--ingest-nodes N] [--data DIR]";
  private static final Duration NODE_START = Duration.ofSeconds(120);
  private static final Duration NODE_STOP = Duration.ofSeconds(60);

  private ClusterCommand() {}

  /** One Tailkeep node of the cluster: its name, roles and ports, and its process once started. */
  private record Node(String name, String roles, int grpcPort, int httpPort, int apiPort, Path log) {}

  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    int samplers = 2;
    int ingests = 1;
    Path data = Path.of("data", "cluster").toAbsolutePath();
    try {
      for (int i = 0; i < args.size(); i += 2) {
        String option = args.get(i);
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args.get(i + 1);
        switch (option) {
          case "--sampler-nodes" -> samplers = count(option, value, 1, 16);
          case "--ingest-nodes" -> ingests = count(option, value, 1, 8);
          case "--data" -> data = Path.of(value).toAbsolutePath();
          default -> throw new IllegalArgumentException("unknown option '" + option + "'");
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("tailkeep cluster: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    List<Process> processes = new ArrayList<>();
    CassandraNode cassandra = null;
    KafkaBroker kafka = null;
    try {
      Files.createDirectories(data.resolve("logs"));
      out.println("starting Cassandra (data in " + data.resolve("cassandra") + ") and Kafka (data in "
          + data.resolve("kafka") + ")...");
      cassandra = EmbeddedCassandra.builder().workDirectory(data.resolve("cassandra")).build().start()
          .stopOnlyWhenClosed();
      kafka = EmbeddedKafka.builder().workDirectory(data.resolve("kafka")).build().start().stopOnlyWhenAsked();
      List<Node> nodes = plan(ingests, samplers, data.resolve("logs"));
      Map<String, String> shared = new HashMap<>(env);
      shared.put("TAILKEEP_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
      shared.put("TAILKEEP_KAFKA_REPLICATION_FACTOR", "1");
      shared.put("TAILKEEP_KAFKA_PARTITIONS", "16");
      shared.put("TAILKEEP_CASSANDRA_CONTACT_POINTS",
          cassandra.cqlAddress().getHostString() + ":" + cassandra.cqlAddress().getPort());
      shared.put("TAILKEEP_CASSANDRA_LOCAL_DATACENTER", cassandra.localDatacenter());
      shared.put("TAILKEEP_SERVER_HOST", LocalPorts.LOOPBACK);
      for (Node node : nodes) {
        processes.add(start(node, shared));
      }
      for (int i = 0; i < nodes.size(); i++) {
        awaitLive(nodes.get(i), processes.get(i));
      }
      out.print(table(nodes, kafka, cassandra));
      out.flush();
      CountDownLatch stopped = new CountDownLatch(1);
      CassandraNode startedCassandra = cassandra;
      KafkaBroker startedKafka = kafka;
      List<Process> running = List.copyOf(processes);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stopAll(running);
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
      stopAll(processes);
      if (kafka != null) {
        kafka.close();
      }
      if (cassandra != null) {
        cassandra.close();
      }
    }
  }

  private static int count(String option, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " must be a whole number from " + min + " to " + max + ", got '" + value + "'");
  }

  /** The conventional ports (4317, 4318, 16686) for the first ingest and query nodes when free. */
  private static List<Node> plan(int ingests, int samplers, Path logs) throws IOException {
    List<Node> nodes = new ArrayList<>();
    try (LocalPorts ports = new LocalPorts()) {
      for (int i = 1; i <= ingests; i++) {
        nodes.add(new Node("ingest-" + i, "ingest",
            port(ports, "grpc", i == 1 ? 4317 : 0), port(ports, "http", i == 1 ? 4318 : 0),
            port(ports, "api", 0), logs.resolve("ingest-" + i + ".log")));
      }
      nodes.add(new Node("query-1", "query", -1, -1, port(ports, "api", 16686), logs.resolve("query-1.log")));
      for (int i = 1; i <= samplers; i++) {
        nodes.add(new Node("sampler-" + i, "sampler", -1, -1, port(ports, "api", 0),
            logs.resolve("sampler-" + i + ".log")));
      }
    }
    return nodes;
  }

  private static int port(LocalPorts ports, String what, int preferred) throws IOException {
    return preferred != 0 && LocalPorts.isFree(preferred) ? ports.claim(what, preferred) : ports.claim(what, 0);
  }

  private static Process start(Node node, Map<String, String> shared) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "run");
    builder.environment().putAll(shared);
    builder.environment().put("TAILKEEP_NODE_NAME", node.name());
    builder.environment().put("TAILKEEP_NODE_ROLES", node.roles());
    builder.environment().put("TAILKEEP_SERVER_API_PORT", Integer.toString(node.apiPort()));
    // Nodes without the ingest role open no OTLP ports; any valid value does for them.
    builder.environment().put("TAILKEEP_SERVER_GRPC_PORT", Integer.toString(Math.max(0, node.grpcPort())));
    builder.environment().put("TAILKEEP_SERVER_HTTP_PORT", Integer.toString(Math.max(0, node.httpPort())));
    builder.redirectErrorStream(true).redirectOutput(node.log().toFile());
    return builder.start();
  }

  private static void awaitLive(Node node, Process process) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI live = URI.create("http://" + LocalPorts.LOOPBACK + ":" + node.apiPort() + "/health/live");
    long deadline = System.nanoTime() + NODE_START.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(node.name() + " exited with " + process.exitValue() + "; see " + node.log());
      }
      try {
        HttpResponse<Void> response =
            client.send(HttpRequest.newBuilder(live).GET().build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IOException(node.name() + " did not answer on its API port within " + NODE_START.toSeconds()
        + " s; see " + node.log());
  }

  /** SIGTERM to every node at once, so they hand their partitions over; then whatever is left, killed. */
  private static void stopAll(List<Process> processes) {
    processes.forEach(Process::destroy);
    long deadline = System.nanoTime() + NODE_STOP.toNanos();
    for (Process process : processes) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  private static String table(List<Node> nodes, KafkaBroker kafka, CassandraNode cassandra) {
    StringBuilder text = new StringBuilder("Tailkeep cluster is ready.\n\n");
    text.append(String.format("  %-10s %-8s %-28s %s%n", "node", "roles", "ports", "log"));
    for (Node node : nodes) {
      String ports = node.grpcPort() > 0
          ? "gRPC " + node.grpcPort() + ", HTTP " + node.httpPort() + ", API " + node.apiPort()
          : "API " + node.apiPort();
      text.append(String.format("  %-10s %-8s %-28s %s%n", node.name(), node.roles(), ports, node.log()));
    }
    Node query = nodes.stream().filter(n -> n.roles().equals("query")).findFirst().orElseThrow();
    Node ingest = nodes.get(0);
    text.append("\n  Kafka      ").append(kafka.bootstrapServers())
        .append("\n  Cassandra  ").append(cassandra.cqlAddress().getHostString()).append(':')
        .append(cassandra.cqlAddress().getPort())
        .append("\n\nSend traces: OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:").append(ingest.grpcPort())
        .append("\nLook at them: http://localhost:").append(query.apiPort()).append("/")
        .append("\nTry it: ./tailkeep demo --endpoint http://localhost:").append(ingest.grpcPort())
        .append("\nCtrl-C stops every node (SIGTERM: each hands its partitions over), then Kafka and Cassandra.\n");
    return text.toString();
  }
}
