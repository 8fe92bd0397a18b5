package io.tailkeep.sampler.rules;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.tailkeep.units.DurationSyntax;
import io.tailkeep.yaml.MappingKeys.Entry;
import io.tailkeep.yaml.Scalars;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The operators and settings inside a condition's mapping: which one is given, and the values they
 * compare with (text, numbers, durations, regexes, span kinds, scopes), as tests on a trace's facts.
 */
final class OperatorParser {

  /** The most characters of one text (a name, an attribute value) any rule is given. */
  static final int MAX_RULE_TEXT_CHARS = 4096;

  private static final List<String> SCOPES = List.of("root", "any");
  private static final List<String> SPAN_KINDS =
      List.of("server", "client", "producer", "consumer", "internal");

  private final RuleNodes nodes;
  private final Problems problems;

  OperatorParser(RuleNodes nodes) {
    this.nodes = nodes;
    this.problems = nodes.problems();
  }

  /** A condition's keys: its operators and settings; others are reported as unknown operators. */
  Map<String, Entry> conditionFields(
      MappingNode mapping, String type, List<String> operators, List<String> settings) {
    List<String> allowed = new ArrayList<>(operators);
    allowed.addAll(settings);
    String expected =
        "expected one of: " + String.join(", ", operators)
            + (settings.isEmpty() ? "" : "; or the setting" + (settings.size() > 1 ? "s " : " ")
                + String.join(", ", settings));
    return nodes.fields(
        mapping,
        allowed,
        key -> "unknown operator '" + key + "' in " + type + " condition (" + expected
            + RuleNodes.didYouMean(key, allowed) + ")");
  }

  /** The one comparison or match operator a condition must have. */
  Entry singleOperator(
      MappingNode mapping, Map<String, Entry> fields, String type, List<String> operators) {
    List<Entry> given = fields.values().stream().filter(f -> operators.contains(f.name())).toList();
    boolean refusedKeys = mapping.getValue().size() > fields.size();
    if (given.isEmpty() && refusedKeys) {
      return null; // the misspelt operator is already reported
    }
    if (given.isEmpty()) {
      problems.at(
          mapping,
          type + " condition has no operator (expected one of: " + String.join(", ", operators)
              + ")");
      return null;
    }
    if (given.size() > 1) {
      problems.at(
          given.get(1).key(),
          type + " condition has more than one operator ("
              + String.join(", ", given.stream().map(Entry::name).toList())
              + "); write one condition per operator");
      return null;
    }
    return given.get(0);
  }

  /** The {@code of} setting; {@code any} when absent, null after a reported problem. */
  Scope scope(Map<String, Entry> fields) {
    Entry of = fields.get("of");
    if (of == null) {
      return Scope.ANY;
    }
    String word = nodes.word(of.value(), "of", SCOPES);
    return word == null ? null : word.equals("root") ? Scope.ROOT : Scope.ANY;
  }

  SpanKindName spanKind(Node node) {
    String text = nodes.text(node, "span kind");
    if (text == null) {
      return null;
    }
    SpanKindName kind = SpanKindName.fromYamlName(text);
    if (kind == null) {
      problems.at(
          node,
          "unknown span kind '" + text + "' (expected one of: " + String.join(", ", SPAN_KINDS)
              + RuleNodes.didYouMean(text, SPAN_KINDS) + ")");
    }
    return kind;
  }

  /** A duration in nanoseconds. */
  Long duration(Node node) {
    if (!(node instanceof ScalarNode scalar) || Scalars.isNull(node)) {
      problems.at(
          node, "a duration must be a number and a unit such as 500ms, got " + Scalars.describe(node));
      return null;
    }
    try {
      return DurationSyntax.TAILKEEP.parse(scalar.getValue()).toNanos();
    } catch (IllegalArgumentException notADuration) {
      String unitHint =
          Scalars.isNumber(scalar) ? "a duration needs a unit" : "expected a number and a unit";
      problems.at(
          node,
          "bad duration '" + scalar.getValue() + "' (" + unitHint + ": "
              + DurationSyntax.TAILKEEP.unitNames() + "; e.g. 500ms, 1.5s, 2m)");
      return null;
    }
  }

  /**
   * Rules see at most {@value #MAX_RULE_TEXT_CHARS} characters of any text: the text comes from
   * senders, and a rule's cost must not grow with whatever they send.
   */
  static Predicate<String> onCappedText(Predicate<String> test) {
    return text ->
        test.test(text.length() <= MAX_RULE_TEXT_CHARS ? text : text.substring(0, MAX_RULE_TEXT_CHARS));
  }

  /** A text operator (equals, not_equals, prefix, contains, regex, in) as a test on capped text. */
  Predicate<String> textTest(Entry operator, String conditionType) {
    Predicate<String> test = uncappedTextTest(operator, conditionType);
    return test == null ? null : onCappedText(test);
  }

  private Predicate<String> uncappedTextTest(Entry operator, String conditionType) {
    Node value = operator.value();
    switch (operator.name()) {
      case "in" -> {
        List<String> items = inList(value, item -> nodes.text(item, "an 'in' list item"));
        if (items == null) {
          return null;
        }
        Set<String> accepted = new LinkedHashSet<>(items);
        return accepted::contains;
      }
      case "regex" -> {
        Pattern pattern = regex(value, conditionType);
        return pattern == null ? null : text -> pattern.matcher(text).find();
      }
      default -> {
        String expected = nodes.text(value, operator.name());
        if (expected == null) {
          return null;
        }
        return switch (operator.name()) {
          case "equals" -> expected::equals;
          case "not_equals" -> text -> !expected.equals(text);
          case "prefix" -> text -> text.startsWith(expected);
          default -> text -> text.contains(expected);
        };
      }
    }
  }

  /** An attribute operator other than exists, as a test on an attribute's value. */
  Predicate<Object> attributeTest(Entry operator) {
    Node value = operator.value();
    switch (operator.name()) {
      case "equals", "not_equals" -> {
        ExpectedValue expected = expectedValue(value, operator.name());
        if (expected == null) {
          return null;
        }
        return operator.name().equals("equals")
            ? expected::matches
            : actual -> !expected.matches(actual);
      }
      case "in" -> {
        List<ExpectedValue> accepted =
            inList(value, item -> expectedValue(item, "an 'in' list item"));
        return accepted == null
            ? null
            : actual -> accepted.stream().anyMatch(expected -> expected.matches(actual));
      }
      case "gt", "gte", "lt", "lte" -> {
        BigDecimal threshold = nodes.number(value, operator.name());
        if (threshold == null) {
          return null;
        }
        Comparison comparison = Comparison.fromYamlName(operator.name());
        double limit = threshold.doubleValue();
        return actual -> {
          Double number = AttributeValues.numberOf(actual);
          return number != null && comparison.test(number, limit);
        };
      }
      default -> {
        Predicate<String> textTest = textTest(operator, "attribute");
        return textTest == null
            ? null
            : actual -> textTest.test(AttributeValues.textOf(actual));
      }
    }
  }

  /** The items of an {@code in} list, each read by {@code read}; null at the first wrong one. */
  <T> List<T> inList(Node value, Function<Node, T> read) {
    List<Node> nodesGiven = nodes.nonEmptyList(value, "in");
    if (nodesGiven == null) {
      return null;
    }
    List<T> items = new ArrayList<>();
    for (Node node : nodesGiven) {
      T item = read.apply(node);
      if (item == null) {
        return null;
      }
      items.add(item);
    }
    return items;
  }

  private Pattern regex(Node node, String conditionType) {
    String text = nodes.text(node, "regex");
    if (text == null) {
      return null;
    }
    try {
      return Pattern.compile(text);
    } catch (PatternSyntaxException e) {
      // RE2 runs in linear time because it leaves out what needs backtracking; say so.
      String hint = e.getDescription().contains("unsupported")
          ? " (rule regexes use RE2 syntax: no lookaround, no backreferences)" : "";
      problems.at(
          node, "bad regex '" + text + "' in " + conditionType + " condition: " + e.getDescription() + hint);
      return null;
    }
  }

  private ExpectedValue expectedValue(Node node, String what) {
    if (!(node instanceof ScalarNode scalar) || Scalars.isNull(node)) {
      problems.at(node, "'" + what + "' must be a single value, got " + Scalars.describe(node));
      return null;
    }
    String text = scalar.getValue();
    Double number = null;
    Boolean bool = null;
    if (Scalars.isNumber(scalar)) {
      BigDecimal parsed = Scalars.number(scalar);
      number = parsed == null ? null : parsed.doubleValue();
    } else if (scalar.getTag().equals(Tag.BOOL)
        && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
      // yes/no/on/off resolve to booleans in YAML 1.1, but as attribute values they are words.
      bool = Boolean.parseBoolean(text);
      text = text.toLowerCase(Locale.ROOT);
    }
    return new ExpectedValue(text, number, bool);
  }
}
