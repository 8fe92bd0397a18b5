package io.tailkeep.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimeFormatTest {

  @ParameterizedTest
  @CsvSource({
    "2025-03-01T12:00:00Z, 2025-03-01T12:00:00Z",
    "2025-03-01T12:00:00.123456789Z, 2025-03-01T12:00:00.123456789Z",
    "2025-03-01T13:00:00+01:00, 2025-03-01T12:00:00Z",
    "2025-03-01T13:00:00.5+01:00, 2025-03-01T12:00:00.5Z",
    "2025-03-01t12:00:00z, 2025-03-01T12:00:00Z",
    // '+' sent unescaped in a query string arrives as a space
    "2025-03-01T13:00:00 01:00, 2025-03-01T12:00:00Z",
    "2025-03-01T07:00:00-05:00, 2025-03-01T12:00:00Z",
  })
  void parsesRfc3339(String text, String expected) {
    assertThat(TimeFormat.parse(text)).isEqualTo(Instant.parse(expected));
  }

  @Test
  void parsesUnixMicroseconds() {
    assertThat(TimeFormat.parse("1740830400123456")).isEqualTo(Instant.parse("2025-03-01T12:00:00.123456Z"));
    assertThat(TimeFormat.parse("0")).isEqualTo(Instant.EPOCH);
  }

  @ParameterizedTest
  @ValueSource(strings = {"yesterday", "2025-03-01", "2025-03-01T12:00:00", "2025-13-01T12:00:00Z", "-5", "1.5", "12:00"})
  void refusesOtherForms(String text) {
    assertThatThrownBy(() -> TimeFormat.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be an RFC 3339 time like 2025-03-01T12:00:00Z or Unix microseconds, got '" + text + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"9999999999999999999", "9223372036854776", "2263-01-01T00:00:00Z", "1600-01-01T00:00:00Z"})
  void refusesTimesUnixNanosecondsCannotHold(String text) {
    assertThatThrownBy(() -> TimeFormat.parse(text)).hasMessageStartingWith("must be between 1677-09-21T");
  }

  @Test
  void formatsWithNineFractionDigitsInUtc() {
    assertThat(TimeFormat.format(1_740_830_400_000_000_001L)).isEqualTo("2025-03-01T12:00:00.000000001Z");
    assertThat(TimeFormat.format(0)).isEqualTo("1970-01-01T00:00:00.000000000Z");
    assertThat(TimeFormat.format(-1)).isEqualTo("1969-12-31T23:59:59.999999999Z");
  }

  @Test
  void formatsEveryInstantAsJavaTimesFormatterDoes() {
    DateTimeFormatter reference =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    Random random = new Random(17);
    List<Long> cases = new ArrayList<>(List.of(Long.MIN_VALUE, Long.MAX_VALUE, -1L, 0L, 1L,
        951_782_400_000_000_000L /* 2000-02-29 */, 4_107_542_400_000_000_000L /* 2100-03-01 */));
    for (int i = 0; i < 20_000; i++) {
      cases.add(random.nextLong());
    }
    for (long nanos : cases) {
      assertThat(TimeFormat.format(nanos)).as("%d", nanos).isEqualTo(reference.format(TimeFormat.instant(nanos)));
    }
  }

  @Test
  void convertsEveryRepresentableInstantToNanosAndBack() {
    for (long nanos : new long[] {Long.MIN_VALUE, -1_500_000_000L, -1, 0, 1, Long.MAX_VALUE}) {
      assertThat(TimeFormat.epochNanos(TimeFormat.instant(nanos))).isEqualTo(nanos);
    }
  }
}
