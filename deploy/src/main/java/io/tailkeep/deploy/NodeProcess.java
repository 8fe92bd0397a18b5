package io.tailkeep.deploy;

import io.tailkeep.embedded.LocalPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Tailkeep node of a cluster on this machine, as its own process ({@code Main run}), configured
 * through {@code TAILKEEP_*} variables like a node in a container. Used by {@code tailkeep cluster}
 * and by the tests that kill nodes.
 */
final class NodeProcess {

  /** A node to start: its name, roles and ports (-1: none), and where its output goes. */
  record Plan(String name, String roles, int grpcPort, int httpPort, int apiPort, Path log) {}

  private static final String PARENT_WATCH = "io.tailkeep.embedded.ParentWatch";

  private final Plan plan;
  private final Process process;

  private NodeProcess(Plan plan, Process process) {
    this.plan = plan;
    this.process = process;
  }

  /**
   * Starts {@code plan} as {@code java -cp classpath Main run} with {@code env} (the cluster's
   * settings) and the node's own name, roles and ports on top.
   */
  static NodeProcess start(Plan plan, String classpath, String maxHeap, Map<String, String> env)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    // Through the launching kit's parent watch: a node exits (gracefully) when this process dies,
    // even by SIGKILL, instead of running on unwatched; and it leaves Ctrl-C to this process.
    ProcessBuilder builder = new ProcessBuilder(
        java, "-Xmx" + maxHeap, "-cp", classpath, PARENT_WATCH, Main.class.getName(), "run");
    builder.environment().putAll(env);
    builder.environment().put("TAILKEEP_NODE_NAME", plan.name());
    builder.environment().put("TAILKEEP_NODE_ROLES", plan.roles());
    builder.environment().put("TAILKEEP_SERVER_API_PORT", Integer.toString(plan.apiPort()));
    // Nodes without the ingest role open no OTLP ports; any valid value does for them.
    builder.environment().put("TAILKEEP_SERVER_GRPC_PORT", Integer.toString(Math.max(0, plan.grpcPort())));
    builder.environment().put("TAILKEEP_SERVER_HTTP_PORT", Integer.toString(Math.max(0, plan.httpPort())));
    builder.redirectErrorStream(true).redirectOutput(plan.log().toFile());
    return new NodeProcess(plan, builder.start());
  }

  Plan plan() {
    return plan;
  }

  Process process() {
    return process;
  }

  /** Waits until the node answers {@code /health/live}; fails early when it exits. */
  NodeProcess awaitLive(Duration timeout) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI live = URI.create("http://" + LocalPorts.LOOPBACK + ":" + plan.apiPort() + "/health/live");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(plan.name() + " exited with " + process.exitValue() + "; see " + plan.log());
      }
      try {
        HttpResponse<Void> response =
            client.send(HttpRequest.newBuilder(live).GET().build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IOException(plan.name() + " did not answer on its API port within " + timeout.toSeconds()
        + " s; see " + plan.log());
  }

  /** SIGKILL: the node gets no chance to hand anything over. */
  void kill() {
    process.destroyForcibly();
  }

  /**
   * SIGTERM to every node at once, as an orchestrator stops them, so each hands its partitions
   * over; whatever is still running after {@code timeout} is killed. ({@code destroy()} also
   * closes the node's stdin, which its parent watch takes as a stop too: the same graceful path.)
   */
  static void stopAll(List<NodeProcess> nodes, Duration timeout) {
    nodes.forEach(node -> node.process.destroy());
    long deadline = System.nanoTime() + timeout.toNanos();
    for (NodeProcess node : nodes) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!node.process.waitFor(left, TimeUnit.NANOSECONDS)) {
          node.kill();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        node.kill();
      }
    }
  }
}
