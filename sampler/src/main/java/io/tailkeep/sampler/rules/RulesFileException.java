package io.tailkeep.sampler.rules;

import java.util.List;

/**
 * A rules file that was refused, with every problem found, each as {@code
 * file:line:column: message}.
 */
public final class RulesFileException extends Exception {

  private final String fileName;
  private final List<String> errors;

  RulesFileException(String fileName, List<String> errors) {
    super(summary(fileName, errors));
    this.fileName = fileName;
    this.errors = List.copyOf(errors);
  }

  /** The file name as given to the parser. */
  public String fileName() {
    return fileName;
  }

  /** Every problem, in file order, each starting with {@code file:line:column:}. */
  public List<String> errors() {
    return errors;
  }

  private static String summary(String fileName, List<String> errors) {
    String count = errors.size() == 1 ? "1 error" : errors.size() + " errors";
    return fileName + ": rules refused, " + count + ":\n  " + String.join("\n  ", errors);
  }
}
