package io.tailkeep.deploy;

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
import java.util.concurrent.CountDownLatch;

/**
 * {@code tailkeep run [--rules FILE] [--data DIR] [--cassandra HOST:PORT --datacenter DC]}: the
 * all-in-one server. Without {@code --cassandra} it starts an embedded Cassandra node with its data
 * under {@code --data} (default {@code ./data}), kept across restarts. SIGTERM or Ctrl-C stops it
 * gracefully: no more spans taken, every buffered trace decided, every kept trace written, then
 * Cassandra stopped. The configuration file comes with issue 5; these flags are the minimum.
 */
final class RunCommand {

  static final String USAGE =
      "usage: tailkeep run [--rules FILE] [--data DIR] [--cassandra HOST:PORT --datacenter DC]";

  private RunCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("tailkeep run: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    CassandraNode node = null;
    SpanStore store = null;
    try {
      InetSocketAddress contactPoint = options.cassandra;
      String datacenter = options.datacenter;
      if (contactPoint == null) {
        out.println("starting the embedded Cassandra node (data in " + options.data + ")...");
        // Stopped by this command's own hook, after the server has written every kept trace.
        node =
            EmbeddedCassandra.builder()
                .workDirectory(options.data)
                .build()
                .start()
                .stopOnlyWhenClosed();
        contactPoint = node.cqlAddress();
        datacenter = node.localDatacenter();
      }
      store =
          CassandraStorage.builder()
              .contactPoints(List.of(contactPoint))
              .localDatacenter(datacenter)
              .build()
              .open();
      TailkeepServer.Builder builder = TailkeepServer.builder().spanStore(store);
      if (options.rules != null) {
        builder.rulesFile(options.rules);
      }
      TailkeepServer server = builder.start();
      store = null; // the server owns it now
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
      out.printf(
          "Tailkeep is running.%n"
              + "  OTLP/gRPC  localhost:%d   (OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:%d)%n"
              + "  OTLP/HTTP  http://localhost:%d/v1/traces%n"
              + "  API        http://localhost:%d/api/v1/traces   (Jaeger API: /api/traces)%n"
              + "  rules      %s%n"
              + "Ctrl-C or SIGTERM stops it after writing every kept trace.%n",
          server.grpcPort(),
          server.grpcPort(),
          server.httpPort(),
          server.apiPort(),
          options.rules == null ? "the shipped default rules" : options.rules);
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
      if (store != null) {
        store.close();
      }
    }
  }

  private record Options(Path rules, Path data, InetSocketAddress cassandra, String datacenter) {

    static Options parse(List<String> args) {
      Path rules = null;
      Path data = Path.of("data");
      InetSocketAddress cassandra = null;
      String datacenter = null;
      for (int i = 0; i < args.size(); i++) {
        String flag = args.get(i);
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args.get(++i);
        switch (flag) {
          case "--rules" -> rules = Path.of(value).toAbsolutePath();
          case "--data" -> data = Path.of(value);
          case "--cassandra" -> cassandra = hostAndPort(value);
          case "--datacenter" -> datacenter = value;
          default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
        }
      }
      if ((cassandra == null) != (datacenter == null)) {
        throw new IllegalArgumentException("--cassandra and --datacenter go together");
      }
      return new Options(rules, data.toAbsolutePath(), cassandra, datacenter);
    }

    private static InetSocketAddress hostAndPort(String value) {
      int colon = value.lastIndexOf(':');
      try {
        int port = colon < 0 ? 9042 : Integer.parseInt(value.substring(colon + 1));
        String host = colon < 0 ? value : value.substring(0, colon);
        return new InetSocketAddress(host, port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--cassandra must be HOST or HOST:PORT, got '" + value + "'");
      }
    }
  }
}
