package io.tailkeep.sampler.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.testing.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Defaults as documented; bad settings refused at once, naming the setting and the value. */
class TraceBufferBuilderTest {

  private final TestClock ticker = new TestClock();

  @Test
  void defaults() {
    assertThat(TraceBuffer.DEFAULT_MAXIMUM_WEIGHT_BYTES).isEqualTo(256L * 1024 * 1024);
    assertThat(TraceBuffer.DEFAULT_TRACE_OVERHEAD_BYTES).isEqualTo(1_280);
    assertThat(TraceBuffer.DEFAULT_MAX_SPANS_PER_TRACE).isEqualTo(10_000);
    assertThat(TraceBuffer.DEFAULT_GRACE_PERIOD).isEqualTo(Duration.ofSeconds(2));
    assertThat(TraceBuffer.DEFAULT_IDLE_TIMEOUT).isEqualTo(Duration.ofSeconds(10));
    assertThat(TraceBuffer.DEFAULT_MAX_WAIT).isEqualTo(Duration.ofSeconds(30));
    assertThat(TraceBuffer.DEFAULT_DECISION_CACHE_SIZE).isEqualTo(100_000);
    assertThat(TraceBuffer.DEFAULT_DECISION_CACHE_EXPIRY).isEqualTo(Duration.ofMinutes(5));

    TraceBuffer buffer =
        TraceBuffer.builder().rules(RulesFile.loadDefault(ticker)).sink(batch -> {}).build();
    assertThat(buffer.maximumWeightBytes()).isEqualTo(TraceBuffer.DEFAULT_MAXIMUM_WEIGHT_BYTES);
    assertThat(buffer.traceOverheadBytes()).isEqualTo(TraceBuffer.DEFAULT_TRACE_OVERHEAD_BYTES);
    assertThat(buffer.maxSpansPerTrace()).isEqualTo(TraceBuffer.DEFAULT_MAX_SPANS_PER_TRACE);
    assertThat(buffer.gracePeriod()).isEqualTo(TraceBuffer.DEFAULT_GRACE_PERIOD);
    assertThat(buffer.idleTimeout()).isEqualTo(TraceBuffer.DEFAULT_IDLE_TIMEOUT);
    assertThat(buffer.maxWait()).isEqualTo(TraceBuffer.DEFAULT_MAX_WAIT);
    assertThat(buffer.decisionCacheSize()).isEqualTo(TraceBuffer.DEFAULT_DECISION_CACHE_SIZE);
    assertThat(buffer.decisionCacheExpiry()).isEqualTo(TraceBuffer.DEFAULT_DECISION_CACHE_EXPIRY);
  }

  @Test
  void settingsAreKept() {
    TraceBuffer buffer =
        TraceBuffer.builder()
            .rules(RulesFile.loadDefault(ticker))
            .sink(batch -> {})
            .maximumWeightBytes(1_000)
            .traceOverheadBytes(0)
            .maxSpansPerTrace(7)
            .gracePeriod(Duration.ofMillis(500))
            .idleTimeout(Duration.ofSeconds(3))
            .maxWait(Duration.ofSeconds(4))
            .decisionCacheSize(9)
            .decisionCacheExpiry(Duration.ofSeconds(5))
            .build();
    assertThat(buffer.maximumWeightBytes()).isEqualTo(1_000);
    assertThat(buffer.traceOverheadBytes()).isZero();
    assertThat(buffer.maxSpansPerTrace()).isEqualTo(7);
    assertThat(buffer.gracePeriod()).isEqualTo(Duration.ofMillis(500));
    assertThat(buffer.idleTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(buffer.maxWait()).isEqualTo(Duration.ofSeconds(4));
    assertThat(buffer.decisionCacheSize()).isEqualTo(9);
    assertThat(buffer.decisionCacheExpiry()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void badNumbersAreRefusedNamingTheSettingAndValue() {
    TraceBuffer.Builder builder = TraceBuffer.builder();
    assertThatThrownBy(() -> builder.maximumWeightBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumWeightBytes must be positive, got 0");
    assertThatThrownBy(() -> builder.traceOverheadBytes(-1))
        .hasMessage("traceOverheadBytes must not be negative, got -1");
    assertThatThrownBy(() -> builder.maxSpansPerTrace(-5))
        .hasMessage("maxSpansPerTrace must be positive, got -5");
    assertThatThrownBy(() -> builder.decisionCacheSize(0))
        .hasMessage("decisionCacheSize must be positive, got 0");
  }

  @Test
  void badDurationsAreRefusedNamingTheSettingAndValue() {
    TraceBuffer.Builder builder = TraceBuffer.builder();
    assertThatThrownBy(() -> builder.gracePeriod(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gracePeriod must be positive, got PT0S");
    assertThatThrownBy(() -> builder.idleTimeout(Duration.ofSeconds(-1)))
        .hasMessage("idleTimeout must be positive, got PT-1S");
    assertThatThrownBy(() -> builder.maxWait(Duration.ZERO))
        .hasMessage("maxWait must be positive, got PT0S");
    assertThatThrownBy(() -> builder.decisionCacheExpiry(Duration.ofMillis(-1)))
        .hasMessage("decisionCacheExpiry must be positive, got PT-0.001S");
    assertThatThrownBy(() -> builder.gracePeriod(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("gracePeriod");
  }

  @Test
  void rulesAndSinkAreRequired() {
    assertThatThrownBy(() -> TraceBuffer.builder().sink(batch -> {}).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("rules must be set");
    assertThatThrownBy(() -> TraceBuffer.builder().rules(RulesFile.loadDefault(ticker)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("sink must be set");
  }
}
