package io.tailkeep.ui.web;

import io.tailkeep.sampler.testing.TestClock;
import static io.tailkeep.store.testing.TestSpans.attr;
import static io.tailkeep.store.testing.TestSpans.nanos;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.query.QueryApi;
import io.tailkeep.query.QueryApiOptions;
import io.tailkeep.query.TrafficApi;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.cassandra.CassandraStorage;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.TestCassandra;
import io.tailkeep.store.testing.TestSpans;
import io.tailkeep.ui.jaeger.JaegerApi;
import io.tailkeep.ui.sampling.PartitionOwners;
import io.tailkeep.ui.sampling.RecentRuleCounts;
import io.tailkeep.ui.sampling.SamplingApi;
import io.tailkeep.ui.sampling.SamplingView;
import io.tailkeep.ui.sampling.SamplingView.ActiveRules;
import io.tailkeep.ui.sampling.SamplingView.CandidateFileStatus;
import io.tailkeep.ui.sampling.SamplingView.CandidateState;
import io.tailkeep.ui.sampling.SamplingView.Comparison;
import io.tailkeep.ui.sampling.SamplingView.DisagreeingTrace;
import io.tailkeep.ui.sampling.SamplingView.Disagreement;
import io.tailkeep.ui.sampling.SamplingView.RuleEffect;
import io.tailkeep.ui.sampling.SamplingView.FileStatus;
import io.tailkeep.ui.sampling.SamplingView.Refusal;
import io.tailkeep.ui.sampling.SamplingView.RuleText;
import io.tailkeep.ui.sampling.SamplingView.TraceDecision;
import io.tailkeep.ui.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages in headless Chromium, over the real APIs on a real Cassandra node (keyspace {@code
 * ui_api_web_test}):
 *
 * <pre>
 * trace   service    root op        start        duration  spans
 * small   {p}-shop   POST /checkout now-5 min    120 ms    5: load cart > SELECT cart (shop-db);
 *                                                              charge card (payments, ERROR);
 *                                                              a span named like markup
 * big     {p}-shop   GET /report    now-10 min   2 s       5 000, a 4-ary tree over 5 services
 * </pre>
 *
 * Screenshots land in target/screenshots. The 5 000-span render time is printed, not asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiBrowserTest {

  private static final String KEYSPACE = "ui_api_web_test";
  private static final long MS = 1_000_000L;
  private static final int BIG_SPANS = 5_000;
  private static final String MARKUP_NAME = "<img src=x onerror=\"window.__pwned=1\">";
  /** The rules the page shows. */
  private static final ActiveRules RULES = new ActiveRules("rules.yaml", "ab12cd34ef56" + "0".repeat(52), List.of(
      new RuleText("keep-errors", "", "all", List.of("error: true"), "keep: {}"),
      new RuleText("keep-slow", "Roots of a second or more.", "all", List.of("duration: {of: root, gte: 1s}"), "keep: {}"),
      new RuleText("baseline-checkout", "", "all", List.of("service: {of: root, in: [shop]}"), "keep: {percent: 10}")),
      "default", false);

  private final TestSpans testSpans = new TestSpans(6);
  private final String prefix = "web-" + UUID.randomUUID().toString().substring(0, 8);
  private final String shop = prefix + "-shop";
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  private SpanStore store;
  private TestServer server;
  private ChromeDriver browser;
  private TraceId smallId;
  private TraceId bigId;
  private FixedSamplingView sampling;

  @BeforeAll
  void seedStartServerAndBrowser() throws Exception {
    browser = Chromium.start();
    store = storage(TestCassandra.shared()).open();
    smallId = testSpans.newTraceId();
    write(smallTrace(smallId, nanos(now.minus(Duration.ofMinutes(5)))), new Sampling("baseline-checkout", 0.1));
    bigId = testSpans.newTraceId();
    write(bigTrace(bigId, nanos(now.minus(Duration.ofMinutes(10)))), new Sampling("keep-slow", 1.0));

    sampling = new FixedSamplingView(RULES);
    sampling.comparison = candidateComparison();
    sampling.decision = new TraceDecision(smallId, true, "baseline-checkout", 0.1, false, "root_grace", now, 5, 0, RULES.version());
    TestClock clock = new TestClock(now.minus(Duration.ofMinutes(2)));
    RecentRuleCounts recent = new RecentRuleCounts(sampling, clock, Duration.ofSeconds(10), 90);
    sampling.kept = Map.of("keep-errors", 40L, "keep-slow", 12L, "baseline-checkout", 7L);
    sampling.dropped = Map.of("baseline-checkout", 60L, "default", 300L);
    recent.sample();
    clock.advance(Duration.ofMinutes(2));
    sampling.kept = Map.of("keep-errors", 43L, "keep-slow", 13L, "baseline-checkout", 9L);
    sampling.dropped = Map.of("baseline-checkout", 78L, "default", 321L);
    recent.sample();

    server =
        TestServer.start(
            router -> {
              QueryApi.mount(router, store.reader(), QueryApiOptions.defaults());
              TrafficApi.mount(router, store.traffic(), store.samplingCounts(), QueryApiOptions.defaults());
              JaegerApi.mount(router, store.reader());
              SamplingApi.mount(router, sampling, recent);
              WebUi.mount(router, Optional.of(new LogsLink("Logs in Loki",
                  "https://logs.example/search?q=trace_id%3D{traceId}&span={spanId}&from={startMs}&to={endMs}")));
            });
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private static CassandraStorage storage(CassandraEndpoint node) {
    return CassandraStorage.builder()
        .contactPoints(List.of(node.contactPoint()))
        .localDatacenter(node.localDatacenter())
        .keyspace(KEYSPACE)
        .build();
  }

  private void write(List<OtlpSpan> spans, Sampling how) {
    store.writer().write(SpanBatch.of(spans, how)).toCompletableFuture().join();
  }

  private List<OtlpSpan> smallTrace(TraceId id, long start) {
    SpanId root = testSpans.newSpanId();
    SpanId loadCart = testSpans.newSpanId();
    SpanId charge = testSpans.newSpanId();
    OtlpSpan failing =
        testSpans.span(
            id,
            charge,
            root,
            prefix + "-payments",
            "charge card",
            start + 40 * MS,
            60 * MS,
            attr("payment.provider", "acme"),
            attr("card.brand", "<b>visa</b>"));
    return List.of(
        testSpans.span(id, root, null, shop, "POST /checkout", start, 120 * MS, attr("http.route", "/checkout")),
        testSpans.span(id, loadCart, root, shop, "load cart", start + 5 * MS, 30 * MS),
        testSpans.span(id, testSpans.newSpanId(), loadCart, prefix + "-shop-db", "SELECT cart", start + 10 * MS, 20 * MS),
        new OtlpSpan(
            failing.resource(),
            failing.resourceSchemaUrl(),
            failing.scope(),
            failing.scopeSchemaUrl(),
            failing.span().toBuilder()
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("card declined"))
                .build()),
        testSpans.span(id, testSpans.newSpanId(), root, shop, MARKUP_NAME, start + 100 * MS, 5 * MS));
  }

  /** A 4-ary tree: span i's parent is span (i - 1) / 4, each child inside its parent's time. */
  private List<OtlpSpan> bigTrace(TraceId id, long start) {
    List<OtlpSpan> spans = new ArrayList<>(BIG_SPANS);
    List<SpanId> ids = new ArrayList<>(BIG_SPANS);
    long[] starts = new long[BIG_SPANS];
    long[] durations = new long[BIG_SPANS];
    starts[0] = start;
    durations[0] = 2_000 * MS;
    for (int i = 0; i < BIG_SPANS; i++) {
      SpanId spanId = testSpans.newSpanId();
      ids.add(spanId);
      SpanId parent = null;
      if (i > 0) {
        int p = (i - 1) / 4;
        int nth = (i - 1) % 4;
        durations[i] = Math.max(1_000, durations[p] / 5);
        starts[i] = starts[p] + nth * (durations[p] / 4);
        parent = ids.get(p);
      }
      String service = i == 0 ? shop : prefix + "-svc" + (i % 5);
      String name = i == 0 ? "GET /report" : "step-" + i;
      spans.add(testSpans.span(id, spanId, parent, service, name, starts[i], durations[i], attr("step", String.valueOf(i))));
    }
    return spans;
  }

  // --- search

  @Test
  void searchByServiceFindsTheSeededTraceAndKeepsTheFiltersInTheUrl() {
    open("/search");
    WebElement service = waitFor(By.cssSelector("#service option[value='" + shop + "']"));
    new Select(browser.findElement(By.id("service"))).selectByValue(service.getAttribute("value"));
    browser.findElement(By.id("search-button")).click();

    waitFor(By.cssSelector("tr.result[data-trace-id='" + smallId.toHex() + "']"));
    List<WebElement> rows = browser.findElements(By.cssSelector("tr.result"));
    assertThat(rows).hasSize(2);
    // Newest first by default: the small trace started later.
    assertThat(rows.get(0).getAttribute("data-trace-id")).isEqualTo(smallId.toHex());
    assertThat(rows.get(0).getText())
        .contains(shop + ": POST /checkout", "120ms", "baseline-checkout (10 %)");
    assertThat(browser.findElements(By.cssSelector("svg.scatter circle.dot"))).hasSize(2);
    // The small trace was kept at 10 %, the big one whole: 10 + 1 real traces.
    assertThat(browser.findElement(By.id("stands-for")).getText()).isEqualTo("stored, standing for about 11 real traces");
    assertThat(browser.getCurrentUrl()).contains("/search?").contains("service=" + shop);
    Chromium.screenshot(browser, "search");

    // Slowest first, one click away.
    browser.findElement(By.id("sort-duration")).click();
    waitFor(By.cssSelector("#sort-duration.active"));
    waitFor(By.cssSelector("tr.result"));
    assertThat(browser.findElements(By.cssSelector("tr.result")).get(0).getAttribute("data-trace-id"))
        .isEqualTo(bigId.toHex());
    assertThat(browser.getCurrentUrl()).contains("sort=duration");
  }

  @Test
  void aSharedSearchUrlFillsTheFormAndSearches() {
    open("/search?service=" + encode(shop) + "&operation=" + encode("POST /checkout") + "&minDuration=100ms&lookback=3h&limit=5");
    waitFor(By.cssSelector("tr.result[data-trace-id='" + smallId.toHex() + "']"));
    assertThat(browser.findElements(By.cssSelector("tr.result"))).hasSize(1);
    assertThat(new Select(browser.findElement(By.id("service"))).getFirstSelectedOption().getAttribute("value")).isEqualTo(shop);
    assertThat(new Select(browser.findElement(By.id("operation"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("POST /checkout");
    assertThat(browser.findElement(By.id("minDuration")).getAttribute("value")).isEqualTo("100ms");
    assertThat(browser.findElement(By.id("limit")).getAttribute("value")).isEqualTo("5");
    assertThat(new Select(browser.findElement(By.id("lookback"))).getFirstSelectedOption().getText()).isEqualTo("Last 3h");
  }

  @Test
  void aTagTypedIntoTheFormNarrowsTheSearchAndIsKeptInTheUrl() {
    open("/search");
    waitFor(By.cssSelector("#service option[value='" + shop + "']"));
    new Select(browser.findElement(By.id("service"))).selectByValue(shop);
    browser.findElement(By.id("tags")).sendKeys("http.route=/checkout");
    browser.findElement(By.id("search-button")).click();

    waitFor(By.cssSelector("tr.result"));
    assertThat(browser.findElements(By.cssSelector("tr.result")))
        .extracting(row -> row.getAttribute("data-trace-id"))
        .containsExactly(smallId.toHex());
    assertThat(browser.getCurrentUrl()).contains("tags=http.route%3A%2Fcheckout");

    browser.navigate().refresh();
    waitFor(By.cssSelector("tr.result"));
    assertThat(browser.findElement(By.id("tags")).getAttribute("value")).isEqualTo("http.route=/checkout");
  }

  @Test
  void aRefusedSearchSaysWhy() {
    open("/search?service=" + encode(shop) + "&minDuration=fast");
    WebElement error = waitFor(By.cssSelector("#results .message.error"));
    assertThat(error.getText()).contains("minDuration").contains("fast");
  }

  @Test
  void thePastedTraceIdBoxOpensTheTraceOrSaysWhatIsWrong() {
    open("/search");
    browser.findElement(By.id("trace-id-input")).sendKeys("xyz");
    browser.findElement(By.cssSelector("#trace-id-form button")).click();
    assertThat(waitFor(By.cssSelector("#trace-id-message:not([hidden])")).getText()).contains("not a trace ID");

    browser.findElement(By.id("trace-id-input")).clear();
    browser.findElement(By.id("trace-id-input")).sendKeys(smallId.toHex());
    browser.findElement(By.cssSelector("#trace-id-form button")).click();
    waitFor(By.cssSelector(".span-row"));
    assertThat(browser.getCurrentUrl()).endsWith("/trace/" + smallId.toHex());
  }

  // --- trace

  @Test
  void theWaterfallRendersEverySpanOfA5000SpanTrace() {
    open("/trace/" + bigId.toHex());
    waitFor(By.cssSelector("#render-time:not(:empty)"));
    Long rows = (Long) browser.executeScript("return document.querySelectorAll('.span-row').length");
    assertThat(rows).isEqualTo(BIG_SPANS);
    Object spanIds =
        browser.executeScript(
            "return new Set([...document.querySelectorAll('.span-row')].map(r => r.dataset.spanId)).size");
    assertThat(spanIds).isEqualTo((long) BIG_SPANS);
    assertThat(browser.findElement(By.id("kept-by")).getText()).contains("keep-slow").contains("100 %");
    // A figure to read in the test output, not a pass/fail criterion (timing belongs in benchmarks).
    System.out.println(browser.findElement(By.id("render-time")).getText());
    Chromium.screenshot(browser, "trace-5000-spans");
  }

  @Test
  void clickingASpanShowsItsAttributesAndTheHeaderHowTheTraceWasKept() {
    open("/trace/" + smallId.toHex());
    waitFor(By.cssSelector(".span-row"));
    assertThat(browser.findElements(By.cssSelector(".span-row"))).hasSize(5);
    assertThat(browser.findElement(By.id("kept-by")).getText()).contains("baseline-checkout").contains("10 %");
    assertThat(browser.findElement(By.id("download-otlp")).getAttribute("href"))
        .endsWith("/api/v3/traces/" + smallId.toHex());
    WebElement charge = spanRow("charge card");
    assertThat(charge.getAttribute("class")).contains("error");
    assertThat(charge.findElements(By.cssSelector(".error-mark"))).hasSize(1);

    charge.findElement(By.cssSelector(".operation")).click();
    WebElement detail = waitFor(By.cssSelector("#span-detail .detail-attributes"));
    assertThat(detail.getText()).contains("payment.provider").contains("acme").contains("<b>visa</b>");
    assertThat(browser.findElement(By.id("span-detail")).getText())
        .contains("ERROR: card declined")
        .contains("service.name");
    // resource and scope come from the trace's tables, by the span's indexes
    assertThat(browser.findElement(By.cssSelector("#span-detail .detail-resource")).getText())
        .contains(prefix + "-payments");
    assertThat(browser.findElement(By.cssSelector("#span-detail .detail-scope")).getText())
        .contains(TestSpans.scope().getName());
    // The configured link to logs, filled for this trace: its ID and its time range in epoch ms.
    WebElement logs = browser.findElement(By.id("logs-link"));
    assertThat(logs.getText()).isEqualTo("Logs in Loki");
    long startMs = now.minus(Duration.ofMinutes(5)).toEpochMilli();
    assertThat(logs.getAttribute("href")).isEqualTo("https://logs.example/search?q=trace_id%3D" + smallId.toHex()
        + "&span=" + charge.getAttribute("data-span-id") + "&from=" + startMs + "&to=" + (startMs + 120));
    Chromium.screenshot(browser, "trace");

    // A plain span: the API leaves out its UNSET status and its empty attributes, events and links.
    spanRow("load cart").findElement(By.cssSelector(".operation")).click();
    waitFor(By.xpath("//*[@id='span-detail']//h2[contains(., 'load cart')]"));
    WebElement plain = browser.findElement(By.id("span-detail"));
    assertThat(plain.findElement(By.cssSelector(".kv.overview")).getText()).contains("Status").contains("UNSET");
    for (String section : List.of("attributes", "events", "links")) {
      assertThat(plain.findElement(By.cssSelector(".detail-" + section + " .empty")).getText()).isEqualTo("none");
    }
  }

  @Test
  void collapsingASubtreeHidesItsDescendants() {
    open("/trace/" + smallId.toHex());
    waitFor(By.cssSelector(".span-row"));
    WebElement loadCart = spanRow("load cart");
    WebElement select = spanRow("SELECT cart");
    assertThat(select.isDisplayed()).isTrue();

    loadCart.findElement(By.cssSelector(".toggle")).click();
    assertThat(select.isDisplayed()).isFalse();
    assertThat(spanRow("charge card").isDisplayed()).isTrue();

    loadCart.findElement(By.cssSelector(".toggle")).click();
    assertThat(select.isDisplayed()).isTrue();

    spanRow("POST /checkout").findElement(By.cssSelector(".toggle")).click();
    assertThat(browser.findElements(By.cssSelector(".span-row")).stream().filter(WebElement::isDisplayed)).hasSize(1);
  }

  @Test
  void spanNamesAndValuesAreShownAsTextNeverAsMarkup() {
    open("/trace/" + smallId.toHex());
    waitFor(By.cssSelector(".span-row"));
    assertThat(spanRow(MARKUP_NAME).getText()).contains(MARKUP_NAME);
    assertThat(browser.findElements(By.cssSelector("#main img"))).isEmpty();
    assertThat(browser.executeScript("return window.__pwned === undefined")).isEqualTo(true);
  }

  @Test
  void aBadOrUnknownTraceIdGivesAMessage() {
    open("/trace/not-a-trace");
    assertThat(waitFor(By.cssSelector("#main .message.error")).getText())
        .contains("\"not-a-trace\" is not a trace ID");
    Chromium.screenshot(browser, "trace-bad-id");

    open("/trace/0123456789abcdef0123456789abcdef");
    assertThat(waitFor(By.cssSelector("#main .message.error")).getText())
        .contains("Trace 0123456789abcdef0123456789abcdef was not found");
  }

  // --- sampling

  @Test
  void theSamplingPageListsTheRulesInOrderWithTheirCounts() {
    open("/sampling");
    waitFor(By.cssSelector("#rule-list tbody tr"));
    List<String> names =
        browser.findElements(By.cssSelector("#rule-list .rule-name")).stream().map(WebElement::getText).toList();
    assertThat(names).containsExactly("keep-errors", "keep-slow", "baseline-checkout", "default");
    WebElement baseline = browser.findElement(By.cssSelector("#rule-list tr[data-rule='baseline-checkout']"));
    assertThat(baseline.findElement(By.cssSelector(".recent-kept")).getText()).isEqualTo("2");
    assertThat(baseline.findElement(By.cssSelector(".recent-dropped")).getText()).isEqualTo("18");
    assertThat(baseline.findElement(By.cssSelector(".kept")).getText()).isEqualTo("9");
    assertThat(baseline.findElement(By.cssSelector(".dropped")).getText()).isEqualTo("78");
    // Each rule as written: its conditions and action; the version of the rules in force.
    assertThat(baseline.findElement(By.cssSelector(".rule-conditions")).getText())
        .isEqualTo("service: {of: root, in: [shop]}");
    assertThat(baseline.findElement(By.cssSelector(".rule-action")).getText()).isEqualTo("then keep: {percent: 10}");
    WebElement slow = browser.findElement(By.cssSelector("#rule-list tr[data-rule='keep-slow']"));
    assertThat(slow.findElement(By.cssSelector(".rule-description")).getText()).isEqualTo("Roots of a second or more.");
    assertThat(browser.findElement(By.id("rules-version")).getText()).isEqualTo("ab12cd34ef56");
    assertThat(browser.findElement(By.id("rules")).getText()).contains("Last 2 min");
    assertThat(browser.findElement(By.cssSelector("#file-status")).getText()).contains("/etc/tailkeep/rules.yaml");
    assertThat(browser.findElement(By.id("reload-error")).getText()).contains("rules.yaml:4:21");
    Chromium.screenshot(browser, "sampling");
  }

  /**
   * The candidate on trial: the rules in force kept the small trace (stored) and one more; the
   * candidate keeps two traces they dropped.
   */
  private Comparison candidateComparison() {
    Instant since = now.minus(Duration.ofMinutes(20));
    return new Comparison("/etc/tailkeep/candidate.yaml", "cd34ef56ab12" + "0".repeat(52), List.of(
        new RuleText("keep-errors", "", "all", List.of("error: true"), "keep: {}"),
        new RuleText("keep-checkout-tenants", "", "all", List.of("attribute: {key: tenant, exists: true}"),
            "keep: {per_second: 5, by: [tenant]}")),
        false, since, now.minus(Duration.ofMinutes(15)), now, 400, 52, 41,
        List.of(new RuleEffect("keep-errors", 39, 0), new RuleEffect("keep-checkout-tenants", 2, 7),
            new RuleEffect("default", 0, 352)),
        new Disagreement(13, List.of(
            new DisagreeingTrace(smallId, now.minusSeconds(30), "baseline-checkout", "default"),
            new DisagreeingTrace(bigId, now.minusSeconds(90), "keep-slow", "default"))),
        new Disagreement(2, List.of(
            new DisagreeingTrace(TraceId.fromHex("00000000000000000000000000c0ffee"), now.minusSeconds(40),
                "default", "keep-checkout-tenants"))));
  }

  @Test
  void theSamplingPageShowsTheCandidateBesideTheRulesAndAListedTraceOpens() {
    open("/sampling");
    WebElement comparison = waitFor(By.id("candidate-comparison"));
    assertThat(comparison.getText()).contains("/etc/tailkeep/candidate.yaml").contains("400 traces decided");
    assertThat(browser.findElement(By.id("candidate-version")).getText()).isEqualTo("cd34ef56ab12");
    assertThat(browser.findElement(By.cssSelector("#candidate-rates tr[data-side='live'] .kept")).getText()).isEqualTo("52");
    assertThat(browser.findElement(By.cssSelector("#candidate-rates tr[data-side='candidate'] .kept")).getText()).isEqualTo("41");
    List<String> names = browser.findElements(By.cssSelector("#candidate-rules .rule-name")).stream()
        .map(WebElement::getText).toList();
    assertThat(names).containsExactly("keep-errors", "keep-checkout-tenants", "default");
    WebElement tenants = browser.findElement(By.cssSelector("#candidate-rules tr[data-rule='keep-checkout-tenants']"));
    assertThat(tenants.findElement(By.cssSelector(".rule-action")).getText()).isEqualTo("then keep: {per_second: 5, by: [tenant]}");
    assertThat(tenants.findElement(By.cssSelector(".kept")).getText()).isEqualTo("2");
    assertThat(tenants.findElement(By.cssSelector(".dropped")).getText()).isEqualTo("7");
    WebElement onlyLive = browser.findElement(By.id("candidate-kept-only-live"));
    assertThat(onlyLive.findElement(By.cssSelector(".disagreement-count")).getText()).isEqualTo("13");
    assertThat(onlyLive.getText()).contains("the newest 2");
    WebElement onlyCandidate = browser.findElement(By.id("candidate-kept-only-candidate"));
    assertThat(onlyCandidate.getText()).contains("00000000000000000000000000c0ffee").contains("keep-checkout-tenants");
    browser.executeScript("arguments[0].scrollIntoView()", browser.findElement(By.id("candidate")));
    Chromium.screenshot(browser, "sampling-candidate");

    onlyLive.findElement(By.cssSelector("tr[data-trace-id='" + smallId.toHex() + "'] a")).click();
    waitFor(By.cssSelector(".span-row"));
    assertThat(browser.getCurrentUrl()).endsWith("/trace/" + smallId.toHex());
    assertThat(browser.findElements(By.cssSelector(".span-row"))).hasSize(5);
  }

  @Test
  void aCandidatePastedOnThePageIsRefusedWithItsProblemsOrPutOnTrial() {
    try {
      pasteACandidate();
    } finally {
      sampling.comparison = candidateComparison(); // as the other tests expect it
    }
  }

  private void pasteACandidate() {
    open("/sampling");
    waitFor(By.id("candidate-comparison"));
    browser.findElement(By.cssSelector("#candidate .candidate-propose summary")).click();
    WebElement text = browser.findElement(By.id("candidate-text"));
    text.sendKeys("rules:\n  - name: x\n    keep: {percent: 250}\n");
    browser.findElement(By.cssSelector("#candidate-form button")).click();
    WebElement refusal = waitFor(By.cssSelector("#candidate-answer pre"));
    assertThat(refusal.getText()).contains("uploaded:3:11: 'percent' must be between 0 and 100, got 250");
    assertThat(sampling.proposed).isEmpty();

    text.clear();
    text.sendKeys("rules: []\n");
    browser.findElement(By.cssSelector("#candidate-form button")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(
        d -> d.findElement(By.id("candidate-comparison")).getText().contains("from uploaded"));
    assertThat(sampling.proposed).containsExactly("rules: []\n");

    browser.findElement(By.id("candidate-withdraw")).click();
    assertThat(waitFor(By.id("candidate-none")).getText()).contains("No candidate on trial");
  }

  @Test
  void theWhyBoxShowsTheDecisionOrSaysWhatIsWrong() {
    open("/sampling");
    WebElement input = waitFor(By.id("why-input"));
    input.sendKeys(smallId.toHex());
    browser.findElement(By.cssSelector("#why-form button")).click();
    WebElement answer = waitFor(By.cssSelector("#why-answer .decision"));
    assertThat(answer.getText()).contains("Kept by rule baseline-checkout").contains("10 %").contains("root grace")
        .contains("ab12cd34ef56");
    Chromium.screenshot(browser, "sampling-why");

    input.clear();
    input.sendKeys("nope");
    browser.findElement(By.cssSelector("#why-form button")).click();
    assertThat(waitFor(By.cssSelector("#why-answer .message.error")).getText()).contains("\"nope\" is not a trace ID");

    open("/sampling?why=0123456789abcdef0123456789abcdef");
    assertThat(waitFor(By.cssSelector("#why-answer .message.error")).getText()).contains("no recent decision");
  }

  @Test
  void onKafkaTheSamplingPageShowsWhoOwnsEachPartitionWithItsLag() {
    try {
      // The all-in-one: no section at all.
      open("/sampling");
      WebElement off = waitFor(By.cssSelector("#partitions[data-kafka='false']"));
      assertThat(off.isDisplayed()).isFalse();

      sampling.owners = CompletableFuture.completedFuture(Optional.of(new PartitionOwners(
          "tailkeep-spans", "tailkeep-samplers", "Stable", now,
          List.of(
              new PartitionOwners.Partition(0, Optional.of(new PartitionOwners.Owner("sampler-a", "sampler-a-0")),
                  OptionalLong.of(1200), 1250, 50),
              new PartitionOwners.Partition(1, Optional.of(new PartitionOwners.Owner("sampler-a", "sampler-a-1")),
                  OptionalLong.of(900), 907, 7),
              new PartitionOwners.Partition(2, Optional.empty(), OptionalLong.empty(), 300, 300)),
          List.of(new PartitionOwners.Node("sampler-a", 2, 57)))));
      open("/sampling");
      waitFor(By.cssSelector("#partition-list tbody tr"));
      WebElement section = browser.findElement(By.id("partitions"));
      assertThat(section.isDisplayed()).isTrue();
      assertThat(browser.findElement(By.id("partition-summary")).getText())
          .contains("Topic tailkeep-spans, consumer group tailkeep-samplers: Stable")
          .contains("3 partitions, 1 unowned, 357 records behind");
      assertThat(section.findElement(By.cssSelector(".message.warning")).getText())
          .contains("1 of 3 partitions without an owner");
      WebElement node = browser.findElement(By.cssSelector("#partition-nodes tr[data-node='sampler-a']"));
      assertThat(node.findElement(By.cssSelector(".partition-count")).getText()).isEqualTo("2");
      assertThat(node.findElement(By.cssSelector(".lag")).getText()).isEqualTo("57");
      List<String> rows = browser.findElements(By.cssSelector("#partition-list tbody tr")).stream()
          .map(WebElement::getText).toList();
      assertThat(rows).containsExactly(
          "0 sampler-a sampler-a-0 1200 1250 50",
          "1 sampler-a sampler-a-1 900 907 7",
          "2 unowned none 300 300");
      assertThat(browser.findElement(By.cssSelector("#partition-list tr[data-partition='2']")).getAttribute("class"))
          .contains("unowned");
      browser.executeScript("arguments[0].scrollIntoView()", section);
      Chromium.screenshot(browser, "sampling-partitions");

      // Kafka not answering: the section says why instead of a table.
      sampling.owners = CompletableFuture.failedFuture(new IllegalStateException(
          "Kafka at kafka-1:9092: cannot read the members of group tailkeep-samplers: no answer within 5000 ms"));
      open("/sampling");
      assertThat(waitFor(By.cssSelector("#partitions .message.error")).getText())
          .contains("Could not read the partitions' owners")
          .contains("cannot read the members of group tailkeep-samplers: no answer within 5000 ms");
    } finally {
      sampling.owners = null;
    }
  }

  // --- helpers

  private void open(String path) {
    browser.get(server.baseUrl() + path);
  }

  private WebElement waitFor(By by) {
    return new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(by));
  }

  private WebElement spanRow(String operation) {
    return browser.findElements(By.cssSelector(".span-row")).stream()
        .filter(row -> row.findElement(By.cssSelector(".operation")).getText().equals(operation))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span row for " + operation));
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** The sampler as the API sees it: fixed rules, counts and one remembered decision. */
  private static final class FixedSamplingView implements SamplingView {
    final ActiveRules rules;
    volatile Map<String, Long> kept = Map.of();
    volatile Map<String, Long> dropped = Map.of();
    volatile TraceDecision decision;
    /** Null: not on Kafka. */
    volatile CompletionStage<Optional<PartitionOwners>> owners;
    /** The candidate on trial; null when none is. */
    volatile Comparison comparison;
    /** Rules texts the page put on trial. */
    final List<String> proposed = new CopyOnWriteArrayList<>();

    FixedSamplingView(ActiveRules rules) {
      this.rules = rules;
    }

    @Override
    public ActiveRules rules() {
      return rules;
    }

    @Override
    public Optional<FileStatus> rulesStatus() {
      Instant loaded = decision.decidedAt().minus(Duration.ofHours(1));
      return Optional.of(
          new FileStatus(
              "/etc/tailkeep/rules.yaml",
              "ab12cd34",
              loaded,
              3,
              1,
              false,
              Optional.of(
                  new Refusal(
                      loaded.plusSeconds(600),
                      List.of("/etc/tailkeep/rules.yaml:4:21: 'percent' must be between 0 and 100, got 150")))));
    }

    @Override
    public CompletionStage<Optional<TraceDecision>> why(TraceId traceId) {
      return CompletableFuture.completedFuture(decision.traceId().equals(traceId) ? Optional.of(decision) : Optional.empty());
    }

    @Override
    public Map<String, Long> keptByRule() {
      return kept;
    }

    @Override
    public CompletionStage<Optional<PartitionOwners>> partitionOwners() {
      CompletionStage<Optional<PartitionOwners>> current = owners;
      return current == null ? SamplingView.super.partitionOwners() : current;
    }

    @Override
    public Map<String, Long> droppedByRule() {
      return dropped;
    }

    @Override
    public CandidateState candidate() {
      return new CandidateState(true, Optional.ofNullable(comparison),
          Optional.of(new CandidateFileStatus("/etc/tailkeep/candidate.yaml", true, Optional.empty())));
    }

    /** Refuses a percentage past 100 as the rules parser does, else puts an empty comparison on trial. */
    @Override
    public List<String> proposeCandidate(String rulesText) {
      if (rulesText.contains("percent: 250")) {
        return List.of("uploaded:3:11: 'percent' must be between 0 and 100, got 250");
      }
      proposed.add(rulesText);
      Instant at = Instant.now();
      comparison = new Comparison("uploaded", "0".repeat(64), List.of(), false, at, at, at, 0, 0, 0,
          List.of(new RuleEffect("default", 0, 0)), new Disagreement(0, List.of()), new Disagreement(0, List.of()));
      return List.of();
    }

    @Override
    public void withdrawCandidate() {
      comparison = null;
    }
  }
}
