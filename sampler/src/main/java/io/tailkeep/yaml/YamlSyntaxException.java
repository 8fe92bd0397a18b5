package io.tailkeep.yaml;

import java.util.Optional;

/** Text that is not YAML; {@link #problem()} is SnakeYAML's description without its excerpt. */
public final class YamlSyntaxException extends Exception {

  private final transient Position position;
  private final String problem;
  private final String context;

  YamlSyntaxException(Position position, String problem, String context) {
    super(problem);
    this.position = position;
    this.problem = problem;
    this.context = context;
  }

  /** Where the parser gave up, when it says. */
  public Optional<Position> position() {
    return Optional.ofNullable(position);
  }

  public String problem() {
    return problem;
  }

  /** The problem after what the parser was reading ("while parsing a flow mapping; ..."). */
  public String problemInContext() {
    if (context == null) {
      return problem;
    }
    return problem == null ? context : context + "; " + problem;
  }
}
