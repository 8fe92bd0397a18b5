package io.tailkeep.deploy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tailkeep.store.TraceId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Applications instrumented with the real OpenTelemetry Java SDK: one {@link SdkTracerProvider} per
 * service (its {@code service.name} in the resource), each with a {@link BatchSpanProcessor} and
 * its own OTLP exporter (gRPC or HTTP) pointed at Tailkeep, or, in collecting mode, keeping ended
 * spans for the test to export itself.
 *
 * <p>Spans are exported by {@link #flush()} (the batch delay is an hour; a service also exports on
 * its own once 512 spans wait), which flushes the services that never started a trace first:
 * every trace's root span reaches Tailkeep after the rest of its spans, so a 200 ms grace period
 * after the root decides on the whole trace however slow the machine is. Within a service, spans
 * are exported in the order they ended, children before their parents.
 */
final class OtelServices implements AutoCloseable {

  enum Transport {
    GRPC,
    HTTP
  }

  static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(60);

  private final Transport transport;
  private final int port;
  private final Map<String, Service> services = new LinkedHashMap<>();
  private final Set<String> rootServices = new HashSet<>();
  private final Queue<SpanData> collected = new ConcurrentLinkedQueue<>();
  private final IdGenerator ids;

  private record Service(SdkTracerProvider provider, Tracer tracer, RecordingExporter exporter) {}

  private OtelServices(Transport transport, int port, IdGenerator ids) {
    this.transport = transport;
    this.port = port;
    this.ids = ids;
  }

  /** Services exporting to Tailkeep on {@code port} through the SDK's OTLP exporter for {@code transport}. */
  static OtelServices exportingTo(Transport transport, int port) {
    return new OtelServices(transport, port, IdGenerator.random());
  }

  /**
   * As above, with trace and span IDs drawn from a generator seeded with {@code seed}: the same
   * IDs in every run, so what a percentage sample keeps (chosen by trace ID) is the same too.
   */
  static OtelServices exportingTo(Transport transport, int port, long seed) {
    return new OtelServices(transport, port, new SeededIds(seed));
  }

  /** Services whose ended spans wait in memory for {@link #takeEnded()}. */
  static OtelServices collecting() {
    return new OtelServices(null, -1, IdGenerator.random());
  }

  /**
   * The SDK's OTLP exporter for Tailkeep on {@code port}. With {@code retry} false the SDK's own
   * retries are off, so a refusal reaches the caller.
   */
  static SpanExporter exporter(Transport transport, int port, boolean retry) {
    return switch (transport) {
      case GRPC -> {
        var builder =
            OtlpGrpcSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + port)
                .setTimeout(Duration.ofSeconds(20));
        if (!retry) {
          builder.setRetryPolicy(null);
        }
        yield builder.build();
      }
      case HTTP -> {
        var builder =
            OtlpHttpSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + port + "/v1/traces")
                .setTimeout(Duration.ofSeconds(20));
        if (!retry) {
          builder.setRetryPolicy(null);
        }
        yield builder.build();
      }
    };
  }

  /** Makes the spans of a trace shaped like {@code root}, starting now, and ends them children first. */
  SentTrace send(String kind, SpanTree root) {
    long start = epochNanos(Instant.now()) - TimeUnit.MILLISECONDS.toNanos(root.durationMillis);
    return send(kind, root, start);
  }

  SentTrace send(String kind, SpanTree root, long startEpochNanos) {
    Set<String> spanIds = new LinkedHashSet<>();
    rootServices.add(root.service);
    Span span = start(root, null, startEpochNanos, spanIds);
    return new SentTrace(
        kind, TraceId.fromHex(span.getSpanContext().getTraceId()), spanIds, span.getSpanContext());
  }

  /** One more span of {@code trace}, a child of its root, made now; returns its hex span ID. */
  String sendLate(SentTrace trace, SpanTree late) {
    Set<String> spanIds = new LinkedHashSet<>();
    Context parent = Context.root().with(Span.wrap(trace.root()));
    start(late, parent, epochNanos(Instant.now()), spanIds);
    return spanIds.iterator().next();
  }

  private Span start(SpanTree node, Context parent, long traceStart, Set<String> spanIds) {
    long start = traceStart + TimeUnit.MILLISECONDS.toNanos(node.offsetMillis);
    SpanBuilder builder =
        service(node.service)
            .tracer()
            .spanBuilder(node.name)
            .setSpanKind(node.kind)
            .setStartTimestamp(start, TimeUnit.NANOSECONDS)
            .setAllAttributes(node.attributes.build());
    if (parent == null) {
      builder.setNoParent();
    } else {
      builder.setParent(parent);
    }
    Span span = builder.startSpan();
    spanIds.add(span.getSpanContext().getSpanId());
    Context context = Context.root().with(span);
    for (SpanTree child : node.children) {
      start(child, context, traceStart, spanIds);
    }
    if (node.error) {
      span.setStatus(StatusCode.ERROR, "failed");
    }
    span.end(start + TimeUnit.MILLISECONDS.toNanos(node.durationMillis), TimeUnit.NANOSECONDS);
    return span;
  }

  private Service service(String name) {
    return services.computeIfAbsent(name, this::newService);
  }

  private Service newService(String name) {
    SdkTracerProvider provider;
    RecordingExporter exporter = null;
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, name)));
    if (transport == null) {
      provider =
          SdkTracerProvider.builder()
              .setResource(resource)
              .setIdGenerator(ids)
              .addSpanProcessor(new Collector())
              .build();
    } else {
      exporter = new RecordingExporter(exporter(transport, port, true));
      provider =
          SdkTracerProvider.builder()
              .setResource(resource)
              .setIdGenerator(ids)
              .addSpanProcessor(
                  BatchSpanProcessor.builder(exporter)
                      .setScheduleDelay(Duration.ofHours(1))
                      .setMaxQueueSize(16_384)
                      .setMaxExportBatchSize(512)
                      .setExporterTimeout(Duration.ofSeconds(30))
                      .build())
              .build();
    }
    return new Service(provider, provider.get("io.tailkeep.deploy.test", "1.0"), exporter);
  }

  /**
   * Exports every ended span: services that never started a trace first, then the others. Fails if
   * an exporter reported a failed export.
   */
  void flush() {
    List<Map.Entry<String, Service>> order = new ArrayList<>();
    services.entrySet().stream().filter(e -> !rootServices.contains(e.getKey())).forEach(order::add);
    services.entrySet().stream().filter(e -> rootServices.contains(e.getKey())).forEach(order::add);
    for (Map.Entry<String, Service> entry : order) {
      CompletableResultCode flushed =
          entry.getValue().provider().forceFlush().join(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (!flushed.isSuccess()) {
        throw new AssertionError("flushing the spans of " + entry.getKey() + " did not finish");
      }
    }
    for (Map.Entry<String, Service> entry : services.entrySet()) {
      RecordingExporter exporter = entry.getValue().exporter();
      if (exporter != null && exporter.spansFailed() > 0) {
        throw new AssertionError(
            transport + " exporter of " + entry.getKey() + " failed to export "
                + exporter.spansFailed() + " spans: " + exporter.failures());
      }
    }
  }

  /** Spans the exporters reported as exported. */
  long spansExported() {
    return services.values().stream()
        .filter(s -> s.exporter() != null)
        .mapToLong(s -> s.exporter().spansExported())
        .sum();
  }

  /** Export calls the exporters reported as successful. */
  long exportRequests() {
    return services.values().stream()
        .filter(s -> s.exporter() != null)
        .mapToLong(s -> s.exporter().exportsSucceeded())
        .sum();
  }

  /** Collecting mode: the spans ended since the last call. */
  List<SpanData> takeEnded() {
    List<SpanData> spans = new ArrayList<>();
    for (SpanData span; (span = collected.poll()) != null; ) {
      spans.add(span);
    }
    return spans;
  }

  @Override
  public void close() {
    for (Service service : services.values()) {
      service.provider().shutdown().join(10, TimeUnit.SECONDS);
    }
    services.clear();
  }

  static long epochNanos(Instant instant) {
    return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
  }

  /** Valid (non-zero) IDs from a seeded generator, shared by the services of one instance. */
  private static final class SeededIds implements IdGenerator {
    private final Random random;

    SeededIds(long seed) {
      this.random = new Random(seed);
    }

    @Override
    public synchronized String generateSpanId() {
      long id;
      do {
        id = random.nextLong();
      } while (id == 0);
      return String.format("%016x", id);
    }

    @Override
    public synchronized String generateTraceId() {
      long high = random.nextLong();
      long low;
      do {
        low = random.nextLong();
      } while (low == 0);
      return String.format("%016x%016x", high, low);
    }
  }

  private final class Collector implements SpanProcessor {

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      collected.add(span.toSpanData());
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }
}
