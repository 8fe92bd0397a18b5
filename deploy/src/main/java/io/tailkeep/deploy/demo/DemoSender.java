package io.tailkeep.deploy.demo;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The shop's services as real applications instrumented with the OpenTelemetry Java SDK: one
 * {@link SdkTracerProvider} per service, with its own resource, a {@link BatchSpanProcessor} and an
 * OTLP exporter pointed at Tailkeep. Each span comes from the tracer of the instrumentation that
 * made it ({@link ShopSpan.Instrumentation}), as the Java agent's spans do.
 *
 * <p>Spans wait in the processors until {@link #flush()}, which exports service by service in
 * {@link ShopService} order, callees first, so every trace's root span arrives after the rest of
 * it. Spans get explicit timestamps: a slow trace is slow on the timeline without the demo
 * waiting for it.
 */
final class DemoSender implements AutoCloseable {

  private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(60);
  /** Far more than one flush round holds, so the processors export only when flushed. */
  private static final int QUEUE_SIZE = 16_384;

  private final Map<ShopService, SdkTracerProvider> providers = new EnumMap<>(ShopService.class);
  private final Map<ShopService, CountingExporter> exporters = new EnumMap<>(ShopService.class);

  DemoSender(DemoOptions options) {
    for (ShopService service : ShopService.values()) {
      CountingExporter exporter = new CountingExporter(exporter(options));
      SdkTracerProvider provider =
          SdkTracerProvider.builder()
              .setResource(resource(service))
              .addSpanProcessor(
                  BatchSpanProcessor.builder(exporter)
                      .setScheduleDelay(Duration.ofHours(1))
                      .setMaxQueueSize(QUEUE_SIZE)
                      .setExporterTimeout(EXPORT_TIMEOUT.plusSeconds(5))
                      .build())
              .build();
      providers.put(service, provider);
      exporters.put(service, exporter);
    }
  }

  private static Resource resource(ShopService service) {
    return Resource.getDefault()
        .merge(
            Resource.create(
                Attributes.of(
                    AttributeKey.stringKey("service.name"), service.serviceName,
                    AttributeKey.stringKey("service.version"), service.version,
                    AttributeKey.stringKey("deployment.environment"), "demo")));
  }

  private static SpanExporter exporter(DemoOptions options) {
    return switch (options.protocol()) {
      case GRPC ->
          OtlpGrpcSpanExporter.builder()
              .setEndpoint(options.endpoint().toString())
              .setTimeout(EXPORT_TIMEOUT)
              .build();
      case HTTP_PROTOBUF ->
          OtlpHttpSpanExporter.builder()
              .setEndpoint(options.httpTracesUrl())
              .setTimeout(EXPORT_TIMEOUT)
              .build();
    };
  }

  /**
   * Makes the spans of {@code trace}, starting at {@code startEpochNanos}; they are exported at the
   * next {@link #flush()}.
   *
   * @return the trace ID, in hex
   */
  String send(PlannedTrace trace, long startEpochNanos) {
    Span root = start(trace.root(), Context.root(), startEpochNanos);
    return root.getSpanContext().getTraceId();
  }

  private Span start(ShopSpan planned, Context parent, long traceStart) {
    long start = traceStart + planned.offsetNanos();
    long end = start + planned.durationNanos();
    SpanBuilder builder =
        providers.get(planned.service())
            .get(planned.instrumentation().scopeName, ShopSpan.Instrumentation.VERSION)
            .spanBuilder(planned.name())
            .setSpanKind(kind(planned.kind()))
            .setStartTimestamp(start, TimeUnit.NANOSECONDS)
            .setAllAttributes(attributes(planned));
    if (parent == Context.root()) {
      builder.setNoParent();
    } else {
      builder.setParent(parent);
    }
    Span span = builder.startSpan();
    Context context = parent.with(span);
    for (ShopSpan child : planned.children()) {
      start(child, context, traceStart);
    }
    if (planned.failed()) {
      span.addEvent(
          "exception",
          Attributes.of(
              AttributeKey.stringKey("exception.type"), planned.exceptionType(),
              AttributeKey.stringKey("exception.message"), planned.exceptionMessage()),
          end,
          TimeUnit.NANOSECONDS);
      span.setStatus(StatusCode.ERROR, planned.exceptionMessage());
    }
    span.end(end, TimeUnit.NANOSECONDS);
    return span;
  }

  private static SpanKind kind(ShopSpan.Kind kind) {
    return switch (kind) {
      case SERVER -> SpanKind.SERVER;
      case CLIENT -> SpanKind.CLIENT;
      case INTERNAL -> SpanKind.INTERNAL;
    };
  }

  private static Attributes attributes(ShopSpan planned) {
    AttributesBuilder attributes = Attributes.builder();
    planned.attributes().forEach((key, value) -> {
      if (value instanceof Long number) {
        attributes.put(AttributeKey.longKey(key), number);
      } else {
        attributes.put(AttributeKey.stringKey(key), (String) value);
      }
    });
    return attributes.build();
  }

  /**
   * Exports every span made so far, callees first, and waits for each export to finish.
   *
   * @return the spans exported and refused since the start
   */
  ExportTotals flush() {
    for (ShopService service : ShopService.values()) {
      providers.get(service).forceFlush().join(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
    return totals();
  }

  ExportTotals totals() {
    long exported = 0;
    long failed = 0;
    String failure = null;
    for (CountingExporter exporter : exporters.values()) {
      exported += exporter.exported();
      failed += exporter.failed();
      if (failure == null) {
        failure = exporter.firstFailure();
      }
    }
    return new ExportTotals(exported, failed, failure);
  }

  @Override
  public void close() {
    for (SdkTracerProvider provider : providers.values()) {
      CompletableResultCode stopped = provider.shutdown();
      stopped.join(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Spans the exporters reported exported and failed, and the first failure's reason. */
  record ExportTotals(long exported, long failed, String firstFailure) {}
}
