package io.tailkeep.deploy.access;

import java.io.IOException;
import java.util.List;

/** A tokens file that cannot be used, with every reason (never a token). */
public final class TokenFileException extends IOException {

  private final List<String> problems;

  TokenFileException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
