package io.tailkeep.ui.jaeger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** OTEP 235's threshold: the examples the specification gives, and merging into a tracestate. */
class SamplingThresholdTest {

  @Test
  void thresholdsAreOtep235s() {
    assertThat(SamplingThreshold.threshold(1)).isEqualTo("0");
    assertThat(SamplingThreshold.threshold(0.5)).isEqualTo("8");
    assertThat(SamplingThreshold.threshold(0.25)).isEqualTo("c");
    assertThat(SamplingThreshold.threshold(0.1)).isEqualTo("e6666666666666");
    assertThat(SamplingThreshold.threshold(0.01)).isEqualTo("fd70a3d70a3d71");
    assertThat(SamplingThreshold.threshold(1.0 / (1L << 56))).isEqualTo("ffffffffffffff");
  }

  @Test
  void theThresholdGoesFirstInTheOtMemberAndOthersKeepTheirPlace() {
    assertThat(SamplingThreshold.withThreshold("", 1)).isEqualTo("ot=th:0");
    assertThat(SamplingThreshold.withThreshold("congo=t61rcWkgMzE", 0.5)).isEqualTo("ot=th:8,congo=t61rcWkgMzE");
    assertThat(SamplingThreshold.withThreshold("congo=t61rcWkgMzE, ot=rv:abcdef01234567;th:c;x:1", 0.5))
        .isEqualTo("ot=th:8;rv:abcdef01234567;x:1,congo=t61rcWkgMzE");
  }
}
