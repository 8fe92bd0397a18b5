package io.tailkeep.deploy;

import io.tailkeep.sampler.rules.RulesFile;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code tailkeep rules defaults}: prints the default rules the server runs without a rules file,
 * comments and all, as the file to start one's own from ({@code > rules.yaml}).
 */
@Command(
    name = "defaults",
    customSynopsis = RulesDefaultsCommand.USAGE,
    description = "%nPrints the shipped default rules, the file to start your own from.%n")
final class RulesDefaultsCommand implements Callable<Integer> {

  static final String USAGE = "usage: tailkeep rules defaults > rules.yaml";

  private final PrintStream out;

  RulesDefaultsCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    out.print(RulesFile.defaultRulesText());
    out.flush();
    return 0;
  }
}
