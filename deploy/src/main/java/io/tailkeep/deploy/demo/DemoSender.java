package io.tailkeep.deploy.demo;

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
 * OTLP exporter pointed at Tailkeep.
 *
 * <p>Spans wait in the processors until {@link #flush()}, which exports service by service in
 * {@link DemoService} order, callees first, so every trace's root span arrives after the rest of
 * it. Spans get explicit timestamps: a slow trace is slow on the timeline without the demo
 * waiting for it.
 */
final class DemoSender implements AutoCloseable {

  static final String INSTRUMENTATION_SCOPE = "io.tailkeep.demo";
  private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(60);
  /** Far more than one flush round holds, so the processors export only when flushed. */
  private static final int QUEUE_SIZE = 16_384;

  private final Map<DemoService, SdkTracerProvider> providers = new EnumMap<>(DemoService.class);
  private final Map<DemoService, Tracer> tracers = new EnumMap<>(DemoService.class);
  private final Map<DemoService, CountingExporter> exporters = new EnumMap<>(DemoService.class);

  DemoSender(DemoOptions options) {
    for (DemoService service : DemoService.values()) {
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
      tracers.put(service, provider.get(INSTRUMENTATION_SCOPE, service.version));
      exporters.put(service, exporter);
    }
  }

  private static Resource resource(DemoService service) {
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

  private Span start(DemoSpan planned, Context parent, long traceStart) {
    long start = traceStart + TimeUnit.MILLISECONDS.toNanos(planned.offsetMillis);
    long end = start + TimeUnit.MILLISECONDS.toNanos(planned.durationMillis);
    SpanBuilder builder =
        tracers.get(planned.service)
            .spanBuilder(planned.name)
            .setSpanKind(planned.kind)
            .setStartTimestamp(start, TimeUnit.NANOSECONDS)
            .setAllAttributes(planned.attributes.build());
    if (parent == Context.root()) {
      builder.setNoParent();
    } else {
      builder.setParent(parent);
    }
    Span span = builder.startSpan();
    Context context = parent.with(span);
    for (DemoSpan child : planned.children) {
      start(child, context, traceStart);
    }
    if (planned.failed()) {
      span.addEvent(
          "exception",
          Attributes.of(
              AttributeKey.stringKey("exception.type"), planned.exceptionType,
              AttributeKey.stringKey("exception.message"), planned.exceptionMessage),
          end,
          TimeUnit.NANOSECONDS);
      span.setStatus(StatusCode.ERROR, planned.exceptionMessage);
    }
    span.end(end, TimeUnit.NANOSECONDS);
    return span;
  }

  /**
   * Exports every span made so far, callees first, and waits for each export to finish.
   *
   * @return the spans exported and refused since the start
   */
  ExportTotals flush() {
    for (DemoService service : DemoService.values()) {
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
