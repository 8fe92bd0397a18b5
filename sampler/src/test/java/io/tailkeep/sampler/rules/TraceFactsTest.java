package io.tailkeep.sampler.rules;

import static io.tailkeep.store.testing.TestSpans.root;
import static io.tailkeep.store.testing.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceFactsTest {

  @Test
  void keepsValuesOnlyForTheKeysTheRulesReferTo() throws Exception {
    RuleSet rules =
        RulesFile.parse(
            "test.yaml",
            """
            rules:
              - name: routes
                conditions:
                  - attribute: {key: http.route, prefix: /admin}
                  - attribute: {key: deployment.environment, equals: prod}
                  - attribute: {key_prefix: payment., exists: true}
                keep: {}
            """);
    TraceFacts facts = rules.newTraceFacts();
    facts.add(
        root("shop", "GET /admin")
            .attribute("http.route", "/admin")
            .attribute("http.method", "GET")
            .attribute("user_agent.original", "curl/8.0")
            .attribute("payment.amount", 10L)
            .resourceAttribute("deployment.environment", "prod")
            .resourceAttribute("host.name", "node-1")
            .build());

    assertThat(facts.attributeKeysHeld())
        .containsExactlyInAnyOrder("http.route", "deployment.environment");
    assertThat(facts.attributeKeyPrefixesHeld()).containsExactly("payment.");
  }

  @Test
  void rulesWithoutAttributeConditionsKeepNoAttributes() {
    TraceFacts facts = TraceFacts.tracking(Set.of(), Set.of());
    facts.add(root("shop", "GET").attribute("http.route", "/a").build());
    assertThat(facts.attributeKeysHeld()).isEmpty();
  }

  @Test
  void summarisesSpansAsTheyArrive() {
    TraceFacts facts = TraceFacts.tracking(Set.of(), Set.of());
    assertThat(facts.spanCount()).isZero();
    assertThat(facts.rootSeen()).isFalse();

    facts.add(span("db", "SELECT").millis(30).build());
    assertThat(facts.rootSeen()).isFalse();
    assertThat(facts.maxDurationNanos()).isEqualTo(30_000_000);

    facts.add(root("web", "GET /").server().millis(250).build());
    facts.add(span("cache", "GET key").millis(2).build());

    assertThat(facts.spanCount()).isEqualTo(3);
    assertThat(facts.rootSeen()).isTrue();
    assertThat(facts.rootDurationNanos()).isEqualTo(250_000_000);
    assertThat(facts.rootName()).isEqualTo("GET /");
    assertThat(facts.rootServiceName()).isEqualTo("web");
    assertThat(facts.rootKind()).isEqualTo(SpanKindName.SERVER);
    assertThat(facts.maxDurationNanos()).isEqualTo(250_000_000);
    assertThat(facts.minDurationNanos()).isEqualTo(2_000_000);
    assertThat(facts.serviceNames().values()).containsExactly("db", "web", "cache");
    assertThat(facts.spanNames().values()).containsExactly("SELECT", "GET /", "GET key");
    assertThat(facts.errorSeen()).isFalse();
  }

  @Test
  void theFirstRootCounts() {
    TraceFacts facts = TraceFacts.tracking(Set.of(), Set.of());
    facts.add(root("web", "first").millis(5).build());
    facts.add(root("web", "second").millis(50).build());
    assertThat(facts.rootName()).isEqualTo("first");
    assertThat(facts.rootDurationNanos()).isEqualTo(5_000_000);
  }

  @Test
  void errorFromStatusOrFromHttpServer5xx() {
    TraceFacts byStatus = TraceFacts.tracking(Set.of(), Set.of());
    byStatus.add(span("db", "SELECT").error().build());
    assertThat(byStatus.errorSeen()).isTrue();

    TraceFacts byHttp = TraceFacts.tracking(Set.of(), Set.of());
    byHttp.add(root("web", "GET").server().attribute("http.response.status_code", 500L).build());
    assertThat(byHttp.errorSeen()).isTrue();

    TraceFacts byOldHttp = TraceFacts.tracking(Set.of(), Set.of());
    byOldHttp.add(root("web", "GET").server().attribute("http.status_code", 502.0).build());
    assertThat(byOldHttp.errorSeen()).isTrue();

    TraceFacts clientSide = TraceFacts.tracking(Set.of(), Set.of());
    clientSide.add(span("web", "GET").attribute("http.response.status_code", 500L).build());
    assertThat(clientSide.errorSeen()).isFalse();
  }

  @Test
  void distinctValuesAreCapped() {
    TraceFacts facts = TraceFacts.tracking(Set.of("sql"), Set.of());
    for (int i = 0; i < DistinctValues.MAX + 10; i++) {
      facts.add(span("db", "query " + i).attribute("sql", "SELECT " + i).build());
    }
    assertThat(facts.spanNames().values()).hasSize(DistinctValues.MAX);
    assertThat(facts.spanNames().overflowed()).isTrue();
    assertThat(facts.attributeValues(AttributeSelector.key("sql"), Scope.ANY).values())
        .hasSize(DistinctValues.MAX);
    assertThat(facts.spanCount()).isEqualTo(DistinctValues.MAX + 10);
  }
}
