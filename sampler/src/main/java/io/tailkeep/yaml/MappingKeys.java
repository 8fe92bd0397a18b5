package io.tailkeep.yaml;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reading a mapping's keys: each one once, in file order, plain names only. */
public final class MappingKeys {

  /** A key of a mapping, with its value. */
  public record Entry(ScalarNode key, Node value) {
    public String name() {
      return key.getValue();
    }
  }

  /** What a reader says about keys it cannot take; each caller words it in its own way. */
  public interface KeyProblems {
    /** A key that is a list, a mapping or null rather than a name. */
    void notAName(Node key);

    /** A key seen before in the same mapping; {@code first} is the earlier one. */
    void repeated(ScalarNode key, ScalarNode first);
  }

  private MappingKeys() {}

  /** The mapping's entries with plain, first-seen keys; the others are told to {@code problems}. */
  public static List<Entry> entries(MappingNode mapping, KeyProblems problems) {
    List<Entry> entries = new ArrayList<>();
    forEach(mapping, problems, entries::add);
    return entries;
  }

  /**
   * Each entry with a plain, first-seen key to {@code action}, the others to {@code problems}, in
   * file order (so a reader that recurses reports in file order too).
   */
  public static void forEach(MappingNode mapping, KeyProblems problems, Consumer<Entry> action) {
    Map<String, ScalarNode> seen = new HashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode key) || Scalars.isNull(key)) {
        problems.notAName(tuple.getKeyNode());
        continue;
      }
      ScalarNode first = seen.putIfAbsent(key.getValue(), key);
      if (first != null) {
        problems.repeated(key, first);
        continue;
      }
      action.accept(new Entry(key, tuple.getValueNode()));
    }
  }

  /** The value of the first key with this name, without checking the others; null when absent. */
  public static Node value(MappingNode mapping, String name) {
    for (NodeTuple tuple : mapping.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals(name)) {
        return tuple.getValueNode();
      }
    }
    return null;
  }
}
