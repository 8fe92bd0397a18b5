package io.tailkeep.sampler.rules;

import static io.tailkeep.store.testing.TestSpans.TRACE_ID;
import static io.tailkeep.store.testing.TestSpans.root;
import static io.tailkeep.store.testing.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.WireSpan;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RuleSetTest {

  /** Whether a rule with this one condition matches a trace of these spans. */
  private static boolean matches(String condition, WireSpan... spans) throws Exception {
    RuleSet rules =
        RulesFile.parse(
            "test.yaml",
            """
            rules:
              - name: under-test
                conditions:
                  - %s
                keep: {}
            """
                .formatted(condition));
    return decide(rules, spans).keep();
  }

  private static Decision decide(RuleSet rules, WireSpan... spans) {
    TraceFacts facts = rules.newTraceFacts();
    for (WireSpan span : spans) {
      facts.add(span);
    }
    return rules.decide(TRACE_ID, facts);
  }

  @Nested
  class ErrorConditions {
    @Test
    void errorStatusOnAnySpan() throws Exception {
      assertThat(matches("error: true", root("a", "GET").build(), span("b", "db").error().build()))
          .isTrue();
      assertThat(matches("error: true", root("a", "GET").build())).isFalse();
    }

    @Test
    void httpServerStatus500CountsAsError() throws Exception {
      assertThat(matches("error: true", root("a", "GET").server().attribute("http.response.status_code", 503L).build()))
          .isTrue();
      assertThat(matches("error: true", root("a", "GET").server().attribute("http.status_code", "500").build()))
          .isTrue();
      assertThat(matches("error: true", root("a", "GET").server().attribute("http.response.status_code", 404L).build()))
          .isFalse();
    }

    @Test
    void httpClientStatus500IsNotAnErrorByItself() throws Exception {
      WireSpan client =
          span("a", "GET").kind(SpanKind.SPAN_KIND_CLIENT).attribute("http.response.status_code", 500L).build();
      assertThat(matches("error: true", client)).isFalse();
    }

    @Test
    void errorFalseMeansNoSpanInError() throws Exception {
      assertThat(matches("error: false", root("a", "GET").build())).isTrue();
      assertThat(matches("error: false", root("a", "GET").error().build())).isFalse();
    }
  }

  @Nested
  class DurationConditions {
    @Test
    void rootDurationComparisons() throws Exception {
      WireSpan root500 = root("a", "GET").millis(500).build();
      assertThat(matches("duration: {of: root, gte: 500ms}", root500)).isTrue();
      assertThat(matches("duration: {of: root, gt: 500ms}", root500)).isFalse();
      assertThat(matches("duration: {of: root, gt: 0.4s}", root500)).isTrue();
      assertThat(matches("duration: {of: root, lt: 500ms}", root500)).isFalse();
      assertThat(matches("duration: {of: root, lte: 500ms}", root500)).isTrue();
      assertThat(matches("duration: {of: root, lt: 1m}", root500)).isTrue();
    }

    @Test
    void rootScopeLooksOnlyAtTheRoot() throws Exception {
      WireSpan quickRoot = root("a", "GET").millis(10).build();
      WireSpan slowChild = span("a", "batch").millis(2_000).build();
      assertThat(matches("duration: {of: root, gte: 1s}", quickRoot, slowChild)).isFalse();
      assertThat(matches("duration: {of: any, gte: 1s}", quickRoot, slowChild)).isTrue();
    }

    @Test
    void rootConditionsDoNotHoldBeforeTheRootArrives() throws Exception {
      assertThat(matches("duration: {of: root, lt: 1h}", span("a", "child").build())).isFalse();
    }

    @Test
    void anySpanShorterThanIsAnsweredByTheShortestSpan() throws Exception {
      WireSpan longRoot = root("a", "GET").millis(900).build();
      WireSpan quickChild = span("a", "cache").millis(2).build();
      assertThat(matches("duration: {lt: 5ms}", longRoot, quickChild)).isTrue();
      assertThat(matches("duration: {lt: 5ms}", longRoot)).isFalse();
    }

    @Test
    void ofDefaultsToAnySpan() throws Exception {
      assertThat(matches("duration: {gte: 1s}", root("a", "GET").millis(1).build(), span("a", "x").millis(1_000).build()))
          .isTrue();
    }
  }

  @Nested
  class AttributeConditions {
    private final WireSpan checkout =
        root("shop", "POST /checkout")
            .server()
            .attribute("http.route", "/checkout")
            .attribute("http.response.status_code", 201L)
            .attribute("retry.ratio", 0.25)
            .attribute("cache.hit", true)
            .attribute("queue.depth", "17")
            .attribute("tags", "red", "blue")
            .build();

    @Test
    void equalsAndNotEquals() throws Exception {
      assertThat(matches("attribute: {key: http.route, equals: /checkout}", checkout)).isTrue();
      assertThat(matches("attribute: {key: http.route, equals: /check}", checkout)).isFalse();
      assertThat(matches("attribute: {key: http.route, not_equals: /health}", checkout)).isTrue();
      assertThat(matches("attribute: {key: http.route, not_equals: /checkout}", checkout)).isFalse();
    }

    @Test
    void notEqualsNeedsTheAttribute() throws Exception {
      assertThat(matches("attribute: {key: missing, not_equals: x}", checkout)).isFalse();
    }

    @Test
    void numbersMatchNumbersWhateverTheirType() throws Exception {
      assertThat(matches("attribute: {key: http.response.status_code, equals: 201}", checkout)).isTrue();
      assertThat(matches("attribute: {key: http.response.status_code, equals: \"201\"}", checkout)).isTrue();
      assertThat(matches("attribute: {key: http.response.status_code, equals: 201.0}", checkout)).isTrue();
      assertThat(matches("attribute: {key: queue.depth, equals: 17}", checkout)).isTrue();
      assertThat(matches("attribute: {key: retry.ratio, equals: 0.25}", checkout)).isTrue();
    }

    @Test
    void booleans() throws Exception {
      assertThat(matches("attribute: {key: cache.hit, equals: true}", checkout)).isTrue();
      assertThat(matches("attribute: {key: cache.hit, equals: false}", checkout)).isFalse();
    }

    @Test
    void prefixContainsRegex() throws Exception {
      assertThat(matches("attribute: {key: http.route, prefix: /check}", checkout)).isTrue();
      assertThat(matches("attribute: {key: http.route, prefix: checkout}", checkout)).isFalse();
      assertThat(matches("attribute: {key: http.route, contains: ecko}", checkout)).isTrue();
      assertThat(matches("attribute: {key: http.route, contains: basket}", checkout)).isFalse();
      assertThat(matches("attribute: {key: http.route, regex: 'check(out|in)'}", checkout)).isTrue();
      assertThat(matches("attribute: {key: http.route, regex: '^checkout$'}", checkout)).isFalse();
    }

    @Test
    void inList() throws Exception {
      assertThat(matches("attribute: {key: http.route, in: [/cart, /checkout]}", checkout)).isTrue();
      assertThat(matches("attribute: {key: http.route, in: [/cart, /basket]}", checkout)).isFalse();
      assertThat(matches("attribute: {key: http.response.status_code, in: [200, 201]}", checkout)).isTrue();
    }

    @Test
    void exists() throws Exception {
      assertThat(matches("attribute: {key: http.route, exists: true}", checkout)).isTrue();
      assertThat(matches("attribute: {key: user.id, exists: true}", checkout)).isFalse();
      assertThat(matches("attribute: {key: user.id, exists: false}", checkout)).isTrue();
      assertThat(matches("attribute: {key: http.route, exists: false}", checkout)).isFalse();
    }

    @Test
    void numericComparisons() throws Exception {
      assertThat(matches("attribute: {key: http.response.status_code, gte: 201}", checkout)).isTrue();
      assertThat(matches("attribute: {key: http.response.status_code, gt: 201}", checkout)).isFalse();
      assertThat(matches("attribute: {key: http.response.status_code, lt: 300}", checkout)).isTrue();
      assertThat(matches("attribute: {key: http.response.status_code, lte: 200}", checkout)).isFalse();
      assertThat(matches("attribute: {key: retry.ratio, gt: 0.2}", checkout)).isTrue();
      assertThat(matches("attribute: {key: queue.depth, gt: 10}", checkout)).isTrue();
      assertThat(matches("attribute: {key: http.route, gt: 10}", checkout)).isFalse();
    }

    @Test
    void arrayAttributesMatchByElement() throws Exception {
      assertThat(matches("attribute: {key: tags, equals: blue}", checkout)).isTrue();
      assertThat(matches("attribute: {key: tags, in: [green, red]}", checkout)).isTrue();
    }

    @Test
    void resourceAttributesCountToo() throws Exception {
      WireSpan span = root("shop", "GET").resourceAttribute("deployment.environment", "prod").build();
      assertThat(matches("attribute: {key: deployment.environment, equals: prod}", span)).isTrue();
      assertThat(matches("attribute: {key: service.name, equals: shop}", span)).isTrue();
    }

    @Test
    void rootScopeAndAnyScope() throws Exception {
      WireSpan rootSpan = root("web", "GET /").attribute("http.route", "/").build();
      WireSpan child = span("admin", "GET /admin").attribute("http.route", "/admin/users").build();
      assertThat(matches("attribute: {key: http.route, prefix: /admin}", rootSpan, child)).isTrue();
      assertThat(matches("attribute: {key: http.route, of: root, prefix: /admin}", rootSpan, child))
          .isFalse();
      assertThat(matches("attribute: {key: http.route, of: root, equals: /}", rootSpan, child)).isTrue();
      assertThat(matches("attribute: {key: http.route, of: root, exists: false}", child)).isFalse();
    }

    @Test
    void keyPrefixReadsEveryKeyUnderIt() throws Exception {
      WireSpan payment = span("shop", "charge").attribute("payment.amount", 12.5).build();
      WireSpan other = span("shop", "charge").attribute("paymentless", "x").build();
      assertThat(matches("attribute: {key_prefix: payment., exists: true}", payment)).isTrue();
      assertThat(matches("attribute: {key_prefix: payment., exists: true}", other)).isFalse();
      assertThat(matches("attribute: {key_prefix: payment., gt: 10}", payment)).isTrue();
    }
  }

  @Nested
  class ServiceAndSpanName {
    private final WireSpan[] trace = {
      root("frontend", "GET /upload").server().build(),
      span("upload-service", "store blob").build(),
      span("postgres", "INSERT uploads").kind(SpanKind.SPAN_KIND_CLIENT).build()
    };

    @Test
    void serviceOperators() throws Exception {
      assertThat(matches("service: postgres", trace)).isTrue();
      assertThat(matches("service: {equals: upload}", trace)).isFalse();
      assertThat(matches("service: {prefix: upload-}", trace)).isTrue();
      assertThat(matches("service: {contains: load}", trace)).isTrue();
      assertThat(matches("service: {regex: '^post'}", trace)).isTrue();
      assertThat(matches("service: {in: [billing, frontend]}", trace)).isTrue();
      assertThat(matches("service: {in: [billing]}", trace)).isFalse();
      assertThat(matches("service: {not_equals: frontend}", trace)).isTrue();
      assertThat(matches("service: {not_equals: frontend}", trace[0])).isFalse();
    }

    @Test
    void serviceOfRoot() throws Exception {
      assertThat(matches("service: {of: root, equals: frontend}", trace)).isTrue();
      assertThat(matches("service: {of: root, contains: upload}", trace)).isFalse();
    }

    @Test
    void spanNameOperators() throws Exception {
      assertThat(matches("span_name: store blob", trace)).isTrue();
      assertThat(matches("span_name: {prefix: INSERT}", trace)).isTrue();
      assertThat(matches("span_name: {contains: blob}", trace)).isTrue();
      assertThat(matches("span_name: {regex: '^GET /up'}", trace)).isTrue();
      assertThat(matches("span_name: {in: [a, b]}", trace)).isFalse();
      assertThat(matches("span_name: {of: root, prefix: INSERT}", trace)).isFalse();
      assertThat(matches("span_name: {of: root, equals: GET /upload}", trace)).isTrue();
    }

    @Test
    void missingServiceNameIsUnknownService() throws Exception {
      assertThat(matches("service: unknown_service", span(null, "x").build())).isTrue();
    }
  }

  @Nested
  class KindAndCount {
    private final WireSpan[] trace = {
      root("web", "GET").server().build(),
      span("web", "publish").kind(SpanKind.SPAN_KIND_PRODUCER).build(),
      span("web", "work").kind(SpanKind.SPAN_KIND_UNSPECIFIED).build()
    };

    @Test
    void spanKind() throws Exception {
      assertThat(matches("span_kind: producer", trace)).isTrue();
      assertThat(matches("span_kind: consumer", trace)).isFalse();
      assertThat(matches("span_kind: internal", trace)).isTrue(); // unspecified counts as internal
      assertThat(matches("span_kind: {in: [client, consumer]}", trace)).isFalse();
      assertThat(matches("span_kind: {equals: server}", trace)).isTrue();
      assertThat(matches("span_kind: {of: root, equals: producer}", trace)).isFalse();
      assertThat(matches("span_kind: {of: root, not_equals: client}", trace)).isTrue();
      assertThat(matches("span_kind: {of: root, not_equals: server}", trace)).isFalse();
    }

    @Test
    void spanCount() throws Exception {
      assertThat(matches("span_count: {equals: 3}", trace)).isTrue();
      assertThat(matches("span_count: {gte: 3}", trace)).isTrue();
      assertThat(matches("span_count: {gt: 3}", trace)).isFalse();
      assertThat(matches("span_count: {lt: 4}", trace)).isTrue();
      assertThat(matches("span_count: {lte: 2}", trace)).isFalse();
    }

    @Test
    void notNegates() throws Exception {
      assertThat(matches("not: {span_kind: consumer}", trace)).isTrue();
      assertThat(matches("not: {span_count: {gte: 1}}", trace)).isFalse();
    }
  }

  @Nested
  class RuleOrderAndMatching {
    private final RuleSet rules =
        parse(
            """
            default: drop
            rules:
              - name: all-of
                conditions:
                  - service: a
                  - span_name: x
                keep: {}
              - name: any-of
                match: any
                conditions:
                  - service: b
                  - span_name: y
                drop: {}
              - name: later-same-as-any-of
                conditions:
                  - service: b
                keep: {}
            """);

    @Test
    void allNeedsEveryCondition() {
      assertThat(decide(rules, root("a", "x").build()).rule()).isEqualTo("all-of");
      assertThat(decide(rules, root("a", "z").build()).rule()).isEqualTo(Decision.DEFAULT_RULE);
    }

    @Test
    void anyNeedsOneCondition() {
      assertThat(decide(rules, root("c", "y").build()).rule()).isEqualTo("any-of");
    }

    @Test
    void theFirstMatchingRuleDecides() {
      Decision decision = decide(rules, root("b", "z").build());
      assertThat(decision).isEqualTo(new Decision(false, "any-of", 0, false));
    }

    @Test
    void defaultDecidesWhenNothingMatches() {
      assertThat(decide(rules, root("q", "q").build()))
          .isEqualTo(new Decision(false, "default", 0, false));
      RuleSet keepByDefault = parse("default: keep\nrules: []\n");
      assertThat(decide(keepByDefault, root("q", "q").build()))
          .isEqualTo(new Decision(true, "default", 1, false));
      assertThat(keepByDefault.keepsByDefault()).isTrue();
    }

    @Test
    void defaultIsDropWhenNotSaid() {
      assertThat(parse("rules: []\n").keepsByDefault()).isFalse();
    }

    @Test
    void noConditionsMatchesEverything() {
      RuleSet everything = parse("rules:\n  - {name: all, keep: {}, match: any, conditions: []}\n");
      assertThat(decide(everything, span("x", "y").build()).rule()).isEqualTo("all");
      RuleSet noConditionsKey = parse("rules:\n  - {name: all, drop: {}}\n");
      assertThat(decide(noConditionsKey, span("x", "y").build()).rule()).isEqualTo("all");
    }

    @Test
    void keptDecisionCarriesRuleAndProbability() {
      Decision decision = decide(rules, root("a", "x").build());
      assertThat(decision).isEqualTo(new Decision(true, "all-of", 1.0, false));
      assertThat(decision.sampling()).contains(new Sampling("all-of", 1.0));
      assertThat(decide(rules, root("b", "x").build()).sampling()).isEmpty();
    }

    @Test
    void exposesRuleNamesAndReferencedKeys() {
      RuleSet withKeys =
          parse(
              """
              rules:
                - name: one
                  conditions:
                    - attribute: {key: http.route, equals: /a}
                    - not: {attribute: {key: user.id, exists: true}}
                  keep: {}
                - name: two
                  conditions:
                    - attribute: {key_prefix: payment., exists: true}
                  keep: {}
              """);
      assertThat(withKeys.ruleNames()).containsExactly("one", "two");
      assertThat(withKeys.referencedKeys()).containsExactlyInAnyOrder("http.route", "user.id");
      assertThat(withKeys.referencedKeyPrefixes()).containsExactly("payment.");
      assertThat(withKeys.source()).isEqualTo("test.yaml");
    }
  }

  @Nested
  class SenderControlledText {
    @Test
    void aCatastrophicRegexRunsInLinearTimeOnA30000CharacterValue() {
      // ^(a+)+$ against a's with a b among them backtracks exponentially in java.util.regex.
      WireSpan span = root("a", "GET").attribute("q", "a".repeat(3_000) + "b" + "a".repeat(26_999)).build();
      Decision decision =
          assertTimeoutPreemptively(
              Duration.ofSeconds(5), () -> decide(parse(ruleWith("attribute: {key: q, regex: '^(a+)+$'}")), span));
      assertThat(decision.rule()).isEqualTo(Decision.DEFAULT_RULE);
    }

    @Test
    void rulesSeeOnlyTheFirst4096CharactersOfAText() throws Exception {
      WireSpan span = root("a", "GET").attribute("q", "x".repeat(4_096) + "needle").build();
      assertThat(matches("attribute: {key: q, contains: needle}", span)).isFalse();
      assertThat(matches("attribute: {key: q, prefix: xxx}", span)).isTrue();
    }

    @Test
    void aRuleThatThrowsKeepsTheTraceAsRulesFailedAndTheRulesAfterItAreNotAsked() {
      Condition throwing =
          facts -> {
            throw new IllegalStateException("boom");
          };
      RuleSet rules =
          new RuleSet(
              "test.yaml",
              "v1",
              List.of(
                  new Rule("breaks", "", false, List.of(throwing), new Action.Drop(),
                      new RuleSet.RuleText("breaks", "", "all", List.of("throwing: true"), "drop: {}")),
                  new Rule("drops-all", "", false, List.of(), new Action.Drop(),
                      new RuleSet.RuleText("drops-all", "", "all", List.of(), "drop: {}"))),
              false,
              new TrafficShare());

      Decision decision = decide(rules, root("a", "GET").build());
      assertThat(decision.keep()).isTrue();
      assertThat(decision.rule()).isEqualTo(Decision.RULES_FAILED);
      assertThat(decide(rules, root("a", "GET").build()).rule()).isEqualTo(Decision.RULES_FAILED);
    }

    private static String ruleWith(String condition) {
      return """
          rules:
            - name: under-test
              conditions:
                - %s
              keep: {}
          """
          .formatted(condition);
    }
  }

  static RuleSet parse(String yaml) {
    try {
      return RulesFile.parse("test.yaml", yaml);
    } catch (RulesFileException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
