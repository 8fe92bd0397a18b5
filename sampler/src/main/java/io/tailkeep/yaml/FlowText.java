package io.tailkeep.yaml;

import java.util.StringJoiner;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A node written back as one line of YAML flow style ({@code duration: {of: root, gte: 1s}}),
 * whatever style the file used: how the API and the UI show a rule's parts as written, without
 * the file's comments and line breaks. Scalars keep their text; those that were quoted stay quoted.
 */
public final class FlowText {

  private FlowText() {}

  /** A list item's node in flow style: a mapping without its braces ({@code error: true}). */
  public static String item(Node node) {
    return node instanceof MappingNode mapping ? entries(mapping) : write(node);
  }

  /** A node in flow style, a mapping with its braces ({@code {percent: 10}}, {@code {}}). */
  public static String write(Node node) {
    if (node instanceof ScalarNode scalar) {
      return scalar(scalar);
    }
    if (node instanceof SequenceNode sequence) {
      StringJoiner items = new StringJoiner(", ", "[", "]");
      sequence.getValue().forEach(item -> items.add(write(item)));
      return items.toString();
    }
    if (node instanceof MappingNode mapping) {
      return "{" + entries(mapping) + "}";
    }
    return String.valueOf(node); // anchors and aliases are resolved before this; nothing else exists
  }

  private static String entries(MappingNode mapping) {
    StringJoiner entries = new StringJoiner(", ");
    for (NodeTuple tuple : mapping.getValue()) {
      entries.add(write(tuple.getKeyNode()) + ": " + write(tuple.getValueNode()));
    }
    return entries.toString();
  }

  private static String scalar(ScalarNode scalar) {
    String text = scalar.getValue();
    if (scalar.getScalarStyle() == ScalarStyle.PLAIN) {
      return text;
    }
    StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\t' -> quoted.append("\\t");
        default -> quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }
}
