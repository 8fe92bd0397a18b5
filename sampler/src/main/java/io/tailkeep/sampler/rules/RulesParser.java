package io.tailkeep.sampler.rules;

import com.github.benmanes.caffeine.cache.Ticker;
import io.tailkeep.yaml.FlowText;
import io.tailkeep.yaml.MappingKeys;
import io.tailkeep.yaml.MappingKeys.Entry;
import io.tailkeep.yaml.Position;
import io.tailkeep.yaml.Scalars;
import io.tailkeep.yaml.YamlSyntaxException;
import io.tailkeep.yaml.YamlTree;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a rules file's top level and its rules from SnakeYAML's node tree rather than from
 * constructed Java maps, because only the nodes carry the line and column every error message
 * names; conditions are {@link ConditionParser}'s. It goes on after a problem so that one run
 * reports every mistake it can find; any problem refuses the whole file.
 */
final class RulesParser {

  private static final List<String> TOP_LEVEL_KEYS = List.of("version", "default", "rules");
  private static final List<String> RULE_KEYS =
      List.of("name", "description", "match", "conditions", "keep", "drop");
  private static final List<String> KEEP_KEYS =
      List.of("percent", "max_traces_per_second", "per_second", "max_per_second", "by", "interval", "max_keys");
  /** How often a per-key rule recomputes each key's rate, unless the rule says. */
  static final Duration DEFAULT_KEY_INTERVAL = Duration.ofSeconds(30);
  /** How many keys a per-key rule tracks, unless the rule says; the rest share one budget. */
  static final int DEFAULT_MAX_KEYS = 10_000;

  private final String fileName;
  private final Ticker ticker;
  private final Problems problems;
  private final RuleNodes nodes;
  private final ConditionParser conditions;
  private final OperatorParser operators;
  private final TrafficShare share = new TrafficShare();

  RulesParser(String fileName, Ticker ticker) {
    this.fileName = fileName;
    this.ticker = ticker;
    this.problems = new Problems(fileName);
    this.nodes = new RuleNodes(problems);
    this.conditions = new ConditionParser(nodes);
    this.operators = new OperatorParser(nodes);
  }

  RuleSet parse(String yaml) throws RulesFileException {
    Node document = compose(yaml);
    RuleSet ruleSet = document == null ? null : ruleSet(document, RulesFile.sha256(yaml));
    problems.throwIfAny();
    return ruleSet;
  }

  private Node compose(String yaml) {
    try {
      Node document = YamlTree.compose(yaml);
      if (document == null) {
        problems.at((Position) null, "the file is empty; expected a mapping with 'rules'");
      }
      return document;
    } catch (YamlSyntaxException e) {
      problems.at(e.position().orElse(null), "not valid YAML: " + e.problemInContext());
      return null;
    }
  }

  private RuleSet ruleSet(Node document, String sha256) {
    MappingNode top =
        nodes.mapping(document, "expected a mapping with keys version, default, rules; got ");
    if (top == null) {
      return null;
    }
    Map<String, Entry> fields = nodes.fields(top, TOP_LEVEL_KEYS, "at the top level");
    Entry version = fields.get("version");
    if (version != null) {
      BigDecimal number = nodes.number(version.value(), "version");
      if (number != null && number.compareTo(BigDecimal.ONE) != 0) {
        problems.at(
            version.value(),
            "unsupported version " + RuleNodes.shown(version.value())
                + " (this Tailkeep reads version 1)");
      }
    }
    boolean keepByDefault = false;
    Entry defaultField = fields.get("default");
    if (defaultField != null) {
      keepByDefault =
          "keep".equals(nodes.word(defaultField.value(), "default", List.of("keep", "drop")));
    }
    Entry rulesField = fields.get("rules");
    if (rulesField == null) {
      problems.at(top, "missing key 'rules' (the list of rules; write 'rules: []' for none)");
      return null;
    }
    SequenceNode ruleNodes = nodes.sequence(rulesField.value(), "rules", "a list of rules");
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
    return new RuleSet(fileName, sha256, rules, keepByDefault, share);
  }

  /** One rule, or null when it has a problem (which is then reported). */
  private Rule rule(Node node, int number, Map<String, ScalarNode> namesSeen) {
    MappingNode mapping =
        nodes.mapping(
            node, "rule #" + number + " must be a mapping with name, conditions and keep or drop; got ");
    if (mapping == null) {
      return null;
    }
    int problemsBefore = problems.count();
    String peekedName = peekName(mapping);
    String label = peekedName != null ? "rule '" + peekedName + "'" : "rule #" + number;
    Map<String, Entry> fields = nodes.fields(mapping, RULE_KEYS, "in " + label);

    String name = name(mapping, fields.get("name"), label, namesSeen);
    Entry descriptionField = fields.get("description");
    String description =
        descriptionField == null ? "" : nodes.text(descriptionField.value(), "description");

    boolean matchAny = false;
    Entry matchField = fields.get("match");
    if (matchField != null) {
      matchAny = "any".equals(nodes.word(matchField.value(), "match", List.of("all", "any")));
    }

    List<Condition> ruleConditions = new ArrayList<>();
    List<String> conditionTexts = new ArrayList<>();
    Entry conditionsField = fields.get("conditions");
    if (conditionsField != null) {
      SequenceNode list =
          nodes.sequence(conditionsField.value(), "conditions", "a list of conditions ([] for none)");
      if (list != null) {
        for (Node conditionNode : list.getValue()) {
          Condition condition = conditions.condition(conditionNode);
          if (condition != null) {
            ruleConditions.add(condition);
            conditionTexts.add(FlowText.item(conditionNode));
          }
        }
      }
    }

    Entry keep = fields.get("keep");
    Entry drop = fields.get("drop");
    Action action = action(mapping, keep, drop, label);
    if (problems.count() > problemsBefore || name == null || action == null) {
      return null;
    }
    Entry actionField = keep != null ? keep : drop;
    String actionText = (keep != null ? "keep: " : "drop: ")
        + (Scalars.isNull(actionField.value()) ? "{}" : FlowText.write(actionField.value()));
    RuleSet.RuleText text =
        new RuleSet.RuleText(name, description, matchAny ? "any" : "all", conditionTexts, actionText);
    return new Rule(name, description, matchAny, ruleConditions, action, text);
  }

  /** The rule's name, or null when it is missing, blank, reserved or taken (then reported). */
  private String name(
      MappingNode mapping, Entry nameField, String label, Map<String, ScalarNode> namesSeen) {
    if (nameField == null) {
      problems.at(mapping, label + " has no 'name'; every rule needs a unique name");
      return null;
    }
    String name = nodes.text(nameField.value(), "name");
    if (name == null) {
      return null;
    }
    if (name.isBlank()) {
      problems.at(nameField.value(), "rule name must not be blank");
      return null;
    }
    if (Decision.DEFAULT_RULE.equals(name) || Decision.RULES_FAILED.equals(name)) {
      problems.at(nameField.value(), "rule name '" + name + "' is reserved: decisions carry it when "
          + (Decision.DEFAULT_RULE.equals(name) ? "no rule matched" : "a rule failed on the trace"));
      return null;
    }
    if (namesSeen.containsKey(name)) {
      problems.at(
          nameField.value(),
          "duplicate rule name '" + name + "' (first used at line "
              + RuleNodes.line(namesSeen.get(name)) + ")");
      return name;
    }
    namesSeen.put(name, (ScalarNode) nameField.value());
    return name;
  }

  /** A rule's name for its messages, read before its keys are checked. */
  private static String peekName(MappingNode mapping) {
    Node value = MappingKeys.value(mapping, "name");
    return value instanceof ScalarNode scalar && !Scalars.isNull(value) ? scalar.getValue() : null;
  }

  private Action action(MappingNode mapping, Entry keep, Entry drop, String label) {
    if (keep != null && drop != null) {
      Entry second = RuleNodes.line(keep.key()) < RuleNodes.line(drop.key()) ? drop : keep;
      problems.at(second.key(), label + " has both keep and drop; give exactly one action");
      return null;
    }
    if (keep != null) {
      return keep(keep.value());
    }
    if (drop != null) {
      return drop(drop.value());
    }
    problems.at(mapping, label + " has no action; add 'keep: {}' or 'drop: {}'");
    return null;
  }

  private Action keep(Node node) {
    if (Scalars.isNull(node)) {
      return new Action.Keep(Action.Keep.ALL, null);
    }
    MappingNode mapping = nodes.mapping(node, "'keep' must be a mapping like {} or {percent: 10}, got ");
    if (mapping == null) {
      return null;
    }
    Map<String, Entry> fields = nodes.fields(mapping, KEEP_KEYS, "in keep");
    double percent = Action.Keep.ALL;
    Entry percentField = fields.get("percent");
    if (percentField != null) {
      BigDecimal value = nodes.number(percentField.value(), "percent");
      if (value == null) {
        return null;
      }
      if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(100)) > 0) {
        problems.at(
            percentField.value(),
            "'percent' must be between 0 and 100, got " + RuleNodes.shown(percentField.value()));
        return null;
      }
      percent = value.doubleValue();
    }
    TokenBucket rateLimit = null;
    Entry rateField = fields.get("max_traces_per_second");
    if (rateField != null) {
      BigDecimal value = nodes.number(rateField.value(), "max_traces_per_second");
      if (value == null) {
        return null;
      }
      if (value.signum() <= 0) {
        problems.at(
            rateField.value(),
            "'max_traces_per_second' must be greater than 0, got "
                + RuleNodes.shown(rateField.value()));
        return null;
      }
      rateLimit = new TokenBucket(value.doubleValue(), ticker);
    }
    Action.PerKey perKey = perKey(mapping, fields, percentField != null);
    if (perKey == INVALID) {
      return null;
    }
    return new Action.Keep(percent, rateLimit, perKey);
  }

  private static final Action.PerKey INVALID = new Action.PerKey(List.of(), null);

  /**
   * A target per key ({@code per_second}) or a cap per key on a percentage ({@code
   * max_per_second}), with the {@code by} keys; null when the rule has neither, {@link #INVALID}
   * when what it has is wrong (then reported).
   */
  private Action.PerKey perKey(MappingNode keep, Map<String, Entry> fields, boolean hasPercent) {
    Entry target = fields.get("per_second");
    Entry cap = fields.get("max_per_second");
    Entry by = fields.get("by");
    if (target != null && cap != null) {
      problems.at(cap.key(), "give per_second (a target per key) or max_per_second (a cap per key"
          + " on a percentage), not both");
      return INVALID;
    }
    if (target != null && hasPercent) {
      problems.at(target.key(), "per_second keeps about that many traces a second per key by itself;"
          + " to cap a percentage per key, write max_per_second with percent");
      return INVALID;
    }
    Entry rate = target != null ? target : cap;
    if (rate == null) {
      for (String key : List.of("by", "interval", "max_keys")) {
        if (fields.containsKey(key)) {
          problems.at(fields.get(key).key(), "'" + key + "' goes with per_second or max_per_second");
          return INVALID;
        }
      }
      return null;
    }
    String rateName = rate.name();
    BigDecimal perSecond = nodes.number(rate.value(), rateName);
    if (perSecond == null) {
      return INVALID;
    }
    if (perSecond.signum() <= 0) {
      problems.at(rate.value(), "'" + rateName + "' must be greater than 0, got " + RuleNodes.shown(rate.value()));
      return INVALID;
    }
    if (by == null) {
      problems.at(keep, "'" + rateName + "' needs 'by': the attributes whose values make the key,"
          + " e.g. by: [service.name, http.route]");
      return INVALID;
    }
    List<Node> keyNodes = nodes.nonEmptyList(by.value(), "by");
    if (keyNodes == null) {
      return INVALID;
    }
    List<AttributeSelector> keys = new ArrayList<>();
    for (Node keyNode : keyNodes) {
      String key = nodes.text(keyNode, "by");
      if (key == null) {
        return INVALID;
      }
      keys.add(AttributeSelector.key(key));
    }
    Duration interval = DEFAULT_KEY_INTERVAL;
    Entry intervalField = fields.get("interval");
    if (intervalField != null) {
      Long nanos = operators.duration(intervalField.value());
      if (nanos == null) {
        return INVALID;
      }
      interval = Duration.ofNanos(nanos);
      if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
        problems.at(intervalField.value(), "'interval' must be from 1s to 1h, got " + RuleNodes.shown(intervalField.value()));
        return INVALID;
      }
    }
    int maxKeys = DEFAULT_MAX_KEYS;
    Entry maxKeysField = fields.get("max_keys");
    if (maxKeysField != null) {
      BigDecimal value = nodes.number(maxKeysField.value(), "max_keys");
      if (value == null) {
        return INVALID;
      }
      if (value.stripTrailingZeros().scale() > 0 || value.compareTo(BigDecimal.ONE) < 0
          || value.compareTo(BigDecimal.valueOf(1_000_000)) > 0) {
        problems.at(maxKeysField.value(), "'max_keys' must be a whole number from 1 to 1000000, got "
            + RuleNodes.shown(maxKeysField.value()));
        return INVALID;
      }
      maxKeys = value.intValue();
    }
    return new Action.PerKey(keys, new KeyedThroughput(perSecond.doubleValue(), interval, maxKeys, ticker, share));
  }

  private Action drop(Node node) {
    if (Scalars.isNull(node)) {
      return new Action.Drop();
    }
    MappingNode mapping = nodes.mapping(node, "'drop' must be {} or empty, got ");
    if (mapping == null) {
      return null;
    }
    nodes.fields(
        mapping,
        List.of(),
        key -> "unknown key '" + key + "' in drop (drop takes no settings; write 'drop: {}')");
    return new Action.Drop();
  }
}
