package io.tailkeep.ui.jaeger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The query string of GET /api/traces, without a server. */
class JaegerSearchParamsTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final long NOW_MICROS = 1_740_830_400_000_000L;

  private static MultiMap params(String... nameValues) {
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < nameValues.length; i += 2) {
      params.add(nameValues[i], nameValues[i + 1]);
    }
    return params;
  }

  private static TraceQuery query(String... nameValues) {
    JaegerSearchParams parsed = JaegerSearchParams.parse(params(nameValues), NOW);
    assertThat(parsed.byTraceIds()).isFalse();
    return parsed.query();
  }

  @Test
  void defaultsAreTheLastHourTwentyTracesNewestFirst() {
    TraceQuery query = query();
    assertThat(NOW_MICROS).isEqualTo(NOW.toEpochMilli() * 1000);
    assertThat(query.service()).isNull();
    assertThat(query.operation()).isNull();
    assertThat(query.tags()).isEmpty();
    assertThat(query.minDuration()).isNull();
    assertThat(query.maxDuration()).isNull();
    assertThat(query.end()).isEqualTo(NOW);
    assertThat(query.start()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(query.limit()).isEqualTo(20);
    assertThat(query.order()).isEqualTo(TraceQuery.Order.NEWEST_FIRST);
    assertThat(query.errorsOnly()).isFalse();
  }

  @Test
  void errorTrueFindsTracesWithAnErrorSpanInEachTagForm() {
    for (String[] given :
        List.of(
            new String[] {"tag", "error:true"},
            new String[] {"tags", "{\"error\":\"true\"}"},
            new String[] {"tags", "{\"error\":true}"},
            new String[] {"tags", "{\"error\":\"True\"}"})) {
      TraceQuery query = query(given[0], given[1], "service", "checkout");
      assertThat(query.errorsOnly()).as(given[1]).isTrue();
      assertThat(query.tags()).as(given[1]).isEmpty();
    }
    TraceQuery withOthers =
        query("tags", "{\"error\":\"true\",\"http.route\":\"/pay\"}", "tag", "rpc.method:Pay", "minDuration", "1s");
    assertThat(withOthers.errorsOnly()).isTrue();
    assertThat(withOthers.tags()).isEqualTo(Map.of("http.route", "/pay", "rpc.method", "Pay"));
    assertThat(withOthers.minDuration()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void errorIsATagLikeAnyOtherWhenTheStoreIndexesIt() {
    TraceQuery query =
        JaegerSearchParams.parse(params("tag", "error:true"), NOW, 500, "error"::equals).query();
    assertThat(query.errorsOnly()).isFalse();
    assertThat(query.tags()).isEqualTo(Map.of("error", "true"));
    assertThat(JaegerSearchParams.parse(params("tag", "error:false"), NOW, 500, "error"::equals).query().tags())
        .isEqualTo(Map.of("error", "false"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "tag|error:false|invalid parameter 'tag': 'error:false' has error=false: only error=true can be searched",
        "tag|error:|invalid parameter 'tag': 'error:' has error=: only error=true can be searched",
        "tags|{\"error\":\"yes\"}|invalid parameter 'tags': '{\"error\":\"yes\"}' has error=yes: only error=true",
        "tags|{\"error\":false}|has error=false: only error=true can be searched (traces with an error span);"
            + " leave the tag out to find traces with or without errors",
      })
  void anotherValueOfErrorIsRefusedNamingTheParameter(String name, String value, String message) {
    assertThatThrownBy(() -> JaegerSearchParams.parse(params(name, value), NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void readsEveryParameter() {
    TraceQuery query =
        query(
            "service", "checkout",
            "operation", "GET /pay",
            "tags", "{\"http.route\":\"/pay\",\"http.response.status_code\":500}",
            "tag", "rpc.method:Pay:Now",
            "start", "1740826800000000",
            "end", "1740830400123456",
            "minDuration", "1.5ms",
            "maxDuration", "2s",
            "limit", "7");
    assertThat(query.service()).isEqualTo("checkout");
    assertThat(query.operation()).isEqualTo("GET /pay");
    assertThat(query.tags())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "http.route", "/pay", "http.response.status_code", "500", "rpc.method", "Pay:Now"));
    assertThat(query.start()).isEqualTo(Instant.parse("2025-03-01T11:00:00Z"));
    assertThat(query.end()).isEqualTo(Instant.parse("2025-03-01T12:00:00.123456Z"));
    assertThat(query.minDuration()).isEqualTo(Duration.ofNanos(1_500_000));
    assertThat(query.maxDuration()).isEqualTo(Duration.ofSeconds(2));
    assertThat(query.limit()).isEqualTo(7);
  }

  @Test
  void lookbackSetsTheStartWhenThereIsNone() {
    assertThat(query("lookback", "2d").start()).isEqualTo(NOW.minus(Duration.ofDays(2)));
    assertThat(query("lookback", "15m").start()).isEqualTo(NOW.minus(Duration.ofMinutes(15)));
    // Jaeger UI sends lookback=custom with start and end; alone it means the default.
    assertThat(query("lookback", "custom").start()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    // Counted back from the given end, not from now.
    assertThat(query("end", "1740826800000000", "lookback", "1h").start())
        .isEqualTo(Instant.parse("2025-03-01T10:00:00Z"));
    // Ignored when a start is given, even if it is not a duration.
    assertThat(query("start", "1740826800000000", "lookback", "1y").start())
        .isEqualTo(Instant.parse("2025-03-01T11:00:00Z"));
  }

  @Test
  void aWindowReachingFarIntoTheFutureIsCutADayAfterNow() {
    TraceQuery wide = query("start", "-9223372036854775808", "end", "9223372036854775807");
    assertThat(wide.start())
        .isEqualTo(Instant.EPOCH.plus(Long.MIN_VALUE, ChronoUnit.MICROS));
    assertThat(wide.end()).isEqualTo(NOW.plus(Duration.ofDays(1)));
    TraceQuery future = query("start", "9000000000000000", "end", "9000000003600000");
    assertThat(future.start()).isEqualTo(NOW.plus(Duration.ofDays(1)));
    assertThat(future.end()).isEqualTo(NOW.plus(Duration.ofDays(1)));
    // An hour ahead (clock skew) is kept as asked.
    TraceQuery skewed = query("end", Long.toString(NOW_MICROS + 3_600_000_000L));
    assertThat(skewed.end()).isEqualTo(NOW.plus(Duration.ofHours(1)));
  }

  @Test
  void limitAboveTheApisMaximumIsRefusedNamingTheMaximum() {
    assertThat(JaegerSearchParams.parse(params("limit", "500"), NOW, 500, key -> false).query().limit()).isEqualTo(500);
    assertThatThrownBy(() -> JaegerSearchParams.parse(params("limit", "501"), NOW, 500, key -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid parameter 'limit': '501' is out of range: 1 to 500 (0 means 20); a search answers whole"
                + " traces, at most 500");
  }

  @Test
  void limitZeroMeansTheDefaultAsInJaeger() {
    assertThat(query("limit", "0").limit()).isEqualTo(20);
    assertThat(query("limit", "10000").limit()).isEqualTo(10_000);
  }

  @Test
  void blankValuesCountAsAbsent() {
    TraceQuery query =
        query(
            "service",
            "",
            "operation",
            " ",
            "limit",
            "",
            "minDuration",
            "",
            "start",
            "",
            "tags",
            "");
    assertThat(query.service()).isNull();
    assertThat(query.limit()).isEqualTo(20);
    assertThat(query.start()).isEqualTo(NOW.minus(Duration.ofHours(1)));
  }

  @Test
  void traceIdsTakePrecedenceOverEveryOtherParameter() {
    JaegerSearchParams parsed =
        JaegerSearchParams.parse(
            params(
                "traceID", "0af7651916cd43dd8448eb211c80319c",
                "traceID", "ABCDEF",
                "traceID", "0af7651916cd43dd8448eb211c80319c",
                "service", "ignored",
                "limit", "not a number"),
            NOW);
    assertThat(parsed.byTraceIds()).isTrue();
    assertThat(parsed.query()).isNull();
    assertThat(parsed.traceIds())
        .containsExactly(
            TraceId.fromHex("0af7651916cd43dd8448eb211c80319c"),
            TraceId.fromHex("00000000000000000000000000abcdef"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "traceID|xyz|invalid parameter 'traceID': 'xyz' is not a trace ID",
        "traceID|0af7651916cd43dd8448eb211c80319c0|'0af7651916cd43dd8448eb211c80319c0' is not a"
            + " trace ID",
        "traceID|00000000000000000000000000000000|it is all zeros",
        "start|yesterday|invalid parameter 'start': 'yesterday' is not a time",
        "start|1.5|invalid parameter 'start': '1.5' is not a time",
        "end|99999999999999999999|invalid parameter 'end': '99999999999999999999' is not a time",
        "limit|ten|invalid parameter 'limit': 'ten' is not an integer",
        "limit|-1|invalid parameter 'limit': '-1' is out of range",
        "limit|10001|invalid parameter 'limit': '10001' is out of range",
        "limit|99999999999|invalid parameter 'limit': '99999999999' is not an integer",
        "minDuration|abc|invalid parameter 'minDuration': 'abc' has no number",
        "minDuration|15|invalid parameter 'minDuration': '15' has no unit",
        "maxDuration|1d|invalid parameter 'maxDuration': '1d' has an unknown unit 'd'",
        "minDuration|-5ms|invalid parameter 'minDuration': '-5ms' is negative",
        "lookback|1y|invalid parameter 'lookback': '1y' has an unknown unit 'y'",
        "lookback|-1h|invalid parameter 'lookback': '-1h' is negative",
        "tag|http.route|invalid parameter 'tag': 'http.route' is not key:value",
        "tags|{oops|invalid parameter 'tags': '{oops' is not a JSON object",
        "tags|[\"a\"]|invalid parameter 'tags': '[\"a\"]' is not a JSON object",
        "tags|{\"a\":{\"b\":1}}|has a value for 'a' that is not a string",
        "tags|{\"a\":null}|has a value for 'a' that is not a string",
        "operation|GET /|invalid parameter 'operation': 'GET /' needs the 'service' parameter",
      })
  void badValuesAreRefusedNamingTheParameterAndTheValue(String name, String value, String message) {
    assertThatThrownBy(() -> JaegerSearchParams.parse(params(name, value), NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void anInvertedWindowNamesBothEnds() {
    assertThatThrownBy(() -> JaegerSearchParams.parse(params("start", "2000", "end", "1000"), NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid parameters: start '2000' is after end '1000'");
  }

  @Test
  void minDurationAboveMaxDurationNamesBoth() {
    assertThatThrownBy(
            () -> JaegerSearchParams.parse(params("minDuration", "2s", "maxDuration", "1s"), NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid parameters: minDuration '2s' is greater than maxDuration '1s'");
  }

  @Test
  void aHugeBadValueIsShortenedInTheMessage() {
    String huge = "x".repeat(5000);
    assertThatThrownBy(() -> JaegerSearchParams.parse(params("limit", huge), NOW))
        .hasMessageContaining("invalid parameter 'limit': '" + "x".repeat(100) + "...'")
        .message()
        .hasSizeLessThan(200);
  }

  @Test
  void aTraceIdOfUpTo32HexDigitsIsLeftPadded() {
    assertThat(JaegerIds.traceId("traceID", "1")).isEqualTo(new TraceId(0, 1));
    assertThat(JaegerIds.traceId("traceID", "8448eb211c80319c"))
        .isEqualTo(new TraceId(0, 0x8448eb211c80319cL));
    assertThat(JaegerIds.traceId("traceID", "10000000000000000")).isEqualTo(new TraceId(1, 0));
    assertThat(JaegerIds.traceId("traceID", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"))
        .isEqualTo(new TraceId(-1, -1));
  }
}
