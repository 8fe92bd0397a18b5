package io.tailkeep.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The generator alone: counts, determinism, and the properties the shipped rules look at, kind by
 * kind (the end-to-end test checks the rules' actual decisions).
 */
class DemoTrafficTest {

  @Test
  void countsAddUpWithEveryKindPresent() {
    for (int total : new int[] {DemoTraffic.MIN_TRACES, 37, 300, 10_000}) {
      Map<DemoKind, Integer> counts = DemoTraffic.counts(total);
      assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).as("total %s", total).isEqualTo(total);
      assertThat(counts).as("counts of %s", total).containsOnlyKeys(DemoKind.values());
      assertThat(counts.values()).as("counts of %s", total).allSatisfy(count -> assertThat(count).isPositive());
    }
    assertThat(DemoTraffic.counts(300))
        .containsEntry(DemoKind.ERROR, 21)
        .containsEntry(DemoKind.HEALTH_CHECK, 60)
        .containsEntry(DemoKind.ORDINARY, 135);
  }

  @Test
  void tooFewTracesAreRefused() {
    assertThatThrownBy(() -> DemoTraffic.counts(DemoTraffic.MIN_TRACES - 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 10");
  }

  @Test
  void theSameSeedPlansTheSameTraffic() {
    assertThat(describe(DemoTraffic.plan(300, 7))).isEqualTo(describe(DemoTraffic.plan(300, 7)));
    assertThat(describe(DemoTraffic.plan(300, 7))).isNotEqualTo(describe(DemoTraffic.plan(300, 8)));
  }

  @Test
  void eachKindHasWhatItsRuleLooksAtAndNothingAnEarlierRuleWould() {
    for (PlannedTrace trace : DemoTraffic.plan(2_000, 3)) {
      DemoKind kind = trace.kind();
      List<DemoSpan> spans = flatten(trace.root());
      DemoSpan root = trace.root();
      boolean failed = spans.stream().anyMatch(DemoSpan::failed) || spans.stream().anyMatch(DemoTrafficTest::answered5xx);
      String rootRoute = stringAttr(root, "http.route");
      boolean slow = root.durationMillis >= DemoTraces.SLOW_MILLIS;
      boolean admin =
          spans.stream().anyMatch(s -> "admin".equals(stringAttr(s, "enduser.role"))
              || startsWith(stringAttr(s, "http.route"), "/admin")
              || startsWith(stringAttr(s, "url.path"), "/admin"));
      boolean payment =
          spans.stream().anyMatch(s -> s.service.serviceName.contains("payment")
              || s.attributes.build().asMap().keySet().stream().anyMatch(k -> k.getKey().startsWith("payment.")));

      assertThat(root.kind).as("root of %s", kind).isEqualTo(SpanKind.SERVER);
      assertThat(failed).as("%s has an error", kind).isEqualTo(kind == DemoKind.ERROR);
      assertThat(List.of("/healthz", "/readyz").contains(rootRoute))
          .as("%s is a health check", kind)
          .isEqualTo(kind == DemoKind.HEALTH_CHECK);
      if (kind != DemoKind.ERROR && kind != DemoKind.HEALTH_CHECK) {
        assertThat(slow).as("%s root of %s ms is slow", kind, root.durationMillis).isEqualTo(kind == DemoKind.SLOW);
        if (kind != DemoKind.SLOW) {
          assertThat(admin).as("%s is an admin action", kind).isEqualTo(kind == DemoKind.ADMIN);
          if (kind != DemoKind.ADMIN) {
            assertThat(payment).as("%s is a payment", kind).isEqualTo(kind == DemoKind.PAYMENT);
          }
        }
      }
      if (kind == DemoKind.UPLOAD) {
        assertThat(root.service.serviceName).contains("upload");
      }
      if (kind == DemoKind.ORDINARY) {
        assertThat(root.service.serviceName).doesNotContain("upload", "stream");
        assertThat(rootRoute).doesNotStartWith("/upload").doesNotStartWith("/stream");
      }
      assertThat(spans).as("children of %s within its root", kind)
          .allSatisfy(s -> assertThat(s.offsetMillis + s.durationMillis).isLessThanOrEqualTo(root.durationMillis));
    }
  }

  @Test
  void slowTracesLastFrom600MillisTo2Seconds() {
    List<Long> slow =
        DemoTraffic.plan(2_000, 5).stream()
            .filter(trace -> trace.kind() == DemoKind.SLOW)
            .map(trace -> trace.root().durationMillis)
            .toList();
    assertThat(slow).isNotEmpty().allSatisfy(millis -> assertThat(millis).isBetween(600L, 2000L));
  }

  private static boolean answered5xx(DemoSpan span) {
    Long status = span.attributes.build().get(AttributeKey.longKey("http.response.status_code"));
    return span.kind == SpanKind.SERVER && status != null && status >= 500;
  }

  private static String stringAttr(DemoSpan span, String key) {
    return span.attributes.build().get(AttributeKey.stringKey(key));
  }

  private static boolean startsWith(String value, String prefix) {
    return value != null && value.startsWith(prefix);
  }

  private static List<DemoSpan> flatten(DemoSpan root) {
    List<DemoSpan> spans = new ArrayList<>();
    spans.add(root);
    root.children.forEach(child -> spans.addAll(flatten(child)));
    return spans;
  }

  private static List<String> describe(List<PlannedTrace> plan) {
    return plan.stream()
        .map(t -> t.kind() + " " + t.startOffsetMillis() + " "
            + flatten(t.root()).stream()
                .map(s -> s.service + ":" + s.name + "@" + s.offsetMillis + "+" + s.durationMillis + s.attributes.build())
                .collect(Collectors.joining(",")))
        .toList();
  }
}
