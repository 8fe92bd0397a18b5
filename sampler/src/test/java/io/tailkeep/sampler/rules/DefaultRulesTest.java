package io.tailkeep.sampler.rules;

import static io.tailkeep.store.testing.TestSpans.root;
import static io.tailkeep.store.testing.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.testing.TestSpans;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The default rules file keeps the product's promise, trace kind by trace kind. */
class DefaultRulesTest {

  private final RuleSet rules = RulesFile.loadDefault(Ticker.systemTicker());

  private Decision decide(WireSpan... spans) {
    return decide(TestSpans.TRACE_ID, spans);
  }

  private Decision decide(TraceId traceId, WireSpan... spans) {
    TraceFacts facts = rules.newTraceFacts();
    for (WireSpan span : spans) {
      facts.add(span);
    }
    return rules.decide(traceId, facts);
  }

  private static Decision kept(String rule) {
    return new Decision(true, rule, 1.0, false);
  }

  @Test
  void keepsErrors() {
    assertThat(decide(root("feed", "GET /feed").build(), span("db", "SELECT").error().build()))
        .isEqualTo(kept("keep-errors"));
    assertThat(
            decide(root("feed", "GET /feed").server().attribute("http.response.status_code", 503L).build()))
        .isEqualTo(kept("keep-errors"));
  }

  @Test
  void dropsHealthChecksButKeepsFailingOnes() {
    assertThat(decide(root("web", "GET").server().attribute("http.route", "/healthz").build()))
        .isEqualTo(new Decision(false, "drop-health-checks", 0, false));
    assertThat(decide(root("web", "GET").server().attribute("url.path", "/livez").build()).rule())
        .isEqualTo("drop-health-checks");
    assertThat(
            decide(root("web", "GET").server().attribute("http.route", "/health").error().build()))
        .isEqualTo(kept("keep-errors"));
  }

  @Test
  void healthEndpointCalledInsideARealRequestIsNotAHealthCheck() {
    Decision decision =
        decide(
            root("web", "POST /orders").attribute("http.route", "/orders").millis(700).build(),
            span("web", "GET").attribute("url.path", "/health").build());
    assertThat(decision).isEqualTo(kept("keep-slow"));
  }

  @Test
  void keepsSlowTraces() {
    assertThat(decide(root("feed", "GET /feed").millis(500).build())).isEqualTo(kept("keep-slow"));
    assertThat(decide(root("feed", "GET /feed").millis(499).build()).rule())
        .isEqualTo("baseline-everything-else");
  }

  @Test
  void reportsAreSlowOnlyPastFiveSeconds() {
    assertThat(decide(root("reports", "build report").millis(5_000).build()))
        .isEqualTo(kept("keep-slow-reports"));
    assertThat(decide(root("reports", "build report").millis(2_000).build()).rule())
        .isEqualTo("baseline-everything-else");
    assertThat(decide(root("batch", "nightly").millis(4_999).build()).rule())
        .isEqualTo("baseline-everything-else");
  }

  @Test
  void keepsAdminActions() {
    assertThat(decide(root("web", "GET").attribute("http.route", "/admin/users/{id}").build()))
        .isEqualTo(kept("keep-admin-actions"));
    assertThat(decide(root("web", "GET").build(), span("api", "x").attribute("url.path", "/admin").build()))
        .isEqualTo(kept("keep-admin-actions"));
    assertThat(decide(root("web", "GET").attribute("enduser.role", "admin").build()))
        .isEqualTo(kept("keep-admin-actions"));
  }

  @Test
  void keepsPayments() {
    assertThat(decide(root("web", "POST /buy").build(), span("payment-gateway", "charge").build()))
        .isEqualTo(kept("keep-payments"));
    assertThat(decide(root("web", "POST /buy").attribute("payment.method", "card").build()))
        .isEqualTo(kept("keep-payments"));
  }

  @Test
  void baselinesKeepTheirShare() {
    assertShare("baseline-uploads", 0.10, root("upload-service", "PUT /blob"));
    assertShare("baseline-uploads", 0.10, root("web", "PUT").attribute("http.route", "/upload/{id}"));
    assertShare("baseline-streaming", 0.05, root("stream-edge", "GET /live/42"));
    assertShare("baseline-everything-else", 0.01, root("feed", "GET /feed"));
  }

  private void assertShare(String rule, double p, TestSpans.Builder rootSpan) {
    WireSpan span = rootSpan.build();
    Random random = new Random(rule.hashCode());
    int traces = 40_000;
    int kept = 0;
    for (int i = 0; i < traces; i++) {
      Decision decision = decide(new TraceId(random.nextLong(), random.nextLong() | 1), span);
      assertThat(decision.rule()).isEqualTo(rule);
      if (decision.keep()) {
        kept++;
        assertThat(decision.probability()).isEqualTo(p);
      }
    }
    double sigma = Math.sqrt(traces * p * (1 - p));
    assertThat((double) kept).isBetween(traces * p - 3 * sigma, traces * p + 3 * sigma);
  }
}
