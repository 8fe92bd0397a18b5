package io.tailkeep.sampler.traffic;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link SpanMetrics} on the Prometheus scrape (names without the {@code _total}, {@code _bucket},
 * {@code _sum}, {@code _count} suffixes the text format adds): {@code traces_spanmetrics_calls_total}
 * and {@code traces_spanmetrics_latency_bucket|sum|count} with labels {@code service}, {@code
 * span_name}, {@code span_kind}, {@code status_code} (and {@code le}), as Tempo's metrics-generator
 * names them; {@code tailkeep_spanmetrics_overflow_spans_total{service}}, the spans a service
 * counted under span name {@value SpanMetrics#OVERFLOW} (service {@value SpanMetrics#OVERFLOW}: the
 * spans of services past the bound); {@code tailkeep_spanmetrics_series}, the series kept.
 */
final class SpanMetricsCollector implements MultiCollector {

  static final String CALLS = "traces_spanmetrics_calls";
  static final String LATENCY = "traces_spanmetrics_latency";
  static final String OVERFLOW_SPANS = "tailkeep_spanmetrics_overflow_spans";
  static final String SERIES = "tailkeep_spanmetrics_series";

  private static final Comparator<SpanSeries> BY_LABELS =
      Comparator.comparing(SpanSeries::service)
          .thenComparing(SpanSeries::spanName)
          .thenComparing(SpanSeries::spanKind)
          .thenComparing(SpanSeries::statusCode);

  private final SpanMetrics metrics;

  SpanMetricsCollector(SpanMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public MetricSnapshots collect() {
    List<SpanSeries> all = metrics.snapshot();
    all.sort(BY_LABELS); // a scrape a person reads, in the same order each time
    CounterSnapshot.Builder calls =
        TrafficSnapshots.counterFamily(CALLS, "Spans counted before sampling, all of them");
    HistogramSnapshot.Builder latency =
        TrafficSnapshots.histogramFamily(LATENCY, "Span durations in seconds, before sampling");
    Map<String, Long> overflowByService = new TreeMap<>();
    for (SpanSeries series : all) {
      Labels labels =
          Labels.of(
              "service", series.service(),
              "span_name", series.spanName(),
              "span_kind", series.spanKind(),
              "status_code", series.statusCode());
      calls.dataPoint(TrafficSnapshots.counter(labels, series.calls()));
      latency.dataPoint(TrafficSnapshots.histogram(labels, series.latency()));
      if (series.isOverflow()) {
        overflowByService.merge(series.service(), series.calls(), Long::sum);
      }
    }
    CounterSnapshot.Builder overflow =
        TrafficSnapshots.counterFamily(
            OVERFLOW_SPANS, "Spans counted under span name __overflow__, past the bound of series");
    overflowByService.forEach(
        (service, spans) ->
            overflow.dataPoint(TrafficSnapshots.counter(Labels.of("service", service), spans)));
    GaugeSnapshot series =
        GaugeSnapshot.builder()
            .name(SERIES)
            .help("Span-metrics series kept, overflow series included")
            .dataPoint(GaugeDataPointSnapshot.builder().value(all.size()).build())
            .build();
    return MetricSnapshots.of(calls.build(), latency.build(), overflow.build(), series);
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(CALLS, LATENCY, OVERFLOW_SPANS, SERIES);
  }
}
