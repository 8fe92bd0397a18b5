package io.tailkeep.deploy;

import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.rules.RulesFileException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tailkeep rules check FILE [FILE...]}: validates sampling rules files the way the server
 * would load them, so a change can be checked before it is deployed (or in CI). Prints {@code
 * FILE: OK, N rules: names} for each valid file and every problem of the others, one per line as
 * {@code file:line:column: message}. Never a stack trace: the output is for people.
 */
@Command(name = "check", customSynopsis = RulesCheckCommand.USAGE)
final class RulesCheckCommand implements Callable<Integer> {

  static final String USAGE = "usage: tailkeep rules check FILE [FILE...]";

  static final int ALL_VALID = 0;
  static final int INVALID = 1;

  private final PrintStream out;
  private final PrintStream err;

  @Spec private CommandSpec spec;

  @Parameters(paramLabel = "FILE", arity = "0..*", hidden = true)
  private List<String> files = List.of();

  RulesCheckCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Checks every file, even after an invalid one.
   *
   * @return 0 if every file is valid, 1 if any is invalid, missing or unreadable (2, a usage error
   *     for no file or an option, is picocli's)
   */
  @Override
  public Integer call() {
    if (files.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "no file given");
    }
    int result = ALL_VALID;
    for (String file : files) {
      if (!check(file, out, err)) {
        result = INVALID;
      }
    }
    return result;
  }

  private static boolean check(String fileName, PrintStream out, PrintStream err) {
    String yaml;
    try {
      yaml = Files.readString(Path.of(fileName));
    } catch (NoSuchFileException e) {
      err.println(fileName + ": no such file");
      return false;
    } catch (AccessDeniedException e) {
      err.println(fileName + ": cannot read the file: permission denied");
      return false;
    } catch (CharacterCodingException e) {
      err.println(fileName + ": not valid UTF-8");
      return false;
    } catch (FileSystemException e) {
      err.println(fileName + ": cannot read the file: " + reason(e.getReason(), e));
      return false;
    } catch (IOException | InvalidPathException e) {
      err.println(fileName + ": cannot read the file: " + reason(e.getMessage(), e));
      return false;
    }
    try {
      RuleSet rules = RulesFile.parse(fileName, yaml);
      out.println(fileName + ": OK, " + describe(rules.ruleNames()));
      reach(rules, fileName, out);
      return true;
    } catch (RulesFileException e) {
      e.errors().forEach(err::println);
      return false;
    } catch (RuntimeException e) {
      err.println(fileName + ": the rules parser failed (a bug, please report it): " + e);
      return false;
    }
  }

  /**
   * What each rule reaches: its conditions and action as written, in order, then the default; and
   * the rules an earlier one always matches first, which can never decide.
   */
  private static void reach(RuleSet rules, String fileName, PrintStream out) {
    List<RuleSet.RuleText> texts = rules.ruleTexts();
    for (int i = 0; i < texts.size(); i++) {
      RuleSet.RuleText rule = texts.get(i);
      String when = rule.conditions().isEmpty() ? "every trace"
          : rule.conditions().size() == 1 ? rule.conditions().get(0)
          : (rule.match().equals("any") ? "any of " : "all of ") + String.join("; ", rule.conditions());
      out.println("  " + (i + 1) + ". " + rule.name() + ": when " + when + ", then " + rule.action());
    }
    out.println("  otherwise: " + (rules.keepsByDefault() ? "keep" : "drop") + " (default)");
    for (RuleSet.Unreachable unreachable : rules.unreachable()) {
      out.println(fileName + ": warning: rule '" + unreachable.rule() + "' can never decide: rule '"
          + unreachable.shadowedBy() + "' before it matches every trace it matches");
    }
  }

  private static String reason(String message, Exception e) {
    return message != null ? message : e.getClass().getSimpleName();
  }

  private static String describe(List<String> names) {
    if (names.isEmpty()) {
      return "0 rules";
    }
    String count = names.size() == 1 ? "1 rule" : names.size() + " rules";
    return count + ": " + String.join(", ", names);
  }
}
