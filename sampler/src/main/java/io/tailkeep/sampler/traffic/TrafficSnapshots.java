package io.tailkeep.sampler.traffic;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.tailkeep.store.traffic.LatencyHistogram;

/**
 * Prometheus metric families written under names of our choosing. Micrometer cannot show these:
 * its histograms count the values they are given (a per-span {@code record} through its meters is
 * what the span path must not pay), its function meters have no buckets, and a custom meter is
 * written as counters and gauges with a {@code statistic} label; its naming convention would also
 * add {@code _seconds} to a timer. So the counts are kept in our own striped counters, and these
 * families are built from a snapshot at each scrape by a collector registered in the
 * {@link io.micrometer.prometheusmetrics.PrometheusMeterRegistry}'s own Prometheus registry, which
 * its {@code scrape()} writes beside Micrometer's meters.
 */
final class TrafficSnapshots {

  private static final double[] UPPER_BOUNDS = upperBounds();

  private TrafficSnapshots() {}

  private static double[] upperBounds() {
    double[] bounds = new double[LatencyHistogram.BUCKETS];
    for (int i = 0; i < LatencyHistogram.BOUNDS_SECONDS.size(); i++) {
      bounds[i] = LatencyHistogram.BOUNDS_SECONDS.get(i);
    }
    bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
    return bounds;
  }

  static CounterDataPointSnapshot counter(Labels labels, double value) {
    return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  static HistogramDataPointSnapshot histogram(Labels labels, LatencyHistogram latency) {
    return HistogramDataPointSnapshot.builder()
        .labels(labels)
        .classicHistogramBuckets(ClassicHistogramBuckets.of(UPPER_BOUNDS, latency.counts()))
        .sum(latency.sumSeconds())
        .build();
  }

  static CounterSnapshot.Builder counterFamily(String name, String help) {
    return CounterSnapshot.builder().name(name).help(help);
  }

  static HistogramSnapshot.Builder histogramFamily(String name, String help) {
    return HistogramSnapshot.builder().name(name).help(help);
  }
}
