package io.tailkeep.yaml;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** Where a node starts, counted from 1 as editors and compilers do (SnakeYAML counts from 0). */
public record Position(int line, int column) {

  public static Position of(Node node) {
    return of(node.getStartMark());
  }

  /** The position of a mark, or null for no mark. */
  public static Position of(Mark mark) {
    return mark == null ? null : new Position(mark.getLine() + 1, mark.getColumn() + 1);
  }

  /** {@code file:line:column}, the prefix both readers put before a message. */
  public String in(String fileName) {
    return fileName + ":" + line + ":" + column;
  }
}
