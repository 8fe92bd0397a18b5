package io.tailkeep.yaml;

import java.math.BigDecimal;
import java.util.Locale;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Typed reads of single nodes: each answers null when the node is not of the type asked for. */
public final class Scalars {

  private Scalars() {}

  /** {@code ~}, {@code null} or nothing at all. */
  public static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  /** A scalar's text as written (names such as a service called 42 are text too), or null. */
  public static String text(Node node) {
    return node instanceof ScalarNode scalar ? scalar.getValue() : null;
  }

  /** Whether YAML resolved the scalar to an integer or a float. */
  public static boolean isNumber(Node node) {
    return node instanceof ScalarNode && (node.getTag().equals(Tag.INT) || node.getTag().equals(Tag.FLOAT));
  }

  /**
   * A number's exact value; null when the node is no number or an infinite, NaN or sexagesimal
   * one ({@code .inf}, {@code 1:30}).
   */
  public static BigDecimal number(Node node) {
    if (!isNumber(node)) {
      return null;
    }
    String text = ((ScalarNode) node).getValue().replace("_", "");
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException notDecimal) {
      try {
        return BigDecimal.valueOf(Long.decode(text)); // YAML 1.1 also allows 0x1F and 017
      } catch (NumberFormatException notInteger) {
        return null;
      }
    }
  }

  /** A YAML 1.1 boolean (true/false, yes/no, on/off in any case), or null. */
  public static Boolean bool(Node node) {
    if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.BOOL)) {
      return null;
    }
    String text = scalar.getValue().toLowerCase(Locale.ROOT);
    return text.equals("true") || text.equals("yes") || text.equals("on");
  }

  /** A whole number from min to max written in decimal ({@code 1_000} allowed), or null. */
  public static Integer wholeNumber(String text, int min, int max) {
    try {
      int value = Integer.parseInt(text.replace("_", ""));
      return value >= min && value <= max ? value : null;
    } catch (NumberFormatException notWhole) {
      return null;
    }
  }

  /** The node's kind in a word: mapping, list or value. */
  public static String kind(Node node) {
    return node instanceof MappingNode ? "mapping" : node instanceof SequenceNode ? "list" : "value";
  }

  /** How a node reads in an error message: its kind, and a scalar's value with its type. */
  public static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode scalar = (ScalarNode) node;
    Tag tag = scalar.getTag();
    if (tag.equals(Tag.NULL)) {
      return "nothing";
    }
    if (isNumber(scalar)) {
      return "number " + scalar.getValue();
    }
    if (tag.equals(Tag.BOOL)) {
      return "boolean " + scalar.getValue();
    }
    return "text '" + scalar.getValue() + "'";
  }
}
