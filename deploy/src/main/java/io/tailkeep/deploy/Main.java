package io.tailkeep.deploy;

import io.tailkeep.deploy.demo.DemoCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The {@code tailkeep} command line: one word picks the command, the rest are its arguments. */
public final class Main {

  static final String USAGE =
      """
      usage: tailkeep <command> [arguments]

      commands:
        run [--config FILE]          the server: OTLP on 4317 (gRPC) and 4318 (HTTP), UI and APIs on
                                     16686; an embedded Cassandra node (data in ./data) unless the
                                     config names a cluster. Every config key can also be set with
                                     a TAILKEEP_* environment variable (deploy/README.md).
        cluster [--sampler-nodes N] [--ingest-nodes N]
                                     a local cluster on Kafka to try scaling out: an embedded Kafka
                                     broker and Cassandra node, N sampler nodes, ingest and query
                                     nodes, each its own process (data in ./data/cluster)
        demo [--endpoint URL] [--traces N] ...
                                     send sample traffic to a running server (demo --help)
        rules check FILE [FILE...]   validate sampling rules files; exit 1 with the errors if any is wrong
        help, --help                 this text

      example config with every key and its default: deploy/config/tailkeep.yaml
      """;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    return run(args, System.getenv(), out, err);
  }

  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      err.print(USAGE);
      return 2;
    }
    String command = args.get(0);
    List<String> rest = args.subList(1, args.size());
    switch (command) {
      case "help", "--help", "-h" -> {
        out.print(USAGE);
        return 0;
      }
      case "run" -> {
        return RunCommand.run(rest, env, out, err);
      }
      case "cluster" -> {
        return ClusterCommand.run(rest, env, out, err);
      }
      case "demo" -> {
        return DemoCommand.run(rest, out, err);
      }
      case "rules" -> {
        if (rest.isEmpty() || !rest.get(0).equals("check")) {
          err.println("tailkeep rules: the only subcommand is 'check FILE [FILE...]'");
          return 2;
        }
        return RulesCheckCommand.run(rest.subList(1, rest.size()), out, err);
      }
      default -> {
        err.println("tailkeep: unknown command '" + command + "'");
        err.print(USAGE);
        return 2;
      }
    }
  }
}
