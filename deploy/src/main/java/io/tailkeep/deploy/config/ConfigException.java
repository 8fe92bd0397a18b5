package io.tailkeep.deploy.config;

import java.util.List;

/** The configuration cannot be used; each problem names where it is, the key and the value. */
public final class ConfigException extends Exception {

  private final List<String> problems;

  ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
