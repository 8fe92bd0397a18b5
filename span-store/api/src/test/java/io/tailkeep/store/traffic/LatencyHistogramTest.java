package io.tailkeep.store.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  private static LatencyHistogram of(long... counts) {
    return new LatencyHistogram(counts, 0);
  }

  @Test
  void quantilesInterpolateWithinTheirBucketAsPrometheusDoes() {
    // 100 durations: 50 up to 2 ms, 40 in (4 ms, 8 ms], 10 in (1.02 s, 2.05 s].
    LatencyHistogram histogram = of(50, 0, 40, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0);

    assertThat(histogram.quantileSeconds(0.5)).isCloseTo(0.002, within(1e-12));
    assertThat(histogram.quantileSeconds(0.25)).isCloseTo(0.001, within(1e-12));
    // Rank 70: the 20th of 40 in (0.004, 0.008].
    assertThat(histogram.quantileSeconds(0.7)).isCloseTo(0.006, within(1e-12));
    // Rank 95: the 5th of 10 in (1.02, 2.05].
    assertThat(histogram.quantileSeconds(0.95)).isCloseTo(1.535, within(1e-12));
    assertThat(histogram.quantileSeconds(1.0)).isCloseTo(2.05, within(1e-12));
  }

  @Test
  void aRankPastTheHighestBoundAnswersTheHighestBound() {
    assertThat(of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9).quantileSeconds(0.99)).isEqualTo(4.1);
  }

  @Test
  void nothingCountedHasNoQuantile() {
    assertThat(of(new long[13]).quantileSeconds(0.5)).isNaN();
  }

  @Test
  void badInputIsRefusedByName() {
    assertThatThrownBy(() -> of(1, 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("counts must have 13 buckets, got 3");
    assertThatThrownBy(() -> of(new long[13]).quantileSeconds(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("quantile must be between 0 and 1, got 1.5");
  }

  @Test
  void bucketsAndMicrosOfADuration() {
    assertThat(LatencyHistogram.bucketOf(0)).isZero();
    assertThat(LatencyHistogram.bucketOf(2_000_000)).isZero();
    assertThat(LatencyHistogram.bucketOf(2_000_001)).isEqualTo(1);
    assertThat(LatencyHistogram.bucketOf(4_100_000_000L)).isEqualTo(11);
    assertThat(LatencyHistogram.bucketOf(Long.MAX_VALUE)).isEqualTo(12);
    assertThat(LatencyHistogram.micros(1_499)).isEqualTo(1);
    assertThat(LatencyHistogram.micros(1_500)).isEqualTo(2);
    assertThat(new LatencyHistogram(new long[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 2_500_000).sumSeconds())
        .isEqualTo(2.5);
  }

  @Test
  void sumsAndDifferencesBucketByBucket() {
    LatencyHistogram earlier = new LatencyHistogram(new long[] {1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 5_000_000);
    LatencyHistogram later = new LatencyHistogram(new long[] {3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 5_010_000);

    LatencyHistogram since = later.minus(earlier);

    assertThat(since.counts()).containsExactly(2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(since.sumMicros()).isEqualTo(10_000);
    assertThat(earlier.plus(since)).isEqualTo(later);
    assertThat(LatencyHistogram.empty().total()).isZero();
    assertThatThrownBy(() -> earlier.minus(later))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bucket counts must not be negative");
  }
}
