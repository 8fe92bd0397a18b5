package io.tailkeep.sampler.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RulesFileTest {

  private static List<String> errorsOf(String yaml) {
    RulesFileException refused =
        catchThrowableOfType(
            RulesFileException.class, () -> RulesFile.parse("rules.yaml", yaml));
    assertThat(refused).as("the file should have been refused:%n%s", yaml).isNotNull();
    return refused.errors();
  }

  /** Every mistake in {@link ErrorCases}, with the exact messages a user sees for it. */
  private static Map<String, List<String>> expectedErrors() {
    Map<String, List<String>> expected = new LinkedHashMap<>();
    expected.put(
        "yaml syntax",
        List.of(
            "rules.yaml:4:1: not valid YAML: while parsing a flow node; expected the node content, but found '<stream end>'"));
    expected.put(
        "tab indentation",
        List.of(
            "rules.yaml:2:1: not valid YAML: while scanning for the next token; found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)"));
    expected.put(
        "two documents",
        List.of(
            "rules.yaml:2:1: not valid YAML: expected a single document in the stream; but found another document"));
    expected.put(
        "empty file",
        List.of(
            "rules.yaml:1:1: the file is empty; expected a mapping with 'rules'"));
    expected.put(
        "only comments",
        List.of(
            "rules.yaml:1:1: the file is empty; expected a mapping with 'rules'"));
    expected.put(
        "top level is a list",
        List.of(
            "rules.yaml:1:1: expected a mapping with keys version, default, rules; got a list"));
    expected.put(
        "unknown top-level key",
        List.of(
            "rules.yaml:1:1: missing key 'rules' (the list of rules; write 'rules: []' for none)",
            "rules.yaml:2:1: unknown key 'rule' at the top level (expected one of: version, default, rules; did you mean 'rules'?)"));
    expected.put(
        "missing rules",
        List.of(
            "rules.yaml:1:1: missing key 'rules' (the list of rules; write 'rules: []' for none)"));
    expected.put(
        "unsupported version",
        List.of(
            "rules.yaml:1:10: unsupported version 2 (this Tailkeep reads version 1)"));
    expected.put(
        "version not a number",
        List.of(
            "rules.yaml:1:10: 'version' must be a number, got text 'one'"));
    expected.put(
        "bad default",
        List.of(
            "rules.yaml:1:10: 'default' must be keep or drop, got 'maybe'"));
    expected.put(
        "rules not a list",
        List.of(
            "rules.yaml:1:8: 'rules' must be a list of rules, got a mapping"));
    expected.put(
        "rules empty value",
        List.of(
            "rules.yaml:1:7: 'rules' must be a list of rules, got nothing"));
    expected.put(
        "rule not a mapping",
        List.of(
            "rules.yaml:2:5: rule #1 must be a mapping with name, conditions and keep or drop; got text 'keep-errors'"));
    expected.put(
        "rule without name",
        List.of(
            "rules.yaml:2:5: rule #1 has no 'name'; every rule needs a unique name"));
    expected.put(
        "blank rule name",
        List.of(
            "rules.yaml:2:11: rule name must not be blank"));
    expected.put(
        "rule name a list",
        List.of(
            "rules.yaml:2:11: 'name' must be text, got a list"));
    expected.put(
        "duplicate rule name",
        List.of(
            "rules.yaml:5:11: duplicate rule name 'a' (first used at line 2)"));
    expected.put(
        "unknown rule key",
        List.of(
            "rules.yaml:3:5: unknown key 'macth' in rule 'a' (expected one of: name, description, match, conditions, keep, drop; did you mean 'match'?)"));
    expected.put(
        "duplicate key",
        List.of(
            "rules.yaml:4:5: duplicate key 'name' (first at line 2)"));
    expected.put(
        "bad match",
        List.of(
            "rules.yaml:3:12: 'match' must be all or any, got 'either'"));
    expected.put(
        "keep and drop",
        List.of(
            "rules.yaml:4:5: rule 'a' has both keep and drop; give exactly one action"));
    expected.put(
        "no action",
        List.of(
            "rules.yaml:2:5: rule 'a' has no action; add 'keep: {}' or 'drop: {}'"));
    expected.put(
        "keep not a mapping",
        List.of(
            "rules.yaml:3:11: 'keep' must be a mapping like {} or {percent: 10}, got boolean yes"));
    expected.put(
        "percent too big",
        List.of(
            "rules.yaml:3:21: 'percent' must be between 0 and 100, got 150"));
    expected.put(
        "percent negative",
        List.of(
            "rules.yaml:3:21: 'percent' must be between 0 and 100, got -1"));
    expected.put(
        "percent not a number",
        List.of(
            "rules.yaml:3:21: 'percent' must be a number, got text 'ten'"));
    expected.put(
        "percent quoted",
        List.of(
            "rules.yaml:3:21: 'percent' must be a number, got text '10'"));
    expected.put(
        "unknown keep key",
        List.of(
            "rules.yaml:3:12: unknown key 'percentage' in keep (expected one of: percent, max_traces_per_second, per_second, max_per_second, by, interval, max_keys; did you mean 'percent'?)"));
    expected.put(
        "rate zero",
        List.of(
            "rules.yaml:3:35: 'max_traces_per_second' must be greater than 0, got 0"));
    expected.put(
        "drop with settings",
        List.of(
            "rules.yaml:3:12: unknown key 'percent' in drop (drop takes no settings; write 'drop: {}')"));
    expected.put(
        "drop not a mapping",
        List.of(
            "rules.yaml:3:11: 'drop' must be {} or empty, got text 'all'"));
    expected.put(
        "conditions not a list",
        List.of(
            "rules.yaml:3:17: 'conditions' must be a list of conditions ([] for none), got a mapping"));
    expected.put(
        "conditions empty value",
        List.of(
            "rules.yaml:3:16: 'conditions' must be a list of conditions ([] for none), got nothing"));
    expected.put(
        "condition not a mapping",
        List.of(
            "rules.yaml:4:9: a condition must be a mapping such as 'error: true', got text 'error'"));
    expected.put(
        "condition with two keys",
        List.of(
            "rules.yaml:4:23: a condition has one key, this one has 2 (error, service); start each condition with its own '- '"));
    expected.put(
        "empty condition",
        List.of(
            "rules.yaml:4:9: empty condition (expected one of: error, duration, attribute, service, span_name, span_kind, span_count, not)"));
    expected.put(
        "unknown condition",
        List.of(
            "rules.yaml:4:9: unknown condition 'errors' (expected one of: error, duration, attribute, service, span_name, span_kind, span_count, not; did you mean 'error'?)"));
    expected.put(
        "error not a boolean",
        List.of(
            "rules.yaml:4:16: 'error' must be true or false, got text 'maybe'"));
    expected.put(
        "duration scalar",
        List.of(
            "rules.yaml:4:19: duration condition expects a mapping like {of: root, gte: 500ms}, got text '500ms'"));
    expected.put(
        "duration without unit",
        List.of(
            "rules.yaml:4:35: bad duration '500' (a duration needs a unit: ns, us, ms, s, m, h; e.g. 500ms, 1.5s, 2m)"));
    expected.put(
        "duration bad text",
        List.of(
            "rules.yaml:4:35: bad duration '500 ms' (expected a number and a unit: ns, us, ms, s, m, h; e.g. 500ms, 1.5s, 2m)"));
    expected.put(
        "duration unknown operator",
        List.of(
            "rules.yaml:4:30: unknown operator 'equals' in duration condition (expected one of: gt, gte, lt, lte; or the setting of)"));
    expected.put(
        "duration no operator",
        List.of(
            "rules.yaml:4:19: duration condition has no operator (expected one of: gt, gte, lt, lte)"));
    expected.put(
        "duration two operators",
        List.of(
            "rules.yaml:4:29: duration condition has more than one operator (gte, lt); write one condition per operator"));
    expected.put(
        "bad scope",
        List.of(
            "rules.yaml:4:24: 'of' must be root or any, got 'first'"));
    expected.put(
        "attribute unknown operator",
        List.of(
            "rules.yaml:4:38: unknown operator 'equal' in attribute condition (expected one of: equals, not_equals, prefix, contains, regex, in, exists, gt, gte, lt, lte; or the settings key, key_prefix, of; did you mean 'equals'?)"));
    expected.put(
        "attribute without key",
        List.of(
            "rules.yaml:4:20: attribute condition needs 'key' (or 'key_prefix')"));
    expected.put(
        "attribute key and prefix",
        List.of(
            "rules.yaml:4:29: attribute condition has both key and key_prefix; give one"));
    expected.put(
        "attribute empty key",
        List.of(
            "rules.yaml:4:26: 'key' must not be empty"));
    expected.put(
        "attribute bad regex",
        List.of(
            "rules.yaml:4:45: bad regex '/a(' in attribute condition: missing closing )"));
    expected.put(
        "attribute regex lookahead",
        List.of(
            "rules.yaml:4:45: bad regex 'a(?=b)' in attribute condition: invalid or unsupported Perl syntax (rule regexes use RE2 syntax: no lookaround, no backreferences)"));
    expected.put(
        "reserved rule name",
        List.of(
            "rules.yaml:2:11: rule name 'rules_failed' is reserved: decisions carry it when a rule failed on the trace"));
    expected.put(
        "attribute in not a list",
        List.of(
            "rules.yaml:4:42: 'in' must be a list like [a, b], got text '/a'"));
    expected.put(
        "attribute in empty",
        List.of(
            "rules.yaml:4:42: 'in' list is empty"));
    expected.put(
        "attribute gt text",
        List.of(
            "rules.yaml:4:36: 'gt' must be a number, got text 'big'"));
    expected.put(
        "attribute exists text",
        List.of(
            "rules.yaml:4:37: 'exists' must be true or false, got text 'sure'"));
    expected.put(
        "attribute equals list",
        List.of(
            "rules.yaml:4:37: 'equals' must be a single value, got a list"));
    expected.put(
        "service unknown operator",
        List.of(
            "rules.yaml:4:19: unknown operator 'startswith' in service condition (expected one of: equals, not_equals, prefix, contains, regex, in; or the setting of)"));
    expected.put(
        "service bad regex",
        List.of(
            "rules.yaml:4:26: bad regex '[pay' in service condition: missing closing ]"));
    expected.put(
        "service list",
        List.of(
            "rules.yaml:4:18: service condition expects a mapping like {contains: upload} or {of: root, in: [a, b]}, got a list"));
    expected.put(
        "span_name exists",
        List.of(
            "rules.yaml:4:21: unknown operator 'exists' in span_name condition (expected one of: equals, not_equals, prefix, contains, regex, in; or the setting of)"));
    expected.put(
        "unknown span kind",
        List.of(
            "rules.yaml:4:20: unknown span kind 'serverr' (expected one of: server, client, producer, consumer, internal; did you mean 'server'?)"));
    expected.put(
        "unknown span kind in list",
        List.of(
            "rules.yaml:4:34: unknown span kind 'clent' (expected one of: server, client, producer, consumer, internal; did you mean 'client'?)"));
    expected.put(
        "span_count negative",
        List.of(
            "rules.yaml:4:27: 'span_count' must be a whole number >= 0, got -1"));
    expected.put(
        "span_count fraction",
        List.of(
            "rules.yaml:4:27: 'span_count' must be a whole number >= 0, got 1.5"));
    expected.put(
        "span_count of",
        List.of(
            "rules.yaml:4:22: unknown operator 'of' in span_count condition (expected one of: equals, gt, gte, lt, lte)"));
    expected.put(
        "not wrapping a bad condition",
        List.of(
            "rules.yaml:4:15: unknown condition 'errors' (expected one of: error, duration, attribute, service, span_name, span_kind, span_count, not; did you mean 'error'?)"));
    expected.put(
        "unreachable rule",
        List.of(
            "rules.yaml:4:5: rule 'never' can never match: rule 'everything' before it has no conditions and decides every trace"));
    return expected;
  }

  static Stream<Arguments> mistakes() {
    Map<String, List<String>> expected = expectedErrors();
    return ErrorCases.all().entrySet().stream()
        .map(c -> Arguments.of(c.getKey(), c.getValue(), expected.get(c.getKey())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void everyMistakeIsNamedWithFileLineAndColumn(String mistake, String yaml, List<String> expected) {
    assertThat(expected).as("expected errors for '%s'", mistake).isNotNull();
    assertThat(errorsOf(yaml)).containsExactlyElementsOf(expected);
  }

  @Test
  void everyExpectationHasItsCase() {
    assertThat(expectedErrors().keySet()).containsExactlyElementsOf(ErrorCases.all().keySet());
  }

  @Test
  void collectsEveryProblemInFileOrder() {
    List<String> errors =
        errorsOf(
            """
            version: 1
            default: sometimes
            rules:
              - name: keep-errors
                match: any
                conditions:
                  - error: true
                  - attribute: {key: http.response.status_code, gte: 500}
                keep: {}
              - name: keep-slow
                conditions:
                  - duration: {of: root, gte: 500 ms}
                  - attribute: {key: http.route, equal: /checkout}
                keep: {percent: 120}
              - name: keep-errors
                drop: {}
            """);
    assertThat(errors)
        .containsExactly(
            "rules.yaml:2:10: 'default' must be keep or drop, got 'sometimes'",
            "rules.yaml:12:35: bad duration '500 ms' (expected a number and a unit: ns, us, ms, s,"
                + " m, h; e.g. 500ms, 1.5s, 2m)",
            "rules.yaml:13:38: unknown operator 'equal' in attribute condition (expected one of:"
                + " equals, not_equals, prefix, contains, regex, in, exists, gt, gte, lt, lte; or"
                + " the settings key, key_prefix, of; did you mean 'equals'?)",
            "rules.yaml:14:21: 'percent' must be between 0 and 100, got 120",
            "rules.yaml:15:11: duplicate rule name 'keep-errors' (first used at line 4)");
  }

  @Test
  void exceptionMessageNamesTheFileAndEveryError() {
    RulesFileException refused =
        catchThrowableOfType(
            RulesFileException.class,
            () -> RulesFile.parse("team/rules.yaml", "version: 3\nrules: {}\n"));
    assertThat(refused.fileName()).isEqualTo("team/rules.yaml");
    assertThat(refused.errors()).hasSize(2);
    assertThat(refused.getMessage())
        .isEqualTo(
            "team/rules.yaml: rules refused, 2 errors:\n"
                + "  team/rules.yaml:1:10: unsupported version 3 (this Tailkeep reads version 1)\n"
                + "  team/rules.yaml:2:8: 'rules' must be a list of rules, got a mapping");
  }

  @Test
  void acceptsTheDefaultRules() throws Exception {
    RuleSet rules = RulesFile.parse("default-rules.yaml", RulesFile.defaultRulesText());
    assertThat(rules.ruleNames())
        .containsExactly(
            "keep-errors",
            "drop-health-checks",
            "keep-slow-reports",
            "keep-slow",
            "keep-admin-actions",
            "keep-payments",
            "baseline-uploads",
            "baseline-streaming",
            "baseline-everything-else");
    assertThat(rules.keepsByDefault()).isFalse();
    assertThat(rules.referencedKeys())
        .containsExactlyInAnyOrder("http.route", "url.path", "enduser.role");
    assertThat(rules.referencedKeyPrefixes()).containsExactly("payment.");
  }

  @Test
  void acceptsTheFormatShownInTheReadme() throws Exception {
    RuleSet rules =
        RulesFile.parse(
            "rules.yaml",
            """
            version: 1
            default: drop
            rules:
              - name: keep-errors
                keep: {}
                match: any
                conditions:
                  - error: true
                  - attribute: {key: http.response.status_code, gte: 500}
              - name: drop-health-checks
                drop: {}
                conditions:
                  - attribute: {key: http.route, in: [/health, /healthz, /ready, /live]}
              - name: keep-slow
                keep: {}
                conditions:
                  - duration: {of: root, gte: 500ms}
              - name: baseline-uploads
                keep: {percent: 10, max_traces_per_second: 50}
                conditions:
                  - service: {contains: upload}
                  - span_kind: {of: root, in: [server, consumer]}
                  - span_count: {lt: 1000}
              - name: quiet
                description: Drop everything else.
                drop:
            """);
    assertThat(rules.ruleNames())
        .containsExactly(
            "keep-errors", "drop-health-checks", "keep-slow", "baseline-uploads", "quiet");
  }

  @Test
  void loadsAFileAndNamesItsPathInErrors(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.yaml");
    Files.writeString(good, "rules:\n  - {name: all, keep: {}}\n", StandardCharsets.UTF_8);
    assertThat(RulesFile.load(good).ruleNames()).containsExactly("all");
    assertThat(RulesFile.load(good).source()).isEqualTo(good.toString());

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "rules:\n  - {name: all, keep: {percent: 101}}\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> RulesFile.load(bad))
        .isInstanceOfSatisfying(
            RulesFileException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        bad + ":2:33: 'percent' must be between 0 and 100, got 101"));
  }

  @Test
  void anUnreadableFileIsRefusedToo(@TempDir Path dir) {
    Path missing = dir.resolve("missing.yaml");
    assertThatThrownBy(() -> RulesFile.load(missing))
        .isInstanceOfSatisfying(
            RulesFileException.class,
            e ->
                assertThat(e.errors())
                    .singleElement()
                    .asString()
                    .startsWith(missing + ": cannot read the file: ")
                    .contains("NoSuchFileException"));
  }

  @Test
  void eachRuleReadsBackAsWrittenInOneLineAndTheVersionIsTheFilesSha256() {
    RuleSet rules = RulesFile.loadDefault();

    assertThat(rules.version())
        .isEqualTo(RulesFile.sha256(RulesFile.defaultRulesText().getBytes(StandardCharsets.UTF_8)))
        .hasSize(64);
    List<RuleSet.RuleText> texts = rules.ruleTexts();
    assertThat(texts).extracting(RuleSet.RuleText::name).isEqualTo(rules.ruleNames());
    assertThat(texts.get(0))
        .isEqualTo(new RuleSet.RuleText("keep-errors",
            "Every trace with a span in error status or an HTTP server status >= 500.", "all",
            List.of("error: true"), "keep: {}"));
    // Block style, an anchor and its alias all come back as the same flow text.
    String paths = "[/health, /healthz, /health/live, /health/ready, /ready, /readyz, /live, /livez, /ping,"
        + " /actuator/health]";
    assertThat(texts.get(1).match()).isEqualTo("any");
    assertThat(texts.get(1).conditions())
        .containsExactly(
            "attribute: {key: http.route, of: root, in: " + paths + "}",
            "attribute: {key: url.path, of: root, in: " + paths + "}");
    assertThat(texts.get(1).action()).isEqualTo("drop: {}");
    assertThat(texts.get(3).conditions())
        .containsExactly("duration: {of: root, gte: 500ms}", "not: {service: {of: root, in: [reports, batch]}}");
    assertThat(texts.get(6).action()).isEqualTo("keep: {percent: 10}");
    assertThat(texts.get(8).conditions()).isEmpty();
  }

  @Test
  void quotedValuesStayQuotedAndAnEmptyKeepReadsAsKeepingAll() throws RulesFileException {
    RuleSet rules = RulesFile.parse("rules.yaml", """
        version: 1
        rules:
          - name: odd-names
            conditions:
              - service: {in: ["a \\"b\\"", 'c d', plain]}
            keep:
        """);

    assertThat(rules.ruleTexts().get(0).conditions())
        .containsExactly("service: {in: [\"a \\\"b\\\"\", \"c d\", plain]}");
    assertThat(rules.ruleTexts().get(0).action()).isEqualTo("keep: {}");
    assertThat(rules.version()).isNotEqualTo(RulesFile.loadDefault().version());
  }

  @Test
  void aRuleThatAnEarlierOneAlwaysMatchesFirstIsNamed() throws RulesFileException {
    RuleSet rules = RulesFile.parse("rules.yaml", """
        version: 1
        rules:
          - name: errors
            conditions: [{error: true}]
            keep: {}
          - name: slow-errors           # needs errors' one condition and more
            conditions: [{error: true}, {duration: {of: root, gte: 1s}}]
            keep: {}
          - name: checkout-or-cart
            match: any
            conditions: [{service: {in: [checkout]}}, {service: {in: [cart]}}]
            drop: {}
          - name: slow-checkout         # needs one alternative of checkout-or-cart
            conditions: [{service: {in: [checkout]}}, {duration: {of: root, gte: 1s}}]
            keep: {}
          - name: cart-only             # its alternatives are among checkout-or-cart's
            match: any
            conditions: [{service: {in: [cart]}}]
            keep: {}
          - name: slow                  # reachable: nothing before needs only a slow root
            conditions: [{duration: {of: root, gte: 1s}}]
            keep: {}
          - name: slow-or-search        # reachable: search roots are not all taken before
            match: any
            conditions: [{duration: {of: root, gte: 1s}}, {service: {in: [search]}}]
            keep: {}
        """);

    assertThat(rules.unreachable())
        .containsExactly(
            new RuleSet.Unreachable("slow-errors", "errors"),
            new RuleSet.Unreachable("slow-checkout", "checkout-or-cart"),
            new RuleSet.Unreachable("cart-only", "checkout-or-cart"));
    assertThat(RulesFile.loadDefault().unreachable()).isEmpty();
  }

  @Test
  void aPerKeyRuleSaysWhatIsWrongWithIt() {
    String rule = "version: 1\nrules:\n  - name: per-route\n    conditions: []\n    keep: %s\n";
    assertThat(errorsOf(rule.formatted("{per_second: 5}")))
        .containsExactly("rules.yaml:5:11: 'per_second' needs 'by': the attributes whose values make the key,"
            + " e.g. by: [service.name, http.route]");
    assertThat(errorsOf(rule.formatted("{percent: 10, per_second: 5, by: [http.route]}")))
        .containsExactly("rules.yaml:5:25: per_second keeps about that many traces a second per key by itself;"
            + " to cap a percentage per key, write max_per_second with percent");
    assertThat(errorsOf(rule.formatted("{per_second: 5, max_per_second: 9, by: [http.route]}")))
        .containsExactly("rules.yaml:5:27: give per_second (a target per key) or max_per_second (a cap per key"
            + " on a percentage), not both");
    assertThat(errorsOf(rule.formatted("{percent: 10, by: [http.route]}")))
        .containsExactly("rules.yaml:5:25: 'by' goes with per_second or max_per_second");
    assertThat(errorsOf(rule.formatted("{per_second: 0, by: [http.route]}")))
        .containsExactly("rules.yaml:5:24: 'per_second' must be greater than 0, got 0");
    assertThat(errorsOf(rule.formatted("{per_second: 5, by: []}")))
        .containsExactly("rules.yaml:5:31: 'by' list is empty");
    assertThat(errorsOf(rule.formatted("{per_second: 5, by: [http.route], interval: 100ms}")))
        .containsExactly("rules.yaml:5:55: 'interval' must be from 1s to 1h, got 100ms");
    assertThat(errorsOf(rule.formatted("{per_second: 5, by: [http.route], max_keys: 1.5}")))
        .containsExactly("rules.yaml:5:55: 'max_keys' must be a whole number from 1 to 1000000, got 1.5");
  }

  @Test
  void aPercentageCappedPerKeyKeepsItsPercentageUntilAKeyPassesTheCap() throws RulesFileException {
    RuleSet rules = RulesFile.parse("rules.yaml",
        "version: 1\nrules:\n  - name: capped\n    conditions: []\n"
            + "    keep: {percent: 50, max_per_second: 5, by: [service.name]}\n");

    assertThat(rules.referencedKeys()).contains("service.name");
    assertThat(rules.ruleTexts().get(0).action()).isEqualTo("keep: {percent: 50, max_per_second: 5, by: [service.name]}");
  }
}
