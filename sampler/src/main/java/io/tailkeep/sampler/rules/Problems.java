package io.tailkeep.sampler.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** The problems found in one rules file, each tied to the place in the file it is about. */
final class Problems {

  private record Problem(int line, int column, String message) {}

  private final String fileName;
  private final List<Problem> problems = new ArrayList<>();

  Problems(String fileName) {
    this.fileName = fileName;
  }

  void at(Node node, String message) {
    at(node.getStartMark(), message);
  }

  /** SnakeYAML counts lines and columns from 0; editors and compilers from 1. */
  void at(Mark mark, String message) {
    if (mark == null) {
      problems.add(new Problem(1, 1, message));
    } else {
      problems.add(new Problem(mark.getLine() + 1, mark.getColumn() + 1, message));
    }
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
            .sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column))
            .map(p -> fileName + ":" + p.line() + ":" + p.column() + ": " + p.message())
            .toList();
    throw new RulesFileException(fileName, formatted);
  }
}
