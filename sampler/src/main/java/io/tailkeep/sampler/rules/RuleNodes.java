package io.tailkeep.sampler.rules;

import io.tailkeep.yaml.DidYouMean;
import io.tailkeep.yaml.MappingKeys;
import io.tailkeep.yaml.MappingKeys.Entry;
import io.tailkeep.yaml.Position;
import io.tailkeep.yaml.Scalars;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The node kit ({@code io.tailkeep.yaml}) in the rules file's words: each read reports its problem
 * with the rules file's message and answers null, so parsing goes on to find the next mistake.
 */
final class RuleNodes {

  private final Problems problems;

  private final MappingKeys.KeyProblems keyProblems =
      new MappingKeys.KeyProblems() {
        @Override
        public void notAName(Node key) {
          problems.at(key, "a key must be a plain name, got " + Scalars.describe(key));
        }

        @Override
        public void repeated(ScalarNode key, ScalarNode first) {
          problems.at(key, "duplicate key '" + key.getValue() + "' (first at line " + line(first) + ")");
        }
      };

  RuleNodes(Problems problems) {
    this.problems = problems;
  }

  Problems problems() {
    return problems;
  }

  /** A mapping's keys and values, reporting keys that are unknown, repeated or not plain names. */
  Map<String, Entry> fields(MappingNode mapping, List<String> allowed, String where) {
    return fields(
        mapping,
        allowed,
        key -> "unknown key '" + key + "' " + where + " (expected one of: "
            + String.join(", ", allowed) + didYouMean(key, allowed) + ")");
  }

  Map<String, Entry> fields(
      MappingNode mapping, List<String> allowed, Function<String, String> unknownKeyMessage) {
    Map<String, Entry> fields = new LinkedHashMap<>();
    for (Entry entry : MappingKeys.entries(mapping, keyProblems)) {
      if (allowed.contains(entry.name())) {
        fields.put(entry.name(), entry);
      } else {
        problems.at(entry.key(), unknownKeyMessage.apply(entry.name()));
      }
    }
    return fields;
  }

  /** A mapping, or null after reporting {@code mustBe} followed by what the node is instead. */
  MappingNode mapping(Node node, String mustBe) {
    if (node instanceof MappingNode mapping) {
      return mapping;
    }
    problems.at(node, mustBe + Scalars.describe(node));
    return null;
  }

  SequenceNode sequence(Node node, String what, String expected) {
    if (node instanceof SequenceNode sequence) {
      return sequence;
    }
    problems.at(node, "'" + what + "' must be " + expected + ", got " + Scalars.describe(node));
    return null;
  }

  List<Node> nonEmptyList(Node node, String what) {
    if (!(node instanceof SequenceNode sequence)) {
      problems.at(node, "'" + what + "' must be a list like [a, b], got " + Scalars.describe(node));
      return null;
    }
    if (sequence.getValue().isEmpty()) {
      problems.at(node, "'" + what + "' list is empty");
      return null;
    }
    return sequence.getValue();
  }

  /** Any non-empty scalar as text: names such as a service called 42 are text too. */
  String text(Node node, String what) {
    if (node instanceof ScalarNode scalar && !Scalars.isNull(node)) {
      return scalar.getValue();
    }
    problems.at(node, "'" + what + "' must be text, got " + Scalars.describe(node));
    return null;
  }

  /** A scalar that must be one of a few words. */
  String word(Node node, String what, List<String> words) {
    String text = text(node, what);
    if (text == null) {
      return null;
    }
    if (!words.contains(text)) {
      problems.at(
          node,
          "'" + what + "' must be " + orList(words) + ", got '" + text + "'" + didYouMean(text, words));
      return null;
    }
    return text;
  }

  BigDecimal number(Node node, String what) {
    if (!Scalars.isNumber(node)) {
      problems.at(node, "'" + what + "' must be a number, got " + Scalars.describe(node));
      return null;
    }
    BigDecimal number = Scalars.number(node);
    if (number == null) {
      problems.at(node, "'" + what + "' must be a finite number, got " + Scalars.text(node));
    }
    return number;
  }

  Boolean bool(Node node, String what) {
    Boolean value = Scalars.bool(node);
    if (value == null) {
      problems.at(node, "'" + what + "' must be true or false, got " + Scalars.describe(node));
    }
    return value;
  }

  static int line(Node node) {
    return Position.of(node).line();
  }

  /** A scalar's text, or how another node reads in a message. */
  static String shown(Node node) {
    return node instanceof ScalarNode scalar ? scalar.getValue() : Scalars.describe(node);
  }

  static String didYouMean(String given, List<String> candidates) {
    return DidYouMean.closest(given, candidates).map(best -> "; did you mean '" + best + "'?").orElse("");
  }

  private static String orList(List<String> words) {
    return words.size() == 2
        ? words.get(0) + " or " + words.get(1)
        : "one of " + String.join(", ", words);
  }
}
