package io.tailkeep.sampler.rules;

import com.github.benmanes.caffeine.cache.Ticker;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.tailkeep.units.DurationSyntax;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a rules file from SnakeYAML's node tree rather than from constructed Java maps, because
 * only the nodes carry the line and column every error message names. It goes on after a problem
 * so that one run reports every mistake it can find; any problem refuses the whole file.
 */
final class RulesParser {

  /** The most characters of one text (a name, an attribute value) any rule is given. */
  static final int MAX_RULE_TEXT_CHARS = 4096;

  private static final List<String> TOP_LEVEL_KEYS = List.of("version", "default", "rules");
  private static final List<String> RULE_KEYS =
      List.of("name", "description", "match", "conditions", "keep", "drop");
  private static final List<String> KEEP_KEYS = List.of("percent", "max_traces_per_second");
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
  private static final List<String> SCOPES = List.of("root", "any");
  private static final List<String> SPAN_KINDS =
      List.of("server", "client", "producer", "consumer", "internal");

  /** A key of a mapping, with its value. */
  private record Field(ScalarNode key, Node value) {
    String name() {
      return key.getValue();
    }
  }

  private final String fileName;
  private final Ticker ticker;
  private final Problems problems;

  RulesParser(String fileName, Ticker ticker) {
    this.fileName = fileName;
    this.ticker = ticker;
    this.problems = new Problems(fileName);
  }

  RuleSet parse(String yaml) throws RulesFileException {
    Node document = compose(yaml);
    RuleSet ruleSet = document == null ? null : ruleSet(document);
    problems.throwIfAny();
    return ruleSet;
  }

  private Node compose(String yaml) {
    try {
      Node document = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
      if (document == null) {
        problems.at((Mark) null, "the file is empty; expected a mapping with 'rules'");
      }
      return document;
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem =
          e.getContext() == null
              ? e.getProblem()
              : e.getProblem() == null ? e.getContext() : e.getContext() + "; " + e.getProblem();
      problems.at(mark, "not valid YAML: " + problem);
    } catch (YAMLException e) {
      problems.at((Mark) null, "not valid YAML: " + e.getMessage());
    }
    return null;
  }

  // ---- the file and its rules ----

  private RuleSet ruleSet(Node document) {
    if (!(document instanceof MappingNode top)) {
      problems.at(
          document,
          "expected a mapping with keys version, default, rules; got " + describe(document));
      return null;
    }
    Map<String, Field> fields = fields(top, TOP_LEVEL_KEYS, "at the top level");
    Field version = fields.get("version");
    if (version != null) {
      BigDecimal number = number(version.value(), "version");
      if (number != null && number.compareTo(BigDecimal.ONE) != 0) {
        problems.at(
            version.value(),
            "unsupported version " + scalarText(version.value()) + " (this Tailkeep reads version 1)");
      }
    }
    boolean keepByDefault = false;
    Field defaultField = fields.get("default");
    if (defaultField != null) {
      keepByDefault = "keep".equals(word(defaultField.value(), "default", List.of("keep", "drop")));
    }
    Field rulesField = fields.get("rules");
    if (rulesField == null) {
      problems.at(top, "missing key 'rules' (the list of rules; write 'rules: []' for none)");
      return null;
    }
    SequenceNode ruleNodes = sequence(rulesField.value(), "rules", "a list of rules");
    if (ruleNodes == null) {
      return null;
    }
    List<Rule> rules = new ArrayList<>();
    Map<String, ScalarNode> namesSeen = new HashMap<>();
    Rule matchesEverything = null;
    int number = 0;
    for (Node ruleNode : ruleNodes.getValue()) {
      number++;
      Rule rule = rule(ruleNode, number, namesSeen);
      if (rule == null) {
        continue;
      }
      if (matchesEverything != null) {
        problems.at(
            ruleNode,
            "rule '" + rule.name() + "' can never match: rule '" + matchesEverything.name()
                + "' before it has no conditions and decides every trace");
      } else if (rule.conditions().isEmpty()) {
        matchesEverything = rule;
      }
      rules.add(rule);
    }
    return new RuleSet(fileName, rules, keepByDefault);
  }

  /** One rule, or null when it has a problem (which is then reported). */
  private Rule rule(Node node, int number, Map<String, ScalarNode> namesSeen) {
    if (!(node instanceof MappingNode mapping)) {
      problems.at(
          node,
          "rule #" + number + " must be a mapping with name, conditions and keep or drop; got "
              + describe(node));
      return null;
    }
    int problemsBefore = problems.count();
    String peekedName = peekName(mapping);
    String label = peekedName != null ? "rule '" + peekedName + "'" : "rule #" + number;
    Map<String, Field> fields = fields(mapping, RULE_KEYS, "in " + label);

    String name = null;
    Field nameField = fields.get("name");
    if (nameField == null) {
      problems.at(mapping, label + " has no 'name'; every rule needs a unique name");
    } else {
      name = text(nameField.value(), "name");
      if (name != null && name.isBlank()) {
        problems.at(nameField.value(), "rule name must not be blank");
        name = null;
      } else if (Decision.DEFAULT_RULE.equals(name) || Decision.RULES_FAILED.equals(name)) {
        problems.at(nameField.value(), "rule name '" + name + "' is reserved: decisions carry it when "
            + (Decision.DEFAULT_RULE.equals(name) ? "no rule matched" : "a rule failed on the trace"));
        name = null;
      } else if (name != null && namesSeen.containsKey(name)) {
        problems.at(
            nameField.value(),
            "duplicate rule name '" + name + "' (first used at line " + line(namesSeen.get(name))
                + ")");
      } else if (name != null) {
        namesSeen.put(name, (ScalarNode) nameField.value());
      }
    }
    Field descriptionField = fields.get("description");
    String description = descriptionField == null ? "" : text(descriptionField.value(), "description");

    boolean matchAny = false;
    Field matchField = fields.get("match");
    if (matchField != null) {
      matchAny = "any".equals(word(matchField.value(), "match", List.of("all", "any")));
    }

    List<Condition> conditions = new ArrayList<>();
    Field conditionsField = fields.get("conditions");
    if (conditionsField != null) {
      SequenceNode list =
          sequence(conditionsField.value(), "conditions", "a list of conditions ([] for none)");
      if (list != null) {
        for (Node conditionNode : list.getValue()) {
          Condition condition = condition(conditionNode);
          if (condition != null) {
            conditions.add(condition);
          }
        }
      }
    }

    Field keep = fields.get("keep");
    Field drop = fields.get("drop");
    Action action = null;
    if (keep != null && drop != null) {
      Field second = line(keep.key()) < line(drop.key()) ? drop : keep;
      problems.at(second.key(), label + " has both keep and drop; give exactly one action");
    } else if (keep != null) {
      action = keep(keep.value());
    } else if (drop != null) {
      action = drop(drop.value());
    } else {
      problems.at(mapping, label + " has no action; add 'keep: {}' or 'drop: {}'");
    }
    if (problems.count() > problemsBefore || name == null || action == null) {
      return null;
    }
    return new Rule(name, description, matchAny, conditions, action);
  }

  private static String peekName(MappingNode mapping) {
    for (NodeTuple tuple : mapping.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode key
          && key.getValue().equals("name")
          && tuple.getValueNode() instanceof ScalarNode value
          && !isNull(value)) {
        return value.getValue();
      }
    }
    return null;
  }

  private Action keep(Node node) {
    if (isNull(node)) {
      return new Action.Keep(Action.Keep.ALL, null);
    }
    if (!(node instanceof MappingNode mapping)) {
      problems.at(
          node,
          "'keep' must be a mapping like {} or {percent: 10}, got " + describe(node));
      return null;
    }
    Map<String, Field> fields = fields(mapping, KEEP_KEYS, "in keep");
    double percent = Action.Keep.ALL;
    Field percentField = fields.get("percent");
    if (percentField != null) {
      BigDecimal value = number(percentField.value(), "percent");
      if (value == null) {
        return null;
      }
      if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(100)) > 0) {
        problems.at(
            percentField.value(),
            "'percent' must be between 0 and 100, got " + scalarText(percentField.value()));
        return null;
      }
      percent = value.doubleValue();
    }
    TokenBucket rateLimit = null;
    Field rateField = fields.get("max_traces_per_second");
    if (rateField != null) {
      BigDecimal value = number(rateField.value(), "max_traces_per_second");
      if (value == null) {
        return null;
      }
      if (value.signum() <= 0) {
        problems.at(
            rateField.value(),
            "'max_traces_per_second' must be greater than 0, got " + scalarText(rateField.value()));
        return null;
      }
      rateLimit = new TokenBucket(value.doubleValue(), ticker);
    }
    return new Action.Keep(percent, rateLimit);
  }

  private Action drop(Node node) {
    if (isNull(node)) {
      return new Action.Drop();
    }
    if (!(node instanceof MappingNode mapping)) {
      problems.at(node, "'drop' must be {} or empty, got " + describe(node));
      return null;
    }
    fields(
        mapping,
        List.of(),
        key -> "unknown key '" + key + "' in drop (drop takes no settings; write 'drop: {}')");
    return new Action.Drop();
  }

  // ---- conditions ----

  private Condition condition(Node node) {
    if (!(node instanceof MappingNode mapping)) {
      problems.at(
          node, "a condition must be a mapping such as 'error: true', got " + describe(node));
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
        tuples.forEach(t -> keys.add(keyText(t.getKeyNode())));
        problems.at(
            tuples.get(1).getKeyNode(),
            "a condition has one key, this one has " + tuples.size() + " (" + String.join(", ", keys)
                + "); start each condition with its own '- '");
      }
      return null;
    }
    Node keyNode = tuples.get(0).getKeyNode();
    Node value = tuples.get(0).getValueNode();
    String type = keyText(keyNode);
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
                + String.join(", ", CONDITION_TYPES) + didYouMean(type, CONDITION_TYPES) + ")");
        yield null;
      }
    };
  }

  private Condition errorCondition(Node value) {
    Boolean expected = bool(value, "error");
    return expected == null ? null : new ErrorCondition(expected);
  }

  private Condition notCondition(Node value) {
    Condition negated = condition(value);
    return negated == null ? null : new NotCondition(negated);
  }

  private Condition durationCondition(Node value) {
    MappingNode mapping = conditionMapping(value, "duration", "{of: root, gte: 500ms}");
    if (mapping == null) {
      return null;
    }
    Map<String, Field> fields = conditionFields(mapping, "duration", DURATION_OPERATORS, SCOPE_SETTING);
    Scope scope = scope(fields);
    Field operator = singleOperator(mapping, fields, "duration", DURATION_OPERATORS);
    if (operator == null) {
      return null;
    }
    Long nanos = duration(operator.value());
    if (scope == null || nanos == null) {
      return null;
    }
    return new DurationCondition(scope, Comparison.fromYamlName(operator.name()), nanos);
  }

  private Condition spanCountCondition(Node value) {
    MappingNode mapping = conditionMapping(value, "span_count", "{gte: 100}");
    if (mapping == null) {
      return null;
    }
    Map<String, Field> fields = conditionFields(mapping, "span_count", COUNT_OPERATORS, List.of());
    Field operator = singleOperator(mapping, fields, "span_count", COUNT_OPERATORS);
    if (operator == null) {
      return null;
    }
    BigDecimal count = number(operator.value(), "span_count");
    if (count == null) {
      return null;
    }
    if (count.signum() < 0 || count.stripTrailingZeros().scale() > 0) {
      problems.at(
          operator.value(),
          "'span_count' must be a whole number >= 0, got " + scalarText(operator.value()));
      return null;
    }
    return new SpanCountCondition(Comparison.fromYamlName(operator.name()), count.longValue());
  }

  private Condition spanKindCondition(Node value) {
    if (value instanceof ScalarNode && !isNull(value)) {
      SpanKindName kind = spanKind(value);
      return kind == null ? null : new SpanKindCondition(Scope.ANY, kind.bit());
    }
    MappingNode mapping = conditionMapping(value, "span_kind", "server or {of: root, in: [server, consumer]}");
    if (mapping == null) {
      return null;
    }
    Map<String, Field> fields = conditionFields(mapping, "span_kind", KIND_OPERATORS, SCOPE_SETTING);
    Scope scope = scope(fields);
    Field operator = singleOperator(mapping, fields, "span_kind", KIND_OPERATORS);
    if (operator == null) {
      return null;
    }
    int bits = 0;
    switch (operator.name()) {
      case "equals", "not_equals" -> {
        SpanKindName kind = spanKind(operator.value());
        if (kind == null) {
          return null;
        }
        int all = (1 << SpanKindName.values().length) - 1;
        bits = operator.name().equals("equals") ? kind.bit() : all & ~kind.bit();
      }
      default -> {
        List<Node> items = nonEmptyList(operator.value(), "in");
        if (items == null) {
          return null;
        }
        for (Node item : items) {
          SpanKindName kind = spanKind(item);
          if (kind == null) {
            return null;
          }
          bits |= kind.bit();
        }
      }
    }
    return scope == null ? null : new SpanKindCondition(scope, bits);
  }

  private Condition textCondition(TextField field, Node value) {
    String type = field.yamlName;
    if (value instanceof ScalarNode && !isNull(value)) {
      String expected = ((ScalarNode) value).getValue();
      return new TextCondition(field, Scope.ANY, onCappedText(expected::equals));
    }
    MappingNode mapping = conditionMapping(value, type, "{contains: upload} or {of: root, in: [a, b]}");
    if (mapping == null) {
      return null;
    }
    Map<String, Field> fields = conditionFields(mapping, type, TEXT_OPERATORS, SCOPE_SETTING);
    Scope scope = scope(fields);
    Field operator = singleOperator(mapping, fields, type, TEXT_OPERATORS);
    if (operator == null) {
      return null;
    }
    Predicate<String> test = textTest(operator, type);
    return scope == null || test == null ? null : new TextCondition(field, scope, test);
  }

  /**
   * Rules see at most {@value #MAX_RULE_TEXT_CHARS} characters of any text: the text comes from
   * senders, and a rule's cost must not grow with whatever they send.
   */
  private static Predicate<String> onCappedText(Predicate<String> test) {
    return text ->
        test.test(text.length() <= MAX_RULE_TEXT_CHARS ? text : text.substring(0, MAX_RULE_TEXT_CHARS));
  }

  private Predicate<String> textTest(Field operator, String conditionType) {
    Predicate<String> test = uncappedTextTest(operator, conditionType);
    return test == null ? null : onCappedText(test);
  }

  private Predicate<String> uncappedTextTest(Field operator, String conditionType) {
    Node value = operator.value();
    switch (operator.name()) {
      case "in" -> {
        List<Node> items = nonEmptyList(value, "in");
        if (items == null) {
          return null;
        }
        Set<String> accepted = new LinkedHashSet<>();
        for (Node item : items) {
          String text = text(item, "an 'in' list item");
          if (text == null) {
            return null;
          }
          accepted.add(text);
        }
        return accepted::contains;
      }
      case "regex" -> {
        Pattern pattern = regex(value, conditionType);
        return pattern == null ? null : text -> pattern.matcher(text).find();
      }
      default -> {
        String expected = text(value, operator.name());
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

  private Condition attributeCondition(Node value) {
    MappingNode mapping =
        conditionMapping(value, "attribute", "{key: http.route, equals: /checkout}");
    if (mapping == null) {
      return null;
    }
    Map<String, Field> fields =
        conditionFields(mapping, "attribute", ATTRIBUTE_OPERATORS, ATTRIBUTE_SETTINGS);
    Field key = fields.get("key");
    Field keyPrefix = fields.get("key_prefix");
    AttributeSelector selector = null;
    if (key != null && keyPrefix != null) {
      Field second = line(key.key()) <= line(keyPrefix.key()) ? keyPrefix : key;
      problems.at(second.key(), "attribute condition has both key and key_prefix; give one");
    } else if (key == null && keyPrefix == null) {
      problems.at(mapping, "attribute condition needs 'key' (or 'key_prefix')");
    } else {
      Field given = key != null ? key : keyPrefix;
      String text = text(given.value(), given.name());
      if (text != null && text.isEmpty()) {
        problems.at(given.value(), "'" + given.name() + "' must not be empty");
      } else if (text != null) {
        selector = key != null ? AttributeSelector.key(text) : AttributeSelector.keyPrefix(text);
      }
    }
    Scope scope = scope(fields);
    Field operator = singleOperator(mapping, fields, "attribute", ATTRIBUTE_OPERATORS);
    if (operator == null) {
      return null;
    }
    if (operator.name().equals("exists")) {
      Boolean expected = bool(operator.value(), "exists");
      return selector == null || scope == null || expected == null
          ? null
          : new AttributePresenceCondition(selector, scope, expected);
    }
    Predicate<Object> test = attributeTest(operator);
    return selector == null || scope == null || test == null
        ? null
        : new AttributeCondition(selector, scope, test);
  }

  private Predicate<Object> attributeTest(Field operator) {
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
        List<Node> items = nonEmptyList(value, "in");
        if (items == null) {
          return null;
        }
        List<ExpectedValue> accepted = new ArrayList<>();
        for (Node item : items) {
          ExpectedValue expected = expectedValue(item, "an 'in' list item");
          if (expected == null) {
            return null;
          }
          accepted.add(expected);
        }
        return actual -> accepted.stream().anyMatch(expected -> expected.matches(actual));
      }
      case "gt", "gte", "lt", "lte" -> {
        BigDecimal threshold = number(value, operator.name());
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

  // ---- condition mappings and their operators ----

  private MappingNode conditionMapping(Node value, String type, String example) {
    if (value instanceof MappingNode mapping) {
      return mapping;
    }
    problems.at(
        value,
        type + " condition expects a mapping like " + example + ", got " + describe(value));
    return null;
  }

  private Map<String, Field> conditionFields(
      MappingNode mapping, String type, List<String> operators, List<String> settings) {
    List<String> allowed = new ArrayList<>(operators);
    allowed.addAll(settings);
    String expected =
        "expected one of: " + String.join(", ", operators)
            + (settings.isEmpty() ? "" : "; or the setting" + (settings.size() > 1 ? "s " : " ")
                + String.join(", ", settings));
    return fields(
        mapping,
        allowed,
        key -> "unknown operator '" + key + "' in " + type + " condition (" + expected
            + didYouMean(key, allowed) + ")");
  }

  /** The one comparison or match operator a condition must have. */
  private Field singleOperator(
      MappingNode mapping, Map<String, Field> fields, String type, List<String> operators) {
    List<Field> given = fields.values().stream().filter(f -> operators.contains(f.name())).toList();
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
              + String.join(", ", given.stream().map(Field::name).toList())
              + "); write one condition per operator");
      return null;
    }
    return given.get(0);
  }

  /** The {@code of} setting; {@code any} when absent, null after a reported problem. */
  private Scope scope(Map<String, Field> fields) {
    Field of = fields.get("of");
    if (of == null) {
      return Scope.ANY;
    }
    String word = word(of.value(), "of", SCOPES);
    return word == null ? null : word.equals("root") ? Scope.ROOT : Scope.ANY;
  }

  private SpanKindName spanKind(Node node) {
    String text = text(node, "span kind");
    if (text == null) {
      return null;
    }
    SpanKindName kind = SpanKindName.fromYamlName(text);
    if (kind == null) {
      problems.at(
          node,
          "unknown span kind '" + text + "' (expected one of: " + String.join(", ", SPAN_KINDS)
              + didYouMean(text, SPAN_KINDS) + ")");
    }
    return kind;
  }

  private Long duration(Node node) {
    if (!(node instanceof ScalarNode scalar) || isNull(node)) {
      problems.at(node, "a duration must be a number and a unit such as 500ms, got " + describe(node));
      return null;
    }
    try {
      return DurationSyntax.TAILKEEP.parse(scalar.getValue()).toNanos();
    } catch (IllegalArgumentException notADuration) {
      String unitHint =
          scalar.getTag().equals(Tag.INT) || scalar.getTag().equals(Tag.FLOAT)
              ? "a duration needs a unit"
              : "expected a number and a unit";
      problems.at(
          node,
          "bad duration '" + scalar.getValue() + "' (" + unitHint + ": "
              + DurationSyntax.TAILKEEP.unitNames() + "; e.g. 500ms, 1.5s, 2m)");
      return null;
    }
  }

  private Pattern regex(Node node, String conditionType) {
    String text = text(node, "regex");
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
    if (!(node instanceof ScalarNode scalar) || isNull(node)) {
      problems.at(node, "'" + what + "' must be a single value, got " + describe(node));
      return null;
    }
    String text = scalar.getValue();
    Tag tag = scalar.getTag();
    Double number = null;
    Boolean bool = null;
    if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
      BigDecimal parsed = parseNumber(scalar);
      number = parsed == null ? null : parsed.doubleValue();
    } else if (tag.equals(Tag.BOOL) && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
      // yes/no/on/off resolve to booleans in YAML 1.1, but as attribute values they are words.
      bool = Boolean.parseBoolean(text);
      text = text.toLowerCase(Locale.ROOT);
    }
    return new ExpectedValue(text, number, bool);
  }

  private List<Node> nonEmptyList(Node node, String what) {
    if (!(node instanceof SequenceNode sequence)) {
      problems.at(node, "'" + what + "' must be a list like [a, b], got " + describe(node));
      return null;
    }
    if (sequence.getValue().isEmpty()) {
      problems.at(node, "'" + what + "' list is empty");
      return null;
    }
    return sequence.getValue();
  }

  // ---- mappings and scalars ----

  private Map<String, Field> fields(MappingNode mapping, List<String> allowed, String where) {
    return fields(
        mapping,
        allowed,
        key -> "unknown key '" + key + "' " + where + " (expected one of: "
            + String.join(", ", allowed) + didYouMean(key, allowed) + ")");
  }

  /** A mapping's keys and values, reporting keys that are unknown, repeated or not plain names. */
  private Map<String, Field> fields(
      MappingNode mapping, List<String> allowed, Function<String, String> unknownKeyMessage) {
    Map<String, Field> fields = new LinkedHashMap<>();
    Map<String, ScalarNode> seen = new HashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode key) || isNull(key)) {
        problems.at(tuple.getKeyNode(), "a key must be a plain name, got " + describe(tuple.getKeyNode()));
        continue;
      }
      String name = key.getValue();
      ScalarNode earlier = seen.putIfAbsent(name, key);
      if (earlier != null) {
        problems.at(key, "duplicate key '" + name + "' (first at line " + line(earlier) + ")");
        continue;
      }
      if (!allowed.contains(name)) {
        problems.at(key, unknownKeyMessage.apply(name));
        continue;
      }
      fields.put(name, new Field(key, tuple.getValueNode()));
    }
    return fields;
  }

  private SequenceNode sequence(Node node, String what, String expected) {
    if (node instanceof SequenceNode sequence) {
      return sequence;
    }
    problems.at(node, "'" + what + "' must be " + expected + ", got " + describe(node));
    return null;
  }

  /** Any non-empty scalar as text: names such as a service called 42 are text too. */
  private String text(Node node, String what) {
    if (node instanceof ScalarNode scalar && !isNull(node)) {
      return scalar.getValue();
    }
    problems.at(node, "'" + what + "' must be text, got " + describe(node));
    return null;
  }

  /** A scalar that must be one of a few words. */
  private String word(Node node, String what, List<String> words) {
    String text = text(node, what);
    if (text == null) {
      return null;
    }
    if (!words.contains(text)) {
      problems.at(
          node,
          "'" + what + "' must be " + orList(words) + ", got '" + text + "'" + didYouMean(text, words, "; "));
      return null;
    }
    return text;
  }

  private BigDecimal number(Node node, String what) {
    if (node instanceof ScalarNode scalar
        && (scalar.getTag().equals(Tag.INT) || scalar.getTag().equals(Tag.FLOAT))) {
      BigDecimal parsed = parseNumber(scalar);
      if (parsed != null) {
        return parsed;
      }
      problems.at(node, "'" + what + "' must be a finite number, got " + scalar.getValue());
      return null;
    }
    problems.at(node, "'" + what + "' must be a number, got " + describe(node));
    return null;
  }

  private static BigDecimal parseNumber(ScalarNode scalar) {
    String text = scalar.getValue().replace("_", "");
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException notDecimal) {
      try {
        return BigDecimal.valueOf(Long.decode(text)); // YAML 1.1 also allows 0x1F and 017
      } catch (NumberFormatException notInteger) {
        return null; // .inf, .nan, 1:30 (sexagesimal)
      }
    }
  }

  private Boolean bool(Node node, String what) {
    if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL)) {
      String text = scalar.getValue().toLowerCase(Locale.ROOT);
      return text.equals("true") || text.equals("yes") || text.equals("on");
    }
    problems.at(node, "'" + what + "' must be true or false, got " + describe(node));
    return null;
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL);
  }

  private static String keyText(Node key) {
    return key instanceof ScalarNode scalar ? scalar.getValue() : describe(key);
  }

  private static String scalarText(Node node) {
    return node instanceof ScalarNode scalar ? scalar.getValue() : describe(node);
  }

  /** How a value reads in an error message: its kind, and the value itself when short. */
  private static String describe(Node node) {
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
    if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
      return "number " + scalar.getValue();
    }
    if (tag.equals(Tag.BOOL)) {
      return "boolean " + scalar.getValue();
    }
    return "text '" + scalar.getValue() + "'";
  }

  private static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  private static String orList(List<String> words) {
    return words.size() == 2
        ? words.get(0) + " or " + words.get(1)
        : "one of " + String.join(", ", words);
  }

  private static String didYouMean(String given, List<String> candidates) {
    return didYouMean(given, candidates, "; ");
  }

  /** A suggestion for a likely typo: a close spelling, or a word the given one extends. */
  private static String didYouMean(String given, List<String> candidates, String separator) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = Spelling.editDistance(given, candidate);
      boolean extends_ =
          Math.min(given.length(), candidate.length()) >= 3
              && (given.startsWith(candidate) || candidate.startsWith(given));
      boolean close = distance <= Math.min(2, candidate.length() / 2);
      if ((close || extends_) && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best == null ? "" : separator + "did you mean '" + best + "'?";
  }
}
