package io.tailkeep.sampler.rules;

import io.tailkeep.yaml.MappingKeys.Entry;
import io.tailkeep.yaml.Scalars;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** One item of a rule's {@code conditions}: its type, its operator and settings, as a Condition. */
final class ConditionParser {

  private static final List<String> CONDITION_TYPES =
      List.of(
          "error", "duration", "attribute", "service", "span_name", "span_kind", "span_count",
          "not");
  private static final List<String> DURATION_OPERATORS = List.of("gt", "gte", "lt", "lte");
  private static final List<String> COUNT_OPERATORS = List.of("equals", "gt", "gte", "lt", "lte");
  private static final List<String> TEXT_OPERATORS =
      List.of("equals", "not_equals", "prefix", "contains", "regex", "in");
  private static final List<String> ATTRIBUTE_OPERATORS =
      List.of(
          "equals", "not_equals", "prefix", "contains", "regex", "in", "exists", "gt", "gte", "lt",
          "lte");
  private static final List<String> KIND_OPERATORS = List.of("equals", "not_equals", "in");
  private static final List<String> SCOPE_SETTING = List.of("of");
  private static final List<String> ATTRIBUTE_SETTINGS = List.of("key", "key_prefix", "of");

  private final RuleNodes nodes;
  private final Problems problems;
  private final OperatorParser operators;

  ConditionParser(RuleNodes nodes) {
    this.nodes = nodes;
    this.problems = nodes.problems();
    this.operators = new OperatorParser(nodes);
  }

  /** The condition, or null when it has a problem (which is then reported). */
  Condition condition(Node node) {
    MappingNode mapping = nodes.mapping(node, "a condition must be a mapping such as 'error: true', got ");
    if (mapping == null) {
      return null;
    }
    List<NodeTuple> tuples = mapping.getValue();
    if (tuples.size() != 1) {
      if (tuples.isEmpty()) {
        problems.at(
            mapping,
            "empty condition (expected one of: " + String.join(", ", CONDITION_TYPES) + ")");
      } else {
        List<String> keys = new ArrayList<>();
        tuples.forEach(t -> keys.add(RuleNodes.shown(t.getKeyNode())));
        problems.at(
            tuples.get(1).getKeyNode(),
            "a condition has one key, this one has " + tuples.size() + " (" + String.join(", ", keys)
                + "); start each condition with its own '- '");
      }
      return null;
    }
    Node keyNode = tuples.get(0).getKeyNode();
    Node value = tuples.get(0).getValueNode();
    String type = RuleNodes.shown(keyNode);
    return switch (type) {
      case "error" -> errorCondition(value);
      case "duration" -> durationCondition(value);
      case "attribute" -> attributeCondition(value);
      case "service" -> textCondition(TextField.SERVICE, value);
      case "span_name" -> textCondition(TextField.SPAN_NAME, value);
      case "span_kind" -> spanKindCondition(value);
      case "span_count" -> spanCountCondition(value);
      case "not" -> notCondition(value);
      default -> {
        problems.at(
            keyNode,
            "unknown condition '" + type + "' (expected one of: "
                + String.join(", ", CONDITION_TYPES) + RuleNodes.didYouMean(type, CONDITION_TYPES)
                + ")");
        yield null;
      }
    };
  }

  private Condition errorCondition(Node value) {
    Boolean expected = nodes.bool(value, "error");
    return expected == null ? null : new ErrorCondition(expected);
  }

  private Condition notCondition(Node value) {
    Condition negated = condition(value);
    return negated == null ? null : new NotCondition(negated);
  }

  private Condition durationCondition(Node value) {
    Operation operation =
        operation(value, "duration", "{of: root, gte: 500ms}", DURATION_OPERATORS, SCOPE_SETTING);
    if (operation == null) {
      return null;
    }
    Long nanos = operators.duration(operation.operator().value());
    if (operation.scope() == null || nanos == null) {
      return null;
    }
    return new DurationCondition(
        operation.scope(), Comparison.fromYamlName(operation.operator().name()), nanos);
  }

  private Condition spanCountCondition(Node value) {
    Operation operation = operation(value, "span_count", "{gte: 100}", COUNT_OPERATORS, List.of());
    if (operation == null) {
      return null;
    }
    Entry operator = operation.operator();
    BigDecimal count = nodes.number(operator.value(), "span_count");
    if (count == null) {
      return null;
    }
    if (count.signum() < 0 || count.stripTrailingZeros().scale() > 0) {
      problems.at(
          operator.value(),
          "'span_count' must be a whole number >= 0, got " + RuleNodes.shown(operator.value()));
      return null;
    }
    return new SpanCountCondition(Comparison.fromYamlName(operator.name()), count.longValue());
  }

  private Condition spanKindCondition(Node value) {
    if (value instanceof ScalarNode && !Scalars.isNull(value)) {
      SpanKindName kind = operators.spanKind(value);
      return kind == null ? null : new SpanKindCondition(Scope.ANY, kind.bit());
    }
    Operation operation =
        operation(
            value, "span_kind", "server or {of: root, in: [server, consumer]}", KIND_OPERATORS,
            SCOPE_SETTING);
    if (operation == null) {
      return null;
    }
    Entry operator = operation.operator();
    int bits = 0;
    switch (operator.name()) {
      case "equals", "not_equals" -> {
        SpanKindName kind = operators.spanKind(operator.value());
        if (kind == null) {
          return null;
        }
        int all = (1 << SpanKindName.values().length) - 1;
        bits = operator.name().equals("equals") ? kind.bit() : all & ~kind.bit();
      }
      default -> {
        List<SpanKindName> kinds = operators.inList(operator.value(), operators::spanKind);
        if (kinds == null) {
          return null;
        }
        for (SpanKindName kind : kinds) {
          bits |= kind.bit();
        }
      }
    }
    return operation.scope() == null ? null : new SpanKindCondition(operation.scope(), bits);
  }

  private Condition textCondition(TextField field, Node value) {
    String type = field.yamlName;
    if (value instanceof ScalarNode scalar && !Scalars.isNull(value)) {
      String expected = scalar.getValue();
      return new TextCondition(field, Scope.ANY, OperatorParser.onCappedText(expected::equals));
    }
    Operation operation =
        operation(
            value, type, "{contains: upload} or {of: root, in: [a, b]}", TEXT_OPERATORS,
            SCOPE_SETTING);
    if (operation == null) {
      return null;
    }
    Predicate<String> test = operators.textTest(operation.operator(), type);
    return operation.scope() == null || test == null
        ? null
        : new TextCondition(field, operation.scope(), test);
  }

  private Condition attributeCondition(Node value) {
    MappingNode mapping =
        conditionMapping(value, "attribute", "{key: http.route, equals: /checkout}");
    if (mapping == null) {
      return null;
    }
    Map<String, Entry> fields =
        operators.conditionFields(mapping, "attribute", ATTRIBUTE_OPERATORS, ATTRIBUTE_SETTINGS);
    AttributeSelector selector = attributeSelector(mapping, fields);
    Scope scope = operators.scope(fields);
    Entry operator = operators.singleOperator(mapping, fields, "attribute", ATTRIBUTE_OPERATORS);
    if (operator == null) {
      return null;
    }
    if (operator.name().equals("exists")) {
      Boolean expected = nodes.bool(operator.value(), "exists");
      return selector == null || scope == null || expected == null
          ? null
          : new AttributePresenceCondition(selector, scope, expected);
    }
    Predicate<Object> test = operators.attributeTest(operator);
    return selector == null || scope == null || test == null
        ? null
        : new AttributeCondition(selector, scope, test);
  }

  /** {@code key} or {@code key_prefix}, exactly one. */
  private AttributeSelector attributeSelector(MappingNode mapping, Map<String, Entry> fields) {
    Entry key = fields.get("key");
    Entry keyPrefix = fields.get("key_prefix");
    if (key != null && keyPrefix != null) {
      Entry second = RuleNodes.line(key.key()) <= RuleNodes.line(keyPrefix.key()) ? keyPrefix : key;
      problems.at(second.key(), "attribute condition has both key and key_prefix; give one");
      return null;
    }
    if (key == null && keyPrefix == null) {
      problems.at(mapping, "attribute condition needs 'key' (or 'key_prefix')");
      return null;
    }
    Entry given = key != null ? key : keyPrefix;
    String text = nodes.text(given.value(), given.name());
    if (text != null && text.isEmpty()) {
      problems.at(given.value(), "'" + given.name() + "' must not be empty");
      return null;
    }
    if (text == null) {
      return null;
    }
    return key != null ? AttributeSelector.key(text) : AttributeSelector.keyPrefix(text);
  }

  /** A condition's one operator and its scope ({@code any} without an {@code of}; null if wrong). */
  private record Operation(Entry operator, Scope scope) {}

  /** The mapping of a condition whose keys are only operators and settings; null after a problem. */
  private Operation operation(
      Node value, String type, String example, List<String> operatorNames, List<String> settings) {
    MappingNode mapping = conditionMapping(value, type, example);
    if (mapping == null) {
      return null;
    }
    Map<String, Entry> fields = operators.conditionFields(mapping, type, operatorNames, settings);
    Scope scope = operators.scope(fields);
    Entry operator = operators.singleOperator(mapping, fields, type, operatorNames);
    return operator == null ? null : new Operation(operator, scope);
  }

  private MappingNode conditionMapping(Node value, String type, String example) {
    return nodes.mapping(value, type + " condition expects a mapping like " + example + ", got ");
  }
}
