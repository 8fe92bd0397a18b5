package io.tailkeep.ui.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.query.QueryApi;
import io.tailkeep.query.QueryApiOptions;
import io.tailkeep.query.TrafficApi;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.RuleCounts;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.memory.InMemorySpanStore;
import io.tailkeep.store.testing.TestSpans;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.LatencyHistogram;
import io.tailkeep.store.traffic.OperationCalls;
import io.tailkeep.ui.jaeger.JaegerApi;
import io.tailkeep.ui.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The service map and the search page's traffic charts in headless Chromium, over the real
 * TrafficApi reading an in-memory store's traffic counts, written by one sampler node over five
 * minutes, 20 to 16 minutes ago (so the last 15 minutes are empty and the last hour is not):
 *
 * <pre>
 * frontend    SERVER GET /            600 calls, no errors, each 16-32 ms
 * frontend    CLIENT POST /checkout   120 calls
 * checkout    SERVER POST /checkout   120 calls, 12 errors (10 %), each 32-64 ms
 * checkout    CLIENT SELECT orders    120 calls
 * edges       frontend → checkout     120 requests, 12 failed, server side 32-64 ms
 *             checkout → postgresql   120 requests, none failed, 2-4 ms (postgresql sends no spans)
 * decisions   25 710 traces decided, 1 234 kept (cluster-wide)
 * </pre>
 *
 * The store also holds five traces, 18 minutes old, for the map's links to search:
 *
 * <pre>
 * checkoutFailed   frontend → checkout, checkout's span status ERROR     800 ms
 * frontendFailed   frontend alone, its server span answered HTTP 503      50 ms
 * slowFine         frontend → checkout, no error                        1500 ms
 * checkoutFine     checkout alone, no error                               30 ms
 * checkoutAlone    checkout alone, status ERROR                          100 ms
 * </pre>
 *
 * Quantiles are Prometheus' linear estimate within a bucket: p95 of 120 calls in (32, 64] ms is
 * 32 + 32 × 0.95 = 62.4 ms; p50 48 ms; p99 63.68 ms; p95 of (2, 4] ms is 3.9 ms.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrafficPagesBrowserTest {

  private static final String NODE = "sampler-a";
  /** Bucket indexes of LatencyHistogram.BOUNDS_SECONDS: (2, 4] ms, (16, 32] ms, (32, 64] ms. */
  private static final int MS_2_TO_4 = 1;
  private static final int MS_16_TO_32 = 4;
  private static final int MS_32_TO_64 = 5;
  /** checkout's errors in each of the five minutes: 12 in all. */
  private static final int[] CHECKOUT_ERRORS = {0, 1, 2, 4, 5};
  private static final String ERROR_COLOUR = "rgb(198, 40, 40)";

  private final TestSpans spans = new TestSpans(16);
  private TraceId checkoutFailed;
  private TraceId frontendFailed;
  private TraceId slowFine;
  private TraceId checkoutFine;
  private TraceId checkoutAlone;

  private InMemorySpanStore store;
  private TestServer server;
  private TestServer serverWithoutTraffic;
  private ChromeDriver browser;

  @BeforeAll
  void seedStartServerAndBrowser() {
    browser = Chromium.start();
    store = InMemorySpanStore.builder().build();
    Instant first = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(20));
    for (int i = 0; i < CHECKOUT_ERRORS.length; i++) {
      int errors = CHECKOUT_ERRORS[i];
      store.traffic().write(NODE, first.plus(Duration.ofMinutes(i)),
          List.of(
              operation("frontend", "GET /", SpanKind.SPAN_KIND_SERVER, 0, histogram(MS_16_TO_32, 120)),
              operation("frontend", "POST /checkout", SpanKind.SPAN_KIND_CLIENT, errors, histogram(MS_32_TO_64, 24)),
              operation("checkout", "POST /checkout", SpanKind.SPAN_KIND_SERVER, errors, histogram(MS_32_TO_64, 24)),
              operation("checkout", "SELECT orders", SpanKind.SPAN_KIND_CLIENT, 0, histogram(MS_2_TO_4, 24))),
          List.of(
              new EdgeCalls("frontend", "checkout", errors, histogram(MS_32_TO_64, 24), histogram(MS_32_TO_64, 24)),
              new EdgeCalls("checkout", "postgresql", 0, histogram(MS_2_TO_4, 24), histogram(MS_2_TO_4, 24))))
          .toCompletableFuture().join();
    }
    long at = TestSpans.nanos(Instant.now().minus(Duration.ofMinutes(18)));
    checkoutFailed = writeTrace("frontend", "checkout", at, 800, false, true);
    frontendFailed = writeTrace("frontend", null, at + 1_000_000_000L, 50, true, false);
    slowFine = writeTrace("frontend", "checkout", at + 2_000_000_000L, 1500, false, false);
    checkoutFine = writeTrace("checkout", null, at + 3_000_000_000L, 30, false, false);
    checkoutAlone = writeTrace("checkout", null, at + 4_000_000_000L, 100, false, true);
    store.samplingCounts().write(NODE, first,
        List.of(new RuleCounts("keep-errors", 1_234, 0), new RuleCounts("default", 0, 24_476)))
        .toCompletableFuture().join();

    server = TestServer.start(router -> {
      QueryApi.mount(router, store.reader(), QueryApiOptions.defaults());
      JaegerApi.mount(router, store.reader());
      TrafficApi.mount(router, store.traffic(), store.samplingCounts(), QueryApiOptions.defaults());
      WebUi.mount(router);
    });
    // The same pages where the traffic API is not mounted: the charts must say so, not break the search.
    serverWithoutTraffic = TestServer.start(router -> {
      QueryApi.mount(router, store.reader(), QueryApiOptions.defaults());
      WebUi.mount(router);
    });
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    for (AutoCloseable closeable : new AutoCloseable[] {server, serverWithoutTraffic, store}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  /**
   * A trace whose root server span is of {@code root}, with a child span of {@code child} when not
   * null; {@code http503}: the root answered HTTP 503 (status UNSET); {@code failed}: the last span's
   * status is ERROR.
   */
  private TraceId writeTrace(String root, String child, long startNanos, long millis, boolean http503, boolean failed) {
    TraceId traceId = spans.newTraceId();
    SpanId rootId = spans.newSpanId();
    List<OtlpSpan> trace = new ArrayList<>();
    trace.add(http503
        ? spans.span(traceId, rootId, null, root, "GET /", startNanos, millis * 1_000_000L,
            KeyValue.newBuilder().setKey("http.response.status_code").setValue(AnyValue.newBuilder().setIntValue(503)).build())
        : spans.span(traceId, rootId, null, root, "GET /", startNanos, millis * 1_000_000L));
    if (child != null) {
      trace.add(spans.span(traceId, spans.newSpanId(), rootId, child, "POST /checkout", startNanos + 1_000_000L,
          (millis - 2) * 1_000_000L));
    }
    if (failed) {
      OtlpSpan last = trace.remove(trace.size() - 1);
      trace.add(new OtlpSpan(last.resource(), "", last.scope(), "", last.span().toBuilder()
          .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)).build()));
    }
    store.writer().write(SpanBatch.of(trace, new Sampling("keep-errors", 1.0))).toCompletableFuture().join();
    return traceId;
  }

  private static OperationCalls operation(String service, String name, SpanKind kind, long errors, LatencyHistogram latency) {
    return new OperationCalls(service, name, kind, new CallCounts(errors, latency));
  }

  /** {@code count} durations in one bucket, each at its upper bound. */
  private static LatencyHistogram histogram(int bucket, long count) {
    long[] counts = new long[LatencyHistogram.BUCKETS];
    counts[bucket] = count;
    long boundMicros = Math.round(LatencyHistogram.BOUNDS_SECONDS.get(bucket) * 1e6);
    return new LatencyHistogram(counts, count * boundMicros);
  }

  // --- the service map

  @Test
  void theMapShowsEachServiceAndCallWithItsFigures() {
    open("/map");
    waitFor(By.id("service-map"));
    assertThat(browser.findElement(By.cssSelector("header nav a[aria-current=page]")).getText()).isEqualTo("Service map");
    assertThat(new Select(browser.findElement(By.id("map-window"))).getFirstSelectedOption().getText()).isEqualTo("Last hour");

    // 600 calls in the hour: 0.17/s; checkout 120: 0.033/s, 10 % errors; postgresql from the edge into it
    assertThat(text(node("frontend"))).contains("frontend").contains("0.17/s").contains("0 % errors").contains("p95");
    assertThat(text(node("checkout"))).contains("checkout").contains("0.033/s").contains("10 % errors").contains("p95 62.4ms");
    assertThat(text(node("postgresql"))).contains("postgresql").contains("0.033/s").contains("0 % errors").contains("p95 3.9ms");

    assertThat(text(edgeLabel("frontend", "checkout"))).isEqualTo("120 calls · 12 errors · p95 62.4ms");
    assertThat(text(edgeLabel("checkout", "postgresql"))).isEqualTo("120 calls · 0 errors · p95 3.9ms");
    assertThat(browser.findElements(By.cssSelector("#service-map g.edge"))).hasSize(2);
    assertThat(browser.findElements(By.cssSelector("#service-map g.node"))).hasSize(3);

    // Left to right: who calls is left of what it calls.
    assertThat(centreX(node("frontend"))).isLessThan(centreX(node("checkout")));
    assertThat(centreX(node("checkout"))).isLessThan(centreX(node("postgresql")));

    // The tables below say the same.
    assertThat(text(browser.findElement(By.cssSelector("#map-services tr[data-service=checkout]"))))
        .isEqualTo("checkout requests served 120 0.033/s 12 10 % 48ms 62.4ms 63.7ms failed traces");
    assertThat(text(browser.findElement(By.cssSelector("#map-services tr[data-service=postgresql]"))))
        .startsWith("postgresql calls into it 120 0.033/s 0 0 %");
    assertThat(text(browser.findElement(By.cssSelector("#map-edges tr[data-client=frontend][data-server=checkout]"))))
        .isEqualTo("frontend → checkout 120 0.033/s 12 10 % 48ms 62.4ms 63.7ms frontend's failed traces");
    assertThat(browser.findElement(By.id("map-legend")).getText())
        .contains("Size: requests per second").contains("Colour: error rate").contains("5 % or more")
        .contains("Sends no spans");
    Chromium.screenshot(browser, "map");
  }

  @Test
  void theBusierNodeIsBiggerTheFailingOneHasTheErrorColourAndAPeerIsDrawnApart() {
    open("/map?lookback=1h");
    waitFor(By.id("service-map"));
    WebElement frontend = node("frontend");
    WebElement checkout = node("checkout");
    assertThat(radius(frontend)).isGreaterThan(radius(checkout));
    assertThat(frontend.findElement(By.cssSelector("circle")).getSize().getWidth())
        .isGreaterThan(checkout.findElement(By.cssSelector("circle")).getSize().getWidth());

    assertThat(checkout.getAttribute("class")).contains("err-3");
    assertThat(fill(checkout.findElement(By.cssSelector(".node-shape")))).isEqualTo(ERROR_COLOUR);
    assertThat(fill(frontend.findElement(By.cssSelector(".node-shape")))).isNotEqualTo(ERROR_COLOUR);
    assertThat(frontend.getAttribute("class")).contains("err-0");
    // the edge into the failing service is drawn in the error colour too
    assertThat(browser.findElement(By.cssSelector("#service-map g.edge[data-client=frontend][data-server=checkout]"))
        .getAttribute("class")).contains("err-3");

    // postgresql sends no spans: a dashed box, not a circle, and not a link to a search of its spans
    WebElement postgresql = node("postgresql");
    assertThat(postgresql.getAttribute("class")).contains("peer");
    assertThat(postgresql.findElements(By.cssSelector("rect.node-shape"))).hasSize(1);
    assertThat(postgresql.findElements(By.cssSelector("circle"))).isEmpty();
    assertThat(browser.findElements(By.cssSelector("#service-map a.node-link g[data-service=postgresql]"))).isEmpty();
  }

  @Test
  void clickingANodeOffersItsSlowestAndFailedTracesAndSlowestOpensThatSearch() {
    open("/map?lookback=6h");
    waitFor(By.id("service-map"));
    node("checkout").findElement(By.cssSelector(".node-shape")).click();
    WebElement menu = visible(By.id("map-menu"));
    assertThat(menu.findElement(By.id("map-menu-title")).getText()).isEqualTo("checkout");
    assertThat(menu.findElement(By.id("map-menu-slow")).getDomAttribute("href"))
        .isEqualTo("/search?service=checkout&lookback=6h&sort=duration");
    assertThat(menu.findElement(By.id("map-menu-failed")).getDomAttribute("href"))
        .isEqualTo("/search?service=checkout&lookback=6h&errors=true");
    assertThat(browser.switchTo().activeElement().getAttribute("id")).as("focus moves into the menu").isEqualTo("map-menu-slow");
    Chromium.screenshot(browser, "map-menu");
    // Escape closes it; clicking the node again opens it
    browser.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.invisibilityOfElementLocated(By.id("map-menu")));
    assertThat(browser.getCurrentUrl()).as("the click itself does not navigate").contains("/map");
    assertThat(browser.switchTo().activeElement().getAttribute("class")).as("focus back on the node").isEqualTo("node-link");
    node("checkout").findElement(By.cssSelector(".node-shape")).click();
    visible(By.id("map-menu-slow")).click();

    new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.urlContains("/search?"));
    assertThat(browser.getCurrentUrl()).endsWith("/search?service=checkout&lookback=6h&sort=duration");
    waitFor(By.cssSelector("#traffic .traffic-charts"));
    assertThat(new Select(browser.findElement(By.id("service"))).getFirstSelectedOption().getAttribute("value"))
        .isEqualTo("checkout");
    assertThat(new Select(browser.findElement(By.id("lookback"))).getFirstSelectedOption().getAttribute("value"))
        .isEqualTo("6h");
    waitFor(By.id("sort-duration"));
    assertThat(browser.findElement(By.id("sort-duration")).getAttribute("class")).contains("active");
    assertThat(browser.findElement(By.id("errors")).isSelected()).isFalse();
    assertThat(resultIds()).as("slowest first, with or without errors")
        .containsExactly(hex(slowFine), hex(checkoutFailed), hex(checkoutAlone), hex(checkoutFine));
  }

  @Test
  void aNodesFailedTracesAreItsTracesWithAnErrorInTheWindow() {
    open("/map?lookback=6h");
    waitFor(By.id("service-map"));
    node("checkout").findElement(By.cssSelector(".node-shape")).click();
    visible(By.id("map-menu-failed")).click();

    new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.urlContains("/search?"));
    assertThat(browser.getCurrentUrl()).endsWith("/search?service=checkout&lookback=6h&errors=true");
    assertThat(resultIds()).as("newest first, only the failed ones")
        .containsExactly(hex(checkoutAlone), hex(checkoutFailed));
    assertThat(browser.findElements(By.cssSelector("#results table.result-list tbody tr.has-errors"))).hasSize(2);
    assertThat(browser.findElement(By.id("errors")).isSelected()).as("the form shows the filter").isTrue();
    assertThat(new Select(browser.findElement(By.id("lookback"))).getFirstSelectedOption().getAttribute("value"))
        .isEqualTo("6h");
    Chromium.screenshot(browser, "search-failed");

    // The checkbox round-trips: cleared and searched, the URL loses errors and every trace comes back.
    browser.findElement(By.id("errors")).click();
    browser.findElement(By.id("search-button")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> !d.getCurrentUrl().contains("errors="));
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> resultIds().size() == 4);
    assertThat(resultIds()).containsExactlyInAnyOrder(hex(checkoutAlone), hex(checkoutFailed), hex(checkoutFine), hex(slowFine));
    browser.findElement(By.id("errors")).click();
    browser.findElement(By.id("search-button")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.urlContains("errors=true"));
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> resultIds().size() == 2);
    browser.navigate().refresh();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> resultIds().size() == 2);
    assertThat(browser.findElement(By.id("errors")).isSelected()).isTrue();
    assertThat(resultIds()).containsExactly(hex(checkoutAlone), hex(checkoutFailed));
  }

  @Test
  void anEdgeOffersTheClientsSlowTracesAndItsFailedTraces() {
    open("/map");
    waitFor(By.id("service-map"));
    WebElement link = browser.findElement(By.xpath(
        "//*[local-name()='a' and @class='edge-link'][.//*[@data-client='frontend' and @data-server='checkout']]"));
    assertThat(link.getDomAttribute("href"))
        .endsWith("/search?service=frontend&lookback=1h&sort=duration&minDuration=62ms");
    clickEdge(link);
    WebElement menu = visible(By.id("map-menu"));
    assertThat(menu.findElement(By.id("map-menu-title")).getText()).isEqualTo("frontend → checkout");
    assertThat(menu.findElement(By.id("map-menu-slow")).getDomAttribute("href"))
        .isEqualTo("/search?service=frontend&lookback=1h&sort=duration&minDuration=62ms");
    assertThat(menu.findElement(By.id("map-menu-failed")).getDomAttribute("href"))
        .isEqualTo("/search?service=frontend&lookback=1h&errors=true");
    assertThat(menu.findElement(By.id("map-menu-note")).getText()).contains("cannot pick the server called");

    menu.findElement(By.id("map-menu-slow")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.urlContains("/search?"));
    assertThat(resultIds()).as("the client's traces lasting at least the p95")
        .containsExactly(hex(slowFine), hex(checkoutFailed));

    browser.navigate().back();
    waitFor(By.id("service-map"));
    clickEdge(browser.findElement(By.xpath(
        "//*[local-name()='a' and @class='edge-link'][.//*[@data-client='frontend' and @data-server='checkout']]")));
    visible(By.id("map-menu-failed")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.urlContains("errors=true"));
    assertThat(browser.getCurrentUrl()).endsWith("/search?service=frontend&lookback=1h&errors=true");
    assertThat(resultIds()).as("the client's failed traces, this edge's among them")
        .containsExactly(hex(frontendFailed), hex(checkoutFailed));
  }

  @Test
  void theTablesLinkEachServiceAndCallToItsFailedTraces() {
    open("/map?lookback=6h");
    waitFor(By.id("service-map"));
    assertThat(browser.findElement(By.cssSelector("#map-services tr[data-service=checkout] a.failed-link"))
            .getDomAttribute("href"))
        .isEqualTo("/search?service=checkout&lookback=6h&errors=true");
    assertThat(browser.findElements(By.cssSelector("#map-services tr[data-service=postgresql] a.failed-link")))
        .as("a peer has no spans to search").isEmpty();
    WebElement edge = browser.findElement(By.cssSelector("#map-edges tr[data-client=checkout][data-server=postgresql] a.failed-link"));
    assertThat(edge.getText()).isEqualTo("checkout's failed traces");
    assertThat(edge.getDomAttribute("href")).isEqualTo("/search?service=checkout&lookback=6h&errors=true");
  }

  @Test
  void aWindowWithoutTrafficSaysSoAndWhoCountsIt() {
    open("/map");
    waitFor(By.id("service-map"));
    new Select(browser.findElement(By.id("map-window"))).selectByValue("15m");
    WebElement empty = waitFor(By.id("map-empty-hint"));
    assertThat(browser.getCurrentUrl()).endsWith("/map?lookback=15m");
    assertThat(browser.findElement(By.id("map-body")).getText())
        .contains("No traffic counted in this window")
        .contains("sampler role");
    assertThat(empty.getText()).contains("sampler role");
    assertThat(browser.findElements(By.id("service-map"))).isEmpty();
    Chromium.screenshot(browser, "map-empty");

    browser.navigate().back();
    waitFor(By.id("service-map"));
    assertThat(new Select(browser.findElement(By.id("map-window"))).getFirstSelectedOption().getAttribute("value"))
        .isEqualTo("1h");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theLayoutPutsCallersLeftCutsCyclesAndDependsOnlyOnTheGraph() {
    open("/map");
    waitFor(By.id("service-map"));
    // graph-layout.js itself, on graphs the seeded counts do not have: a cycle, a peer, a node alone,
    // and 50 services in a chain (no recursion limit); the same graph listed in another order. In the
    // cycle frontend calls three, checkout two, each is called once: the walk starts at frontend.
    Map<String, Object> result = (Map<String, Object>) browser.executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "import('/static/graph-layout.js').then(({ layoutGraph }) => {"
            + "  const edges = [['frontend','checkout'],['checkout','frontend'],['checkout','postgresql'],"
            + "    ['frontend','cart'],['cart','postgresql'],['frontend','postgresql']].map(([client, server]) => ({ client, server }));"
            + "  const names = ['postgresql','cart','checkout','frontend','batch'];"
            + "  const a = layoutGraph(names, edges);"
            + "  const b = layoutGraph([...names].reverse(), [...edges].reverse());"
            + "  const chain = Array.from({ length: 50 }, (_, i) => 's' + String(i).padStart(2, '0'));"
            + "  const long = layoutGraph(chain, chain.slice(1).map((s, i) => ({ client: chain[i], server: s })));"
            + "  done({ columns: a.columns, same: JSON.stringify(a.columns) === JSON.stringify(b.columns),"
            + "    backward: [...a.backward].map((k) => k.replace('\\u0000', '>')), chainColumns: long.columns.length });"
            + "}, (e) => done({ error: String(e) }));");
    assertThat(result).doesNotContainKey("error");
    assertThat(result.get("columns")).isEqualTo(
        List.of(List.of("batch", "frontend"), List.of("cart", "checkout"), List.of("postgresql")));
    assertThat(result.get("backward")).isEqualTo(List.of("checkout>frontend"));
    assertThat(result.get("same")).isEqualTo(true);
    assertThat(result.get("chainColumns")).isEqualTo(50L);
  }

  // --- the search page's charts

  @Test
  void theSearchForAServiceShowsItsRateErrorsAndLatencyAndTheShareStored() {
    open("/search?service=checkout&lookback=1h");
    waitFor(By.cssSelector("#traffic .traffic-charts"));
    WebElement traffic = browser.findElement(By.id("traffic"));
    assertThat(traffic.findElement(By.tagName("h2")).getText()).isEqualTo("Traffic of checkout");
    assertThat(text(browser.findElement(By.id("traffic-rate")))).startsWith("Rate 0.033/s · 120 calls");
    assertThat(text(browser.findElement(By.id("traffic-errors")))).startsWith("Error rate 10 % · 12 errors");
    assertThat(text(browser.findElement(By.id("traffic-latency"))))
        .startsWith("Latency p50 48ms · p95 62.4ms · p99 63.7ms");
    // three charts, each with its axes labelled and a line: rate and errors one, latency three quantiles
    assertThat(traffic.findElements(By.cssSelector("svg.line-chart"))).hasSize(3);
    for (String id : List.of("traffic-rate", "traffic-errors", "traffic-latency")) {
      WebElement chart = browser.findElement(By.id(id));
      assertThat(chart.findElements(By.cssSelector(".axis-label"))).as(id).hasSize(4);
      assertThat(chart.findElement(By.cssSelector(".x-from")).getText()).as(id).matches("\\d\\d:\\d\\d");
    }
    assertThat(browser.findElements(By.cssSelector("#traffic-latency path.series"))).hasSize(3);
    // the error rate's top: the worst minute, 5 of 24 calls
    assertThat(browser.findElement(By.cssSelector("#traffic-errors .y-top")).getText()).isEqualTo("21 %");
    assertThat(text(browser.findElement(By.id("stored-note"))))
        .isEqualTo("From all 25 710 traces decided in this window; 1 234 (4.8 %) were stored — cluster-wide, all services.");
    Chromium.screenshot(browser, "search-traffic");
  }

  @Test
  void anOperationNarrowsTheChartsToItsSpans() {
    open("/search?service=frontend&operation=POST%20%2Fcheckout&lookback=1h");
    waitFor(By.cssSelector("#traffic .traffic-charts"));
    assertThat(browser.findElement(By.cssSelector("#traffic h2")).getText()).isEqualTo("Traffic of frontend: POST /checkout");
    assertThat(text(browser.findElement(By.id("traffic-errors")))).startsWith("Error rate 10 % · 12 errors");
    assertThat(text(browser.findElement(By.id("traffic-rate")))).startsWith("Rate 0.033/s · 120 calls");
  }

  @Test
  void withoutAServiceThereAreNoCharts() {
    open("/search?lookback=1h");
    waitFor(By.cssSelector("#results .results-header, #results .message"));
    assertThat(browser.findElement(By.id("traffic")).isDisplayed()).isFalse();
    assertThat(browser.findElements(By.cssSelector("#traffic svg"))).isEmpty();
  }

  @Test
  void whenTheTrafficApiFailsTheSearchSaysSoAndStillSearches() {
    browser.get(serverWithoutTraffic.baseUrl() + "/search?service=checkout&lookback=1h");
    WebElement problem = waitFor(By.cssSelector("#traffic .message.error"));
    assertThat(problem.getText()).startsWith("The traffic figures could not be loaded: this server does not answer /api/v1/traffic (404)");
    waitFor(By.cssSelector("#results .results-header"));
  }

  // --- helpers

  private void open(String path) {
    browser.get(server.baseUrl() + path);
  }

  private WebElement waitFor(By by) {
    return new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(by));
  }

  /** A pointer click on the middle of an edge's line (a thin stroke, which WebElement.click refuses). */
  private void clickEdge(WebElement edgeLink) {
    new Actions(browser).moveToElement(edgeLink.findElement(By.cssSelector(".edge-line"))).click().perform();
  }

  private WebElement visible(By by) {
    return new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  /** The trace IDs of the search page's results, in order, once the results are shown. */
  private List<String> resultIds() {
    waitFor(By.cssSelector("#results .results-header"));
    return browser.findElements(By.cssSelector("#results table.result-list tbody tr")).stream()
        .map(row -> row.getAttribute("data-trace-id"))
        .toList();
  }

  private static String hex(TraceId traceId) {
    return traceId.toHex();
  }

  private WebElement node(String service) {
    return browser.findElement(By.cssSelector("#service-map g.node[data-service='" + service + "']"));
  }

  private WebElement edgeLabel(String client, String server) {
    return browser.findElement(By.cssSelector(
        "#service-map text.edge-label[data-client='" + client + "'][data-server='" + server + "']"));
  }

  private static double radius(WebElement node) {
    return Double.parseDouble(node.getAttribute("data-radius"));
  }

  private static int centreX(WebElement node) {
    WebElement shape = node.findElement(By.cssSelector(".node-shape"));
    return shape.getRect().getX() + shape.getRect().getWidth() / 2;
  }

  private String fill(WebElement shape) {
    return (String) browser.executeScript("return getComputedStyle(arguments[0]).fill", shape);
  }

  /** Text as read, its no-break spaces (between thousands) as spaces, runs of white space as one. */
  private static String text(WebElement element) {
    Function<String, String> normal = s -> s.replace('\u00a0', ' ').replaceAll("\\s+", " ").trim();
    return normal.apply(element.getText());
  }
}
