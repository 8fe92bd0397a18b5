package io.tailkeep.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TraceQueryTest {
  static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  TraceQuery.Builder valid() {
    return TraceQuery.builder().window(T, T.plusSeconds(3600));
  }

  @Test
  void defaultsToTwentyNewestTraces() {
    TraceQuery query = valid().build();
    assertThat(query.limit()).isEqualTo(20);
    assertThat(query.order()).isEqualTo(TraceQuery.Order.NEWEST_FIRST);
    assertThat(query.minDurationNanos()).isZero();
    assertThat(query.maxDurationNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(query.startEpochNanos()).isEqualTo(T.getEpochSecond() * 1_000_000_000L);
  }

  @Test
  void errorsOrNotUnlessAskedForErrorsOnly() {
    assertThat(valid().build().errorsOnly()).isFalse();
    assertThat(valid().build().matchesErrorCount(0)).isTrue();
    TraceQuery failed = valid().errorsOnly(true).build();
    assertThat(failed.errorsOnly()).isTrue();
    assertThat(failed.matchesErrorCount(0)).isFalse();
    assertThat(failed.matchesErrorCount(1)).isTrue();
    assertThat(failed.matchesErrorCount(7)).isTrue();
  }

  @Test
  void blankServiceMeansAnyService() {
    assertThat(valid().service("  ").build().service()).isNull();
  }

  @Test
  void rejectsAnInvertedTimeWindow() {
    assertThatThrownBy(() -> TraceQuery.builder().window(T, T.minusSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("start")
        .hasMessageContaining("end");
  }

  @Test
  void requiresATimeWindow() {
    assertThatThrownBy(() -> TraceQuery.builder().build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("start");
  }

  @Test
  void rejectsALimitOutOfRange() {
    for (int limit : new int[] {0, -1, TraceQuery.MAX_LIMIT + 1}) {
      assertThatThrownBy(() -> valid().limit(limit).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("limit")
          .hasMessageContaining(Integer.toString(limit));
    }
  }

  @Test
  void rejectsInvertedOrNegativeDurations() {
    assertThatThrownBy(() -> valid().minDuration(Duration.ofSeconds(2)).maxDuration(Duration.ofSeconds(1)).build())
        .hasMessageContaining("minDuration");
    assertThatThrownBy(() -> valid().minDuration(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("minDuration");
    assertThatThrownBy(() -> valid().maxDuration(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("maxDuration");
  }

  @Test
  void rejectsAnOperationWithoutAService() {
    assertThatThrownBy(() -> valid().operation("GET /").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("operation");
  }

  @Test
  void rejectsABlankTagKey() {
    assertThatThrownBy(() -> valid().tag(" ", "x").build()).hasMessageContaining("tags");
  }
}
