package io.tailkeep.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class QueryApiOptionsTest {

  @Test
  void defaults() {
    QueryApiOptions options = QueryApiOptions.defaults();
    assertThat(options.maxTraceSpans()).isEqualTo(10_000);
    assertThat(options.maxTreeDepth()).isEqualTo(100);
    assertThat(options.defaultLookback()).isEqualTo(Duration.ofHours(1));
    assertThat(options.defaultLimit()).isEqualTo(20);
    assertThat(options.storageTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.maxJaegerLimit()).isEqualTo(500);
    assertThat(options.clock()).isEqualTo(Clock.systemUTC());
  }

  @Test
  void takesEverySetting() {
    Clock clock = Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"), ZoneOffset.UTC);
    QueryApiOptions options =
        QueryApiOptions.builder()
            .maxTraceSpans(50_000)
            .maxTreeDepth(200)
            .defaultLookback(Duration.ofMinutes(15))
            .defaultLimit(100)
            .storageTimeout(Duration.ofSeconds(5))
            .retryAfter(Duration.ofSeconds(7))
            .maxJaegerLimit(1_000)
            .clock(clock)
            .build();
    assertThat(options.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(options.maxJaegerLimit()).isEqualTo(1_000);
    assertThat(options.maxTraceSpans()).isEqualTo(50_000);
    assertThat(options.maxTreeDepth()).isEqualTo(200);
    assertThat(options.defaultLookback()).isEqualTo(Duration.ofMinutes(15));
    assertThat(options.defaultLimit()).isEqualTo(100);
    assertThat(options.storageTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.clock()).isSameAs(clock);
  }

  @Test
  void refusesBadSettingsNamingThem() {
    assertThatThrownBy(() -> QueryApiOptions.builder().maxTraceSpans(0).build())
        .hasMessage("maxTraceSpans must be between 1 and 1000000, got 0");
    assertThatThrownBy(() -> QueryApiOptions.builder().maxTreeDepth(201).build())
        .hasMessage("maxTreeDepth must be between 1 and 200, got 201");
    assertThatThrownBy(() -> QueryApiOptions.builder().defaultLookback(Duration.ZERO).build())
        .hasMessage("defaultLookback must be positive, got PT0S");
    assertThatThrownBy(() -> QueryApiOptions.builder().defaultLimit(10_001).build())
        .hasMessage("defaultLimit must be between 1 and 10000, got 10001");
    assertThatThrownBy(() -> QueryApiOptions.builder().storageTimeout(Duration.ofSeconds(-1)).build())
        .hasMessage("storageTimeout must be positive, got PT-1S");
    assertThatThrownBy(() -> QueryApiOptions.builder().retryAfter(Duration.ofMillis(1500)).build())
        .hasMessage("retryAfter must be whole seconds from 1 s to 1 h, got PT1.5S");
    assertThatThrownBy(() -> QueryApiOptions.builder().maxJaegerLimit(0).build())
        .hasMessage("maxJaegerLimit must be between 1 and 10000, got 0");
    assertThatThrownBy(() -> QueryApiOptions.builder().clock(null).build()).hasMessage("clock");
  }
}
