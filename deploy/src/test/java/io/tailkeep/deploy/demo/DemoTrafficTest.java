package io.tailkeep.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.deploy.demo.ShopSpan.Kind;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
      Map<ShopKind, Integer> counts = DemoTraffic.counts(total);
      assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).as("total %s", total).isEqualTo(total);
      assertThat(counts).as("counts of %s", total).containsOnlyKeys(ShopKind.values());
      assertThat(counts.values()).as("counts of %s", total).allSatisfy(count -> assertThat(count).isPositive());
    }
    assertThat(DemoTraffic.counts(300))
        .containsEntry(ShopKind.ERROR, 21)
        .containsEntry(ShopKind.HEALTH_CHECK, 60)
        .containsEntry(ShopKind.ORDINARY, 135);
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
      assertMeetsOnlyItsRule(trace.kind(), trace.root());
    }
  }

  /** The benchmarks' traces: the same requests with routine calls added, up to 2 000 spans. */
  @Test
  void grownTracesStillMeetOnlyTheirKindsRule() {
    SplittableRandom random = new SplittableRandom(11);
    ShopTraces shop = new ShopTraces(random);
    for (ShopKind kind : ShopKind.values()) {
      for (int spans : new int[] {1, 10, 50, 400, 2_000}) {
        ShopSpan root = shop.trace(kind, spans);
        // The request alone has 1 to 9 spans; calls are added to it until there are enough.
        if (spans >= 10) {
          assertThat(root.spanCount()).as("spans of a %s trace grown to %s", kind, spans).isEqualTo(spans);
        }
        assertMeetsOnlyItsRule(kind, root);
      }
    }
    for (int i = 0; i < 2_000; i++) {
      ShopKind kind = shop.nextKind(ShopKind.Mix.SHOP);
      assertMeetsOnlyItsRule(kind, shop.trace(kind, random.nextInt(5, 51)));
    }
  }

  private static void assertMeetsOnlyItsRule(ShopKind kind, ShopSpan root) {
    List<ShopSpan> spans = root.spans();
    boolean failed = spans.stream().anyMatch(ShopSpan::failed) || spans.stream().anyMatch(DemoTrafficTest::answered5xx);
    String rootRoute = stringAttr(root, "http.route");
    boolean slow = root.durationNanos() >= TimeUnit.MILLISECONDS.toNanos(ShopTraces.SLOW_MILLIS);
    boolean admin =
        spans.stream().anyMatch(s -> "admin".equals(stringAttr(s, "enduser.role"))
            || startsWith(stringAttr(s, "http.route"), "/admin")
            || startsWith(stringAttr(s, "url.path"), "/admin"));
    boolean payment =
        spans.stream().anyMatch(s -> s.service().serviceName.contains("payment")
            || s.attributes().keySet().stream().anyMatch(k -> k.startsWith("payment.")));

    assertThat(root.kind()).as("root of %s", kind).isEqualTo(Kind.SERVER);
    assertThat(failed).as("%s has an error", kind).isEqualTo(kind == ShopKind.ERROR);
    assertThat(List.of("/healthz", "/readyz").contains(rootRoute))
        .as("%s is a health check", kind)
        .isEqualTo(kind == ShopKind.HEALTH_CHECK);
    if (kind != ShopKind.ERROR && kind != ShopKind.HEALTH_CHECK) {
      assertThat(slow).as("%s root of %s ns is slow", kind, root.durationNanos()).isEqualTo(kind == ShopKind.SLOW);
      if (kind != ShopKind.SLOW) {
        assertThat(admin).as("%s is an admin action", kind).isEqualTo(kind == ShopKind.ADMIN);
        if (kind != ShopKind.ADMIN) {
          assertThat(payment).as("%s is a payment", kind).isEqualTo(kind == ShopKind.PAYMENT);
        }
      }
    }
    if (kind == ShopKind.UPLOAD) {
      assertThat(root.service().serviceName).contains("upload");
    }
    if (kind == ShopKind.STREAMING) {
      assertThat(root.service().serviceName).contains("stream");
    }
    if (kind == ShopKind.ORDINARY) {
      assertThat(root.service().serviceName).doesNotContain("upload", "stream");
      assertThat(rootRoute).doesNotStartWith("/upload").doesNotStartWith("/stream");
    }
    assertThat(spans).as("children of %s within its root", kind)
        .allSatisfy(s -> assertThat(s.offsetNanos() + s.durationNanos()).isLessThanOrEqualTo(root.durationNanos()));
  }

  @Test
  void slowTracesLastFrom600MillisTo2Seconds() {
    List<Long> slow =
        DemoTraffic.plan(2_000, 5).stream()
            .filter(trace -> trace.kind() == ShopKind.SLOW)
            .map(trace -> trace.root().durationNanos())
            .toList();
    assertThat(slow).isNotEmpty()
        .allSatisfy(nanos -> assertThat(nanos).isBetween(TimeUnit.MILLISECONDS.toNanos(600), TimeUnit.MILLISECONDS.toNanos(2000)));
  }

  private static boolean answered5xx(ShopSpan span) {
    Long status = (Long) span.attributes().get("http.response.status_code");
    return span.kind() == Kind.SERVER && status != null && status >= 500;
  }

  private static String stringAttr(ShopSpan span, String key) {
    return span.attributes().get(key) instanceof String value ? value : null;
  }

  private static boolean startsWith(String value, String prefix) {
    return value != null && value.startsWith(prefix);
  }

  private static List<String> describe(List<PlannedTrace> plan) {
    return plan.stream()
        .map(t -> t.kind() + " " + t.startOffsetMillis() + " "
            + t.root().spans().stream()
                .map(s -> s.service() + ":" + s.name() + "@" + s.offsetNanos() + "+" + s.durationNanos() + s.attributes())
                .collect(Collectors.joining(",")))
        .toList();
  }
}
