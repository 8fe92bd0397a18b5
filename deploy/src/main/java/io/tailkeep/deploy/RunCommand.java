package io.tailkeep.deploy;

import io.tailkeep.deploy.config.ConfigException;
import io.tailkeep.deploy.config.TailkeepConfig;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.cassandra.CassandraStorage;
import io.tailkeep.store.cassandra.node.CassandraNode;
import io.tailkeep.store.cassandra.node.EmbeddedCassandra;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tailkeep run [--config FILE]}: the all-in-one server. Without external contact points in
 * the config it starts an embedded Cassandra node whose data is kept across restarts; without a
 * rules file it watches {@code rules.yaml} in the data directory ({@link FirstRunRules}). SIGTERM or
 * Ctrl-C stops it gracefully: no more spans taken, every buffered trace decided, every kept trace
 * written, then Cassandra stopped.
 */
@Command(
    name = "run",
    customSynopsis = RunCommand.USAGE,
    description =
        "%nThe server: OTLP on 4317 (gRPC) and 4318 (HTTP), UI and APIs on 16686. Every config key can"
            + " also be set with a TAILKEEP_* environment variable (deploy/README.md).%n")
final class RunCommand implements Callable<Integer> {

  static final String USAGE = "usage: tailkeep run [--config FILE]";

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "the config file (default: the defaults and the environment)")
  private Path configFile;

  RunCommand(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    TailkeepConfig config;
    try {
      config = configFile == null ? TailkeepConfig.load(env) : TailkeepConfig.load(configFile, env);
    } catch (ConfigException e) {
      err.println("tailkeep run: the configuration is invalid:");
      e.problems().forEach(problem -> err.println("  " + problem));
      return CommandLines.USAGE_ERROR;
    }
    LogSetup.apply(config.logging());
    try {
      config = FirstRunRules.apply(config, out);
    } catch (IOException e) {
      err.println("tailkeep run: could not write the default rules file: " + e.getMessage());
      return 1;
    }
    CassandraNode node = null;
    SpanStore store = null;
    boolean serving = false;
    try {
      TailkeepConfig.Cassandra cassandra = config.cassandra();
      List<InetSocketAddress> contactPoints = List.of();
      String datacenter = null;
      if (!config.usesCassandra()) {
        // An ingest-only node: OTLP in, Kafka out; no Cassandra to open or to wait for.
      } else if (cassandra.isEmbedded()) {
        Path data = cassandra.embedded().dataDirectory();
        out.println("starting the embedded Cassandra node (data in " + data + ")...");
        // Stopped by this command's own hook, after the server has written every kept trace.
        node =
            EmbeddedCassandra.builder()
                .workDirectory(data)
                .maxHeap(cassandra.embedded().maxHeap())
                .build()
                .start()
                .stopOnlyWhenClosed();
        contactPoints = List.of(node.cqlAddress());
        datacenter = node.localDatacenter();
      } else {
        contactPoints =
            cassandra.contactPoints().stream()
                .map(p -> new InetSocketAddress(p.getHostString(), p.getPort()))
                .toList();
        datacenter = cassandra.localDatacenter().orElseThrow();
      }
      if (config.usesCassandra()) {
        store = ServerAssembly.storage(config, contactPoints, datacenter).open();
      }
      TailkeepServer server = ServerAssembly.server(config, store).start();
      serving = true; // the server owns the store, the hook stops the node
      CountDownLatch stopped = new CountDownLatch(1);
      CassandraNode started = node;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    if (started != null) {
                      started.close();
                    }
                    stopped.countDown();
                  },
                  "tailkeep-shutdown"));
      out.print(ReadyBanner.text(config, server, contactPoints, datacenter));
      out.flush();
      stopped.await();
      return 0;
    } catch (RulesFileException e) {
      err.println("tailkeep run: the rules file is invalid:");
      e.errors().forEach(err::println);
      return 1;
    } catch (IOException | RuntimeException e) {
      err.println("tailkeep run: could not start: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      if (!serving) {
        if (store != null) {
          store.close();
        }
        if (node != null) {
          node.close();
        }
      }
    }
  }
}
