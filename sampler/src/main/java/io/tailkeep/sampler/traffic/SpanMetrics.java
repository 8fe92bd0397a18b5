package io.tailkeep.sampler.traffic;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.traffic.LatencyHistogram;
import io.tailkeep.store.wire.AttributeKeys;
import io.tailkeep.store.wire.SpanFieldReader;
import io.tailkeep.store.wire.SpanFields;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * RED metrics of every accepted span, counted before the sampling decision: calls and a duration
 * histogram per service, span name, span kind and status code, the series Grafana Tempo's
 * metrics-generator makes ({@code traces_spanmetrics_*}, {@link #bindTo}). Thread-safe; built for
 * the ingest path: {@link #record(String, String, int, int, boolean, long)} takes what the caller
 * has already read from the span and allocates nothing once a series exists.
 *
 * <p><b>Errors and the status code.</b> The project has one definition of an error span ({@link
 * SpanFields#isError()}: status ERROR, or a SERVER span that answered HTTP 5xx), used by the rules,
 * the stored summary and search. So that {@code traces_spanmetrics_calls_total{status_code=
 * "STATUS_CODE_ERROR"}} counts exactly those spans, a span the definition calls an error is counted
 * under {@code STATUS_CODE_ERROR} whatever status it carried: an HTTP server span that answered 503
 * with its status left UNSET (some instrumentations' semantic-convention versions do) is an error
 * here, as on the search page. Every other span is counted under its own status, {@code
 * STATUS_CODE_UNSET} or {@code STATUS_CODE_OK} (an unknown number counts as UNSET). Tempo labels by
 * the status alone, so for such a span its series and ours differ; the error rate a dashboard
 * computes from {@code status_code} is the one the rest of Tailkeep shows.
 *
 * <p><b>Cardinality.</b> At most {@code maxSeriesPerService} series per service; spans that would
 * make more are counted under that service's span name {@value #OVERFLOW}, keeping their kind and
 * status code (at most 18 more series), so the service's rate and error rate stay exact. At most
 * {@code maxServices} services; spans of further services are counted under service {@value
 * #OVERFLOW}. The OpenTelemetry SDK and the Collector's spanmetrics connector put overflowing data
 * points in one series that carries only {@code otel.metric.overflow="true"}; Tempo stops making
 * series at {@code max_active_series} and counts what it refused. A span name keeps the label set
 * Tempo's dashboards query and the per-service totals the rest would lose.
 */
public final class SpanMetrics {

  public static final int DEFAULT_MAX_SERIES_PER_SERVICE = 1000;
  public static final int DEFAULT_MAX_SERVICES = 500;

  /** The span name (and service name) spans past a bound are counted under. */
  public static final String OVERFLOW = "__overflow__";

  /** Span kind labels, indexed by OTLP's number (0 unspecified .. 5 consumer). */
  static final List<String> KIND_LABELS =
      List.of(
          "SPAN_KIND_UNSPECIFIED",
          "SPAN_KIND_INTERNAL",
          "SPAN_KIND_SERVER",
          "SPAN_KIND_CLIENT",
          "SPAN_KIND_PRODUCER",
          "SPAN_KIND_CONSUMER");

  /** Status code labels, indexed by OTLP's number (0 unset, 1 ok, 2 error). */
  static final List<String> STATUS_LABELS =
      List.of("STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR");

  private static final int STATUS_ERROR = 2;
  private static final int SLOTS = KIND_LABELS.size() * STATUS_LABELS.size();
  /**
   * Per stripe: the sum in microseconds, then the buckets from the shortest: a short span (most
   * are) adds to two neighbouring longs, most often in one cache line.
   */
  private static final int SUM = 0;

  private static final SpanFieldReader READER = new SpanFieldReader(AttributeKeys.NONE);

  private final int maxSeriesPerService;
  private final int maxServices;
  private final ConcurrentHashMap<String, Service> services = new ConcurrentHashMap<>();
  private final AtomicInteger serviceCount = new AtomicInteger();
  private final Service overflowService;
  /**
   * Series recently counted, by service, span name, kind and status, found without the maps: a
   * span then follows two references from here to its counters instead of a dozen (map nodes,
   * operation, slots, series), and does not hash the new string the reader made of its name. A
   * slot is picked by the service's hash (its string is the span origin's, hashed once), a few
   * characters of the name and the kind and status, and checked with {@code equals}; a miss takes
   * the maps and puts what it found in the slot. A fixed number of slots, so it holds at most
   * {@value #RECENT} series whatever the names; keys that share a slot only cost the maps'
   * lookup. Only a named service's own series is put here, never an overflow series: a span can
   * land there while another thread is making its series, and must not stay. Slots are read and
   * written plainly: an entry's fields are final, so a thread sees it whole or not at all, and
   * losing a racing write costs a miss.
   */
  private final Recent[] recent = new Recent[RECENT];

  private record Recent(String service, String spanName, int slot, StripedCounters counters) {}

  static final int RECENT = 1024;

  public SpanMetrics() {
    this(DEFAULT_MAX_SERIES_PER_SERVICE, DEFAULT_MAX_SERVICES);
  }

  /**
   * @param maxSeriesPerService series a service may have besides its overflow series
   * @param maxServices services counted by name; further ones share service {@value #OVERFLOW}
   */
  public SpanMetrics(int maxSeriesPerService, int maxServices) {
    if (maxSeriesPerService < 1) {
      throw new IllegalArgumentException("maxSeriesPerService must be positive, got " + maxSeriesPerService);
    }
    if (maxServices < 1) {
      throw new IllegalArgumentException("maxServices must be positive, got " + maxServices);
    }
    this.maxSeriesPerService = maxSeriesPerService;
    this.maxServices = maxServices;
    this.overflowService = new Service(OVERFLOW, 0);
  }

  /**
   * Counts one span, from the fields its caller has read ({@link SpanFields}, the span's {@code
   * origin().serviceName()}).
   *
   * @param kind the span kind as OTLP numbers it
   * @param statusCode the status code as OTLP numbers it
   * @param error whether the span is an error by the one definition ({@link SpanFields#isError()})
   * @param durationNanos end minus start, as {@link SpanFields#durationNanos()} gives it
   */
  public void record(
      String service, String spanName, int kind, int statusCode, boolean error, long durationNanos) {
    int kindIndex = kind >= 0 && kind < KIND_LABELS.size() ? kind : 0;
    int statusIndex = error ? STATUS_ERROR : statusCode >= 0 && statusCode < STATUS_ERROR ? statusCode : 0;
    int slot = kindIndex * STATUS_LABELS.size() + statusIndex;
    int index = recentIndex(service, spanName, slot);
    Recent hit = recent[index];
    if (hit != null && hit.slot == slot && hit.spanName.equals(spanName) && hit.service.equals(service)) {
      Series.add(hit.counters, durationNanos);
      return;
    }
    Service counted = services.get(service);
    if (counted == null) {
      counted = serviceNamed(service);
    }
    Operation operation = counted.operations.get(spanName);
    Series series = counted.series(operation, spanName, slot);
    Series.add(series.counters, durationNanos);
    if (counted != overflowService) {
      Operation own = operation != null ? operation : counted.operations.get(spanName);
      if (own != null && own.slots.get(slot) == series) {
        recent[index] = new Recent(service, spanName, slot, series.counters);
      }
    }
  }

  /** The slot of {@link #recent} for a series: cheap, not the names' full hashes. */
  static int recentIndex(String service, String spanName, int slot) {
    int n = spanName.length();
    int hash = service.hashCode() + 31 * n + 29791 * slot;
    if (n > 0) {
      hash = 31 * (31 * (31 * hash + spanName.charAt(n - 1)) + spanName.charAt(n >> 1)) + spanName.charAt(n >> 2);
    }
    return (hash * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(RECENT));
  }

  /** Counts one span, reading its fields from its bytes (when the caller has not read them). */
  public void record(WireSpan span) {
    SpanFields fields = READER.read(span);
    record(
        span.origin().serviceName(),
        fields.name(),
        fields.kind(),
        fields.statusCode(),
        fields.isError(),
        fields.durationNanos());
  }

  private Service serviceNamed(String name) {
    Service existing = services.get(name);
    if (existing != null) {
      return existing;
    }
    int n = serviceCount.get();
    while (n < maxServices) {
      if (serviceCount.compareAndSet(n, n + 1)) {
        Service made = new Service(name, maxSeriesPerService);
        Service raced = services.putIfAbsent(name, made);
        if (raced != null) {
          serviceCount.decrementAndGet(); // another thread made it first
          return raced;
        }
        return made;
      }
      n = serviceCount.get();
    }
    return overflowService;
  }

  /** Every series counted so far, each a consistent sum of its stripes; ordered by nothing. */
  public List<SpanSeries> snapshot() {
    List<SpanSeries> all = new ArrayList<>();
    for (Service service : services.values()) {
      service.snapshotInto(all);
    }
    overflowService.snapshotInto(all);
    return all;
  }

  /** Services counted by name (not {@value #OVERFLOW}). */
  public int serviceCount() {
    return services.size();
  }

  /**
   * Shows the series on the registry's Prometheus scrape under Tempo's names, read from {@link
   * #snapshot()} at each scrape. Once per registry.
   */
  public void bindTo(PrometheusMeterRegistry registry) {
    registry.getPrometheusRegistry().register(new SpanMetricsCollector(this));
  }

  /** One service's series: an operation per span name, each with a slot per kind and status. */
  private static final class Service {
    final String name;
    final int maxSeries;
    final ConcurrentHashMap<String, Operation> operations = new ConcurrentHashMap<>();
    final AtomicInteger seriesCount = new AtomicInteger();
    final Operation overflow = new Operation(this, OVERFLOW);

    Service(String name, int maxSeries) {
      this.name = name;
      this.maxSeries = maxSeries;
    }

    /** The series of a span name ({@code operation}: its operation if the caller has looked it up). */
    Series series(Operation operation, String spanName, int slot) {
      if (operation != null) {
        Series series = operation.slots.get(slot);
        if (series != null) {
          return series;
        }
      } else if (seriesCount.get() >= maxSeries) {
        return overflow.orMake(slot);
      } else {
        operation = operations.computeIfAbsent(spanName, name -> new Operation(this, name));
      }
      return newSeries(operation, slot);
    }

    /** The slot's series if the bound allows one more, else the overflow's. */
    private Series newSeries(Operation operation, int slot) {
      int n = seriesCount.get();
      while (n < maxSeries) {
        if (seriesCount.compareAndSet(n, n + 1)) {
          Series fresh = new Series();
          Series raced = operation.slots.compareAndExchange(slot, null, fresh);
          if (raced != null) {
            seriesCount.decrementAndGet();
            return raced;
          }
          return fresh;
        }
        n = seriesCount.get();
      }
      Series existing = operation.slots.get(slot);
      return existing != null ? existing : overflow.orMake(slot);
    }

    void snapshotInto(List<SpanSeries> into) {
      for (Operation operation : operations.values()) {
        operation.snapshotInto(name, into);
      }
      overflow.snapshotInto(name, into);
    }
  }

  private static final class Operation {
    final Service service;
    final String spanName;
    final AtomicReferenceArray<Series> slots = new AtomicReferenceArray<>(SLOTS);

    Operation(Service service, String spanName) {
      this.service = service;
      this.spanName = spanName;
    }

    Series orMake(int slot) {
      Series series = slots.get(slot);
      if (series == null) {
        Series fresh = new Series();
        series = slots.compareAndExchange(slot, null, fresh);
        if (series == null) {
          series = fresh;
        }
      }
      return series;
    }

    void snapshotInto(String service, List<SpanSeries> into) {
      for (int slot = 0; slot < SLOTS; slot++) {
        Series series = slots.get(slot);
        if (series != null) {
          long[] sum = series.counters.sum();
          long[] buckets = Arrays.copyOfRange(sum, 1, 1 + LatencyHistogram.BUCKETS);
          into.add(
              new SpanSeries(
                  service,
                  spanName,
                  KIND_LABELS.get(slot / STATUS_LABELS.size()),
                  STATUS_LABELS.get(slot % STATUS_LABELS.size()),
                  new LatencyHistogram(buckets, sum[SUM])));
        }
      }
    }
  }

  /** One series' counts: the calls are the histogram's total. */
  private static final class Series {
    final StripedCounters counters = new StripedCounters(LatencyHistogram.BUCKETS + 1);

    static void add(StripedCounters counters, long durationNanos) {
      long[] stripe = counters.stripe();
      StripedCounters.add(stripe, 1 + LatencyHistogram.bucketOf(durationNanos), 1);
      StripedCounters.add(stripe, SUM, LatencyHistogram.micros(durationNanos));
    }
  }
}
