package io.tailkeep.deploy;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every {@code tailkeep} command reads its arguments with picocli: options as {@code --name
 * VALUE}, a hidden {@code -h}/{@code --help}, and usage errors as one line {@code tailkeep
 * COMMAND: what was wrong} (naming the option and the value) then the command's help on stderr,
 * exit code 2. Never a stack trace: the output is for people.
 */
public final class CommandLines {

  /** The exit code of a usage error: nothing was started. */
  public static final int USAGE_ERROR = 2;

  /** Columns of the help; the synopses and the command list are written to fit. */
  private static final int HELP_WIDTH = 100;

  private CommandLines() {}

  /** Runs {@code cli} (a command and its subcommands) on {@code args}; its exit code. */
  public static int execute(CommandLine cli, List<String> args, PrintStream out, PrintStream err) {
    return configured(cli)
        .setOut(writer(out))
        .setErr(writer(err))
        .setParameterExceptionHandler(CommandLines::usageError)
        .execute(args.toArray(String[]::new));
  }

  /** The help {@code --help} prints for {@code command}. */
  public static String usage(Object command) {
    return configured(new CommandLine(command)).getUsageMessage();
  }

  private static CommandLine configured(CommandLine cli) {
    configure(cli);
    // Arguments are taken as written: "@rules.yaml" names a file to check, not a file of arguments.
    return cli.setSeparator(" ").setExpandAtFiles(false);
  }

  /**
   * Synopses are written by hand, each starting with "usage:", and name the subcommands (so
   * picocli's list of them is hidden); every command takes --help.
   */
  private static void configure(CommandLine cli) {
    cli.getCommandSpec().usageMessage().synopsisHeading("").sortOptions(false).width(HELP_WIDTH);
    if (!cli.getCommandSpec().optionsMap().containsKey("--help")) {
      cli.getCommandSpec()
          .addOption(OptionSpec.builder("-h", "--help").usageHelp(true).hidden(true).build());
    }
    for (CommandLine sub : cli.getSubcommands().values()) {
      sub.getCommandSpec().usageMessage().hidden(true);
      configure(sub);
    }
  }

  private static PrintWriter writer(PrintStream stream) {
    return new PrintWriter(stream, true);
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println(cli.getCommandSpec().qualifiedName() + ": " + message(e));
    err.print(cli.getUsageMessage());
    err.flush();
    return USAGE_ERROR;
  }

  private static String message(ParameterException e) {
    if (e instanceof UnmatchedArgumentException unmatched) {
      String what = e.getCommandLine().getSubcommands().isEmpty() ? "option" : "command";
      return "unknown " + what + " '" + unmatched.getUnmatched().get(0) + "'";
    }
    if (e instanceof MissingParameterException missing
        && missing.getMissing().get(0) instanceof OptionSpec option) {
      // A path option has always been worded by what it names: "--config takes one FILE".
      return option.longestName()
          + (option.type() == Path.class ? " takes one " + option.paramLabel() : " needs a value");
    }
    ArgSpec arg = e.getArgSpec();
    if (e.getCause() instanceof TypeConversionException problem && arg instanceof OptionSpec option) {
      return option.longestName() + " " + problem.getMessage() + ", got '" + e.getValue() + "'";
    }
    return e.getMessage();
  }

  /**
   * A whole number within bounds; subclasses name the bounds (picocli makes converters from their
   * class).
   */
  public abstract static class Count implements ITypeConverter<Integer> {
    private final String what;
    private final int min;
    private final int max;

    protected Count(String what, int min, int max) {
      this.what = what;
      this.min = min;
      this.max = max;
    }

    @Override
    public Integer convert(String value) {
      try {
        int n = Integer.parseInt(value);
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new TypeConversionException("must be " + what + " from " + min + " to " + max);
    }
  }
}
