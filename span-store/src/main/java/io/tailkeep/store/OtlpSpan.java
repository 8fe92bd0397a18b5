package io.tailkeep.store;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.Objects;
import java.util.Optional;

/**
 * One OTLP span with the resource and instrumentation scope it was exported under: the unit that
 * travels from the collector to storage and back, unchanged.
 *
 * <p>The constructor checks the IDs, so a span with a bad trace, span or parent ID never reaches I/O.
 */
public record OtlpSpan(
    Resource resource,
    String resourceSchemaUrl,
    InstrumentationScope scope,
    String scopeSchemaUrl,
    Span span) {

  /** The service name a span gets when its resource has none, as the OpenTelemetry SDK names it. */
  public static final String UNKNOWN_SERVICE = "unknown_service";

  public OtlpSpan {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(resourceSchemaUrl, "resourceSchemaUrl");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(scopeSchemaUrl, "scopeSchemaUrl");
    Objects.requireNonNull(span, "span");
    TraceId.fromBytes(span.getTraceId().toByteArray(), "span.trace_id");
    SpanId.fromBytes(span.getSpanId().toByteArray(), "span.span_id");
    if (!span.getParentSpanId().isEmpty()) {
      SpanId.fromBytes(span.getParentSpanId().toByteArray(), "span.parent_span_id");
    }
  }

  /** A span with no schema URLs, the common case. */
  public static OtlpSpan of(Resource resource, InstrumentationScope scope, Span span) {
    return new OtlpSpan(resource, "", scope, "", span);
  }

  public TraceId traceId() {
    return TraceId.fromBytes(span.getTraceId().toByteArray());
  }

  public SpanId spanId() {
    return SpanId.fromBytes(span.getSpanId().toByteArray());
  }

  public Optional<SpanId> parentSpanId() {
    return span.getParentSpanId().isEmpty()
        ? Optional.empty()
        : Optional.of(SpanId.fromBytes(span.getParentSpanId().toByteArray()));
  }

  public boolean isRoot() {
    return span.getParentSpanId().isEmpty();
  }

  /** The resource's {@code service.name}, or {@value #UNKNOWN_SERVICE}. */
  public String serviceName() {
    return attribute(resource, "service.name")
        .filter(AnyValue::hasStringValue)
        .map(AnyValue::getStringValue)
        .filter(name -> !name.isEmpty())
        .orElse(UNKNOWN_SERVICE);
  }

  public String name() {
    return span.getName();
  }

  public long startEpochNanos() {
    return span.getStartTimeUnixNano();
  }

  public long endEpochNanos() {
    return Math.max(span.getStartTimeUnixNano(), span.getEndTimeUnixNano());
  }

  /** End minus start; zero when the end is missing or before the start. */
  public long durationNanos() {
    return endEpochNanos() - startEpochNanos();
  }

  public boolean isError() {
    return span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
  }

  /** A span attribute, or else a resource attribute, with this key. */
  public Optional<AnyValue> attribute(String key) {
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return Optional.of(kv.getValue());
      }
    }
    return attribute(resource, key);
  }

  private static Optional<AnyValue> attribute(Resource resource, String key) {
    for (KeyValue kv : resource.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return Optional.of(kv.getValue());
      }
    }
    return Optional.empty();
  }
}
