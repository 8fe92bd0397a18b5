package io.tailkeep.deploy;

import io.tailkeep.deploy.demo.DemoCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** The {@code tailkeep} command line: one word picks the command, the rest are its arguments. */
@Command(name = "tailkeep", customSynopsis = Main.USAGE)
public final class Main implements Callable<Integer> {

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
        rules check FILE [FILE...]   validate sampling rules files; exit 1 with the errors if any
                                     is wrong
        rules defaults               print the shipped default rules, to start your own from
        help, --help                 this text (help COMMAND: that command's)

      example config with every key and its default: deploy/config/tailkeep.yaml""";

  @Spec private CommandSpec spec;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  /** Runs one command line as {@link #main} would, without exiting; its exit code. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    return run(args, System.getenv(), out, err);
  }

  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    CommandLine cli =
        new CommandLine(new Main())
            .addSubcommand("run", new RunCommand(env, out, err))
            .addSubcommand("cluster", new ClusterCommand(env, out, err))
            .addSubcommand("demo", new DemoCommand(out, err))
            .addSubcommand(
                "rules",
                new CommandLine(new Rules())
                    .addSubcommand("check", new RulesCheckCommand(out, err))
                    .addSubcommand("defaults", new RulesDefaultsCommand(out)))
            .addSubcommand("help", new HelpCommand());
    return CommandLines.execute(cli, args, out, err);
  }

  /** No command given: the usage, as an error. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().print(spec.commandLine().getUsageMessage());
    spec.commandLine().getErr().flush();
    return CommandLines.USAGE_ERROR;
  }

  /** {@code tailkeep rules}: {@code check} and {@code defaults}. */
  @Command(
      name = "rules",
      customSynopsis = RulesCheckCommand.USAGE + "%n" + RulesDefaultsCommand.USAGE)
  private static final class Rules implements Callable<Integer> {

    @Spec private CommandSpec spec;

    /** Whatever came instead of a subcommand; it is refused either way. */
    @Unmatched private List<String> notCheck;

    @Override
    public Integer call() {
      throw new ParameterException(
          spec.commandLine(), "the subcommands are 'check FILE [FILE...]' and 'defaults'");
    }
  }
}
