package io.tailkeep.sampler.rules;

import io.tailkeep.yaml.Position;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/** The problems found in one rules file, each tied to the place in the file it is about. */
final class Problems {

  private record Problem(Position position, String message) {}

  private static final Position START = new Position(1, 1);

  private final String fileName;
  private final List<Problem> problems = new ArrayList<>();

  Problems(String fileName) {
    this.fileName = fileName;
  }

  void at(Node node, String message) {
    at(Position.of(node), message);
  }

  /** A problem at a position, or at the start of the file when there is none. */
  void at(Position position, String message) {
    problems.add(new Problem(position == null ? START : position, message));
  }

  int count() {
    return problems.size();
  }

  void throwIfAny() throws RulesFileException {
    if (problems.isEmpty()) {
      return;
    }
    List<String> formatted =
        problems.stream()
            .sorted(
                Comparator.comparingInt((Problem p) -> p.position().line())
                    .thenComparingInt(p -> p.position().column()))
            .map(p -> p.position().in(fileName) + ": " + p.message())
            .toList();
    throw new RulesFileException(fileName, formatted);
  }
}
