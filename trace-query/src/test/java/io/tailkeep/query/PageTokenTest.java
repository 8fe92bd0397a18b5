package io.tailkeep.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery.Order;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageTokenTest {
  static final Instant START = Instant.parse("2025-03-01T11:00:00Z");
  static final Instant END = Instant.parse("2025-03-01T12:00:00Z");
  static final TraceId TRACE = TraceId.fromHex("0123456789abcdef0123456789abcdef");

  static PageToken token(Order order, long key) {
    SearchFilters filters =
        new SearchFilters(
            "checkout", "POST /pay", Map.of("http.route", "/pay", "deployment.environment", "prod"),
            Duration.ofMillis(250), Duration.ofSeconds(10), START, END, order, true);
    return new PageToken(filters, new PageToken.Cursor(key, TRACE, 3));
  }

  @Test
  void roundTripsNewestFirst() {
    PageToken token = token(Order.NEWEST_FIRST, TimeFormat.epochNanos(START.plusSeconds(5)) + 7);
    String encoded = token.encode();
    assertThat(encoded).matches("[A-Za-z0-9_-]+");
    assertThat(PageToken.decode(encoded)).isEqualTo(token);
  }

  @Test
  void roundTripsSlowestFirstWithoutOptionalFilters() {
    SearchFilters filters = new SearchFilters(null, null, Map.of(), null, null, START, END, Order.SLOWEST_FIRST, false);
    PageToken token = new PageToken(filters, new PageToken.Cursor(1_500_000_000L, TRACE, 1));
    assertThat(PageToken.decode(token.encode())).isEqualTo(token);
    assertThat(PageToken.decode(token.encode()).filters().errorsOnly()).isFalse();
  }

  @Test
  void carriesErrorsOnly() {
    PageToken token = token(Order.NEWEST_FIRST, TimeFormat.epochNanos(START.plusSeconds(5)));
    assertThat(token.filters().errorsOnly()).isTrue();
    assertThat(PageToken.decode(token.encode()).filters().errorsOnly()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"x", "!!!", "eyJ2IjoxfQ", "bm90IGpzb24", "W10"})
  void refusesWhatThisApiDidNotMake(String junk) {
    assertThatThrownBy(() -> PageToken.decode(junk))
        .isInstanceOfSatisfying(
            InvalidParameterException.class,
            e -> {
              assertThat(e.parameter()).isEqualTo("next");
              assertThat(e.value()).isEqualTo(junk);
              assertThat(e.getMessage()).startsWith("next ");
            });
  }

  @Test
  void refusesTamperedTokens() {
    JsonObject good = decodeJson(token(Order.SLOWEST_FIRST, 1_000_000_000L).encode());
    assertThat(PageToken.decode(encodeJson(good.copy()))).isNotNull();
    assertRefused(good.copy().put("v", 2), "another version");
    assertRefused(good.copy().put("o", "name"), "sort order");
    assertRefused(good.copy().put("k", 60_000_000_000L), "outside its own range"); // above maxDuration
    assertRefused(good.copy().put("k", 1L), "outside its own range"); // below minDuration
    assertRefused(good.copy().put("ws", TimeFormat.epochNanos(END) + 1), "inverted range");
    assertRefused(good.copy().put("min", -1), "negative duration");
    assertRefused(good.copy().put("id", "00000000000000000000000000000000"), "not a page token");
    assertRefused(good.copy().put("n", 0), "not a page token");
    assertRefused(good.copy().put("k", "soon"), "not a page token");
    assertRefused(good.copy().put("svc", ""), "operation without a service");
    JsonObject newest = decodeJson(token(Order.NEWEST_FIRST, TimeFormat.epochNanos(START)).encode());
    assertRefused(newest.put("k", TimeFormat.epochNanos(END) + 1), "outside its own range");
    assertThatThrownBy(() -> PageToken.decode("A".repeat(20_000))).hasMessageContaining("longer than");
  }

  private static void assertRefused(JsonObject json, String problem) {
    assertThatThrownBy(() -> PageToken.decode(encodeJson(json)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining(problem);
  }

  private static JsonObject decodeJson(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
  }

  private static String encodeJson(JsonObject json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
