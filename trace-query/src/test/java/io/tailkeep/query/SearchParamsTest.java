package io.tailkeep.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery.Order;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SearchParamsTest {
  static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  static SearchParams parse(String... nameValues) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      query.computeIfAbsent(nameValues[i], k -> new ArrayList<>()).add(nameValues[i + 1]);
    }
    return SearchParams.parse(query, NOW, Duration.ofHours(1), 20);
  }

  @Test
  void defaultsToTheLastHourNewestFirstTwentyTraces() {
    SearchParams params = parse();
    assertThat(params.filters())
        .isEqualTo(new SearchFilters(null, null, Map.of(), null, null, NOW.minusSeconds(3600), NOW, Order.NEWEST_FIRST, false));
    assertThat(params.limit()).isEqualTo(20);
    assertThat(params.after()).isNull();
  }

  @Test
  void readsEveryFilter() {
    SearchParams params =
        parse("service", "checkout", "operation", "POST /pay", "tags", "http.route:/pay", "tag", "error.type:timeout",
            "minDuration", "250ms", "maxDuration", "2s", "start", "2025-03-01T10:00:00Z", "end", "1740826800000000",
            "limit", "50", "sort", "start", "errors", "true");
    assertThat(params.filters())
        .isEqualTo(
            new SearchFilters(
                "checkout", "POST /pay", Map.of("http.route", "/pay", "error.type", "timeout"),
                Duration.ofMillis(250), Duration.ofSeconds(2), Instant.parse("2025-03-01T10:00:00Z"),
                Instant.parse("2025-03-01T11:00:00Z"), Order.NEWEST_FIRST, true));
    assertThat(params.limit()).isEqualTo(50);
  }

  @ParameterizedTest
  @CsvSource({
    "'', '', NEWEST_FIRST",
    "duration, '', SLOWEST_FIRST",
    "'', 1s, SLOWEST_FIRST",
    "start, 1s, NEWEST_FIRST",
    "DURATION, '', SLOWEST_FIRST",
  })
  void slowestFirstWhenSortedByDurationOrGivenAMinimumDuration(String sort, String minDuration, Order order) {
    assertThat(parse("sort", sort, "minDuration", minDuration).filters().order()).isEqualTo(order);
  }

  @Test
  void fillsAMissingWindowBoundFromTheOtherOrNow() {
    assertThat(parse("end", "2025-03-01T08:00:00Z").filters().start()).isEqualTo(Instant.parse("2025-03-01T07:00:00Z"));
    SearchParams fromStart = parse("start", "2025-02-28T00:00:00Z");
    assertThat(fromStart.filters().start()).isEqualTo(Instant.parse("2025-02-28T00:00:00Z"));
    assertThat(fromStart.filters().end()).isEqualTo(NOW);
  }

  @Test
  void emptyValuesCountAsAbsent() {
    assertThat(parse("service", "", "limit", " ", "minDuration", "", "tags", "", "errors", "")).isEqualTo(parse());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "minDuration | fast | minDuration must be a duration like 250ms, 1.5s or 2m, got 'fast'",
        "maxDuration | -1s | maxDuration must not be negative, got '-1s'",
        "start | yesterday | start must be an RFC 3339 time like 2025-03-01T12:00:00Z or Unix microseconds, got 'yesterday'",
        "end | 12:00 | end must be an RFC 3339 time",
        "limit | 0 | limit must be a whole number from 1 to 10000, got '0'",
        "limit | 10001 | limit must be a whole number from 1 to 10000, got '10001'",
        "limit | ten | limit must be a whole number from 1 to 10000, got 'ten'",
        "sort | name | sort must be 'start' (newest first) or 'duration' (slowest first), got 'name'",
        "tags | route | tags must be key:value or a JSON object",
        "next | garbage | next is not a page token from this API, got 'garbage'",
        "operation | GET / | operation 'GET /' needs a service",
        "errors | yes | errors must be 'true' or 'false', got 'yes'",
        "errors | 1 | errors must be 'true' or 'false', got '1'",
        "errors | only | errors must be 'true' or 'false', got 'only'",
      })
  void namesTheParameterAndValueOfEveryBadInput(String parameter, String value, String message) {
    assertThatThrownBy(() -> parse(parameter, value))
        .isInstanceOfSatisfying(
            InvalidParameterException.class,
            e -> {
              assertThat(e.parameter()).isEqualTo(parameter);
              assertThat(e.value()).isEqualTo(value);
              assertThat(e.getMessage()).startsWith(message);
            });
  }

  @ParameterizedTest
  @CsvSource({"true, true", "TRUE, true", "' True ', true", "false, false", "False, false"})
  void errorsIsTrueOrFalseInAnyCase(String value, boolean errorsOnly) {
    assertThat(parse("errors", value).filters().errorsOnly()).isEqualTo(errorsOnly);
    assertThat(parse().filters().errorsOnly()).isFalse();
  }

  @Test
  void refusesInvertedRanges() {
    assertThatThrownBy(() -> parse("minDuration", "2s", "maxDuration", "1s"))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("minDuration"))
        .hasMessage("minDuration 2s is greater than maxDuration 1s");
    assertThatThrownBy(() -> parse("start", "2025-03-01T10:00:00Z", "end", "2025-03-01T09:00:00Z"))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("start"));
    assertThatThrownBy(() -> parse("start", "2025-03-02T00:00:00Z"))
        .hasMessageContaining("is in the future and no end is given");
  }

  @Test
  void refusesARepeatedSingleParameterAndOverlongNames() {
    assertThatThrownBy(() -> parse("service", "a", "service", "b"))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("service"))
        .hasMessage("service is given 2 times; give it once");
    assertThatThrownBy(() -> parse("service", "s".repeat(1025))).hasMessageContaining("longer than 1024");
    assertThatThrownBy(() -> parse("errors", "true", "errors", "false"))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
          assertThat(e.parameter()).isEqualTo("errors");
          assertThat(e.value()).isEqualTo("true,false");
        })
        .hasMessage("errors is given 2 times; give it once");
  }

  @Test
  void theNextTokenCarriesErrorsOnly() {
    SearchParams first = parse("service", "checkout", "errors", "true");
    TraceId traceId = TraceId.fromHex("0123456789abcdef0123456789abcdef");
    PageToken token =
        new PageToken(first.filters(), new PageToken.Cursor(TimeFormat.epochNanos(NOW.minusSeconds(60)), traceId, 1));

    assertThat(parse("next", token.encode()).filters().errorsOnly()).isTrue();
    assertThat(parse("next", token.encode(), "errors", "true").filters()).isEqualTo(first.filters());
    assertThatThrownBy(() -> parse("errors", "false", "next", token.encode()))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
          assertThat(e.parameter()).isEqualTo("errors");
          assertThat(e.value()).isEqualTo("false");
        })
        .hasMessageContaining("differs from the search the next token belongs to");
  }

  @Test
  void takesTheFiltersFromTheTokenAndTheLimitFromTheRequest() {
    SearchParams first = parse("service", "checkout", "minDuration", "1s");
    TraceId traceId = TraceId.fromHex("0123456789abcdef0123456789abcdef");
    PageToken token = new PageToken(first.filters(), new PageToken.Cursor(2_000_000_000L, traceId, 1));

    SearchParams next = parse("next", token.encode(), "limit", "5");
    assertThat(next.filters()).isEqualTo(first.filters());
    assertThat(next.limit()).isEqualTo(5);
    assertThat(next.after()).isEqualTo(token.after());

    // The same filters may be sent again; the default window is not recomputed.
    SearchParams again = SearchParamsTest.parseAt(NOW.plusSeconds(600), "service", "checkout", "minDuration", "1s", "next", token.encode());
    assertThat(again.filters()).isEqualTo(first.filters());

    assertThatThrownBy(() -> parse("service", "cart", "next", token.encode()))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
          assertThat(e.parameter()).isEqualTo("service");
          assertThat(e.value()).isEqualTo("cart");
        })
        .hasMessageContaining("differs from the search the next token belongs to");
    assertThatThrownBy(() -> parse("sort", "start", "next", token.encode()))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("sort"));
  }

  // minDuration and maxDuration: Go's dialect (io.tailkeep.units.DurationSyntax), forgiving case and
  // spaces, never negative; the grammar's own cases are in DurationSyntaxTest.

  @ParameterizedTest
  @CsvSource({
    "250ms, 250000000",
    "1.5s, 1500000000",
    "2m, 120000000000",
    "1h, 3600000000000",
    "1h30m, 5400000000000",
    "500us, 500000",
    "500µs, 500000",
    "100ns, 100",
    "0, 0",
    "0s, 0",
    ".5s, 500000000",
    "1.s, 1000000000",
    "1.5ns, 1",
    "' 2S ', 2000000000",
    "+3ms, 3000000",
    "0.0000001ms, 0",
  })
  void durationsParseUnitsFractionsAndCompounds(String text, long nanos) {
    assertThat(SearchParams.parseDuration(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @ValueSource(strings = {"fast", "", "250", "1.5", "ms", "1 s", "1sec", "1d", "1..5s", "1s2", "s1", "1e3ms"})
  void durationsRefuseWhatIsNotADuration(String text) {
    assertThatThrownBy(() -> SearchParams.parseDuration(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be a duration like 250ms, 1.5s or 2m, got '" + text + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1s", "-0"})
  void durationsRefuseNegativeOnes(String text) {
    assertThatThrownBy(() -> SearchParams.parseDuration(text)).hasMessageContaining("must not be negative");
  }

  @ParameterizedTest
  @ValueSource(strings = {"300y", "3000000h", "9223372036854775808ns", "99999999999999999999999h"})
  void durationsRefuseWhatNanosecondsCannotHold(String text) {
    assertThatThrownBy(() -> SearchParams.parseDuration(text))
        .isInstanceOf(IllegalArgumentException.class);
    if (!text.endsWith("y")) {
      assertThatThrownBy(() -> SearchParams.parseDuration(text))
          .hasMessage("must be at most 292 years (9223372036854775807ns), got '" + text + "'");
    }
  }

  @Test
  void durationsNeedAValue() {
    assertThatThrownBy(() -> SearchParams.parseDuration(null))
        .hasMessage("must be a duration like 250ms, 1.5s or 2m, got nothing");
  }

  static SearchParams parseAt(Instant now, String... nameValues) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      query.computeIfAbsent(nameValues[i], k -> new ArrayList<>()).add(nameValues[i + 1]);
    }
    return SearchParams.parse(query, now, Duration.ofHours(1), 20);
  }
}
