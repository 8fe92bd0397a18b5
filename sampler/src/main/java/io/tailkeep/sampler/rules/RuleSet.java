package io.tailkeep.sampler.rules;

import io.tailkeep.store.TraceId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parsed, valid rules file: ordered rules, the first whose conditions hold decides, and a default
 * for traces no rule matches. Immutable apart from the rate limits' token buckets, and safe to use
 * from several threads. Made by {@link RulesFile}.
 */
public final class RuleSet {

  private static final Logger LOG = LoggerFactory.getLogger(RuleSet.class);

  private final String source;
  private final String version;
  private final TrafficShare share;
  private final List<Rule> rules;
  private final boolean keepByDefault;
  private final Decision defaultDecision;
  private final TrackedKeys trackedKeys;
  private final Set<String> failedRules = ConcurrentHashMap.newKeySet();

  RuleSet(String source, String version, List<Rule> rules, boolean keepByDefault, TrafficShare share) {
    this.source = Objects.requireNonNull(source, "source");
    this.version = Objects.requireNonNull(version, "version");
    this.share = Objects.requireNonNull(share, "share");
    this.rules = List.copyOf(rules);
    this.keepByDefault = keepByDefault;
    this.defaultDecision =
        keepByDefault ? Decision.kept(Decision.DEFAULT_RULE, 1) : Decision.dropped(Decision.DEFAULT_RULE);
    Set<String> keys = new LinkedHashSet<>();
    Set<String> prefixes = new LinkedHashSet<>();
    List<AttributeSelector> selectors = new ArrayList<>();
    for (Rule rule : this.rules) {
      rule.conditions().forEach(condition -> condition.addAttributeSelectors(selectors));
      if (rule.action() instanceof Action.Keep keep && keep.perKey() != null) {
        selectors.addAll(keep.perKey().by());
      }
    }
    for (AttributeSelector selector : selectors) {
      (selector.isPrefix() ? prefixes : keys).add(selector.text());
    }
    this.trackedKeys = new TrackedKeys(keys, new ArrayList<>(prefixes));
  }

  /**
   * Decides a trace on its summary; the trace ID draws percent samples. Never throws: a trace whose
   * rules fail is kept with rule {@value Decision#RULES_FAILED}, and the failing rule is logged
   * once, since keeping too much is recoverable and losing a trace is not.
   */
  public Decision decide(TraceId traceId, TraceFacts facts) {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(facts, "facts");
    for (Rule rule : rules) {
      try {
        if (rule.matches(facts)) {
          return rule.action().decide(rule.name(), traceId, facts);
        }
      } catch (RuntimeException | StackOverflowError e) {
        if (failedRules.add(rule.name())) {
          LOG.error("Rule '{}' of {} failed on trace {}; traces it fails on are kept as '{}' (logged once per rule)",
              rule.name(), source, traceId, Decision.RULES_FAILED, e);
        }
        return Decision.kept(Decision.RULES_FAILED, 1);
      }
    }
    return defaultDecision;
  }

  /** An empty trace summary that records the attribute values these rules read. */
  public TraceFacts newTraceFacts() {
    return new TraceFacts(trackedKeys);
  }

  /** The attribute keys the rules read, exactly (span and resource attributes alike). */
  public Set<String> referencedKeys() {
    return trackedKeys.keys();
  }

  /** The attribute key prefixes the rules read ({@code key_prefix} conditions). */
  public Set<String> referencedKeyPrefixes() {
    return Set.copyOf(trackedKeys.prefixes());
  }

  /** The rule names in file order, e.g. to register a kept/dropped counter per rule. */
  public List<String> ruleNames() {
    return rules.stream().map(Rule::name).toList();
  }

  /** What happens to a trace no rule matches. */
  public boolean keepsByDefault() {
    return keepByDefault;
  }

  /** The file name the rules came from, as given to the parser. */
  public String source() {
    return source;
  }

  /**
   * Tells per-key targets which share of all traces this sampler sees (1, the default, in the
   * all-in-one; on Kafka the node's share of the partitions), so several samplers together keep
   * each key's target once. Takes effect at each key's next interval.
   */
  public void trafficShare(double fraction) {
    share.set(fraction);
  }

  /**
   * Traces of per-key rules ({@code keep: {per_second, by}}) whose key came past the rule's
   * {@code max_keys} and shared one budget, since these rules were loaded.
   */
  public long keysOverflowed() {
    long sum = 0;
    for (Rule rule : rules) {
      if (rule.action() instanceof Action.Keep keep && keep.perKey() != null) {
        sum += keep.perKey().throughput().overflowed();
      }
    }
    return sum;
  }

  /** The SHA-256 of the rules file's text (lower-case hex): which version of the rules this is. */
  public String version() {
    return version;
  }

  /** Every rule as written, in order: what the API and the UI show of the rules. */
  public List<RuleText> ruleTexts() {
    return rules.stream().map(Rule::text).toList();
  }

  /**
   * Rules that can never decide because a rule before them matches every trace they match, judged
   * on the conditions as written: a later rule that needs all of an earlier rule's conditions (and
   * more) is never reached, nor one that needs any one condition of an earlier {@code match: any}
   * rule. Sound but not complete: conditions that differ in text but not in effect are not seen.
   */
  public List<Unreachable> unreachable() {
    List<Unreachable> found = new ArrayList<>();
    List<RuleText> texts = ruleTexts();
    for (int later = 0; later < texts.size(); later++) {
      for (int earlier = 0; earlier < later; earlier++) {
        if (alwaysMatchesFirst(texts.get(earlier), texts.get(later))) {
          found.add(new Unreachable(texts.get(later).name(), texts.get(earlier).name()));
          break;
        }
      }
    }
    return found;
  }

  /** Whether every trace {@code later} matches is matched by {@code earlier}. */
  private static boolean alwaysMatchesFirst(RuleText earlier, RuleText later) {
    List<String> first = earlier.conditions();
    List<String> then = later.conditions();
    if (first.isEmpty() || then.isEmpty()) {
      return first.isEmpty(); // the parser refuses rules after an unconditional one
    }
    boolean firstAny = first.size() > 1 && earlier.match().equals("any");
    boolean thenAny = then.size() > 1 && later.match().equals("any");
    if (!firstAny && !thenAny) {
      return then.containsAll(first); // later needs all of earlier's conditions, and maybe more
    }
    if (firstAny && !thenAny) {
      return then.stream().anyMatch(first::contains); // later needs one that earlier is happy with
    }
    if (firstAny) {
      return first.containsAll(then); // each of later's alternatives is one of earlier's
    }
    return first.size() == 1 && first.containsAll(then); // earlier needs one thing, later only offers it
  }

  /** A rule that can never decide, and the earlier rule that always matches first. */
  public record Unreachable(String rule, String shadowedBy) {}

  /**
   * A rule as written: each condition and the action in one-line YAML flow style.
   *
   * @param match {@code all} or {@code any}: which of the conditions must hold
   */
  public record RuleText(
      String name, String description, String match, List<String> conditions, String action) {
    public RuleText {
      conditions = List.copyOf(conditions);
    }
  }

  List<Rule> rules() {
    return rules;
  }

  @Override
  public String toString() {
    return "RuleSet{" + source + ", rules=" + ruleNames() + ", default=" + (keepByDefault ? "keep" : "drop") + "}";
  }
}
