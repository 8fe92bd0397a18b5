package io.tailkeep.store;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
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
    String problem = idProblem(span);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /**
   * What is wrong with the span's trace, span or parent ID, naming the field; null when they are
   * valid. Lets a receiver refuse a bad span without an exception, and reads the IDs in place.
   */
  public static String idProblem(Span span) {
    String problem = idProblem(span.getTraceId(), 16, "span.trace_id");
    if (problem == null) {
      problem = idProblem(span.getSpanId(), 8, "span.span_id");
    }
    if (problem == null && !span.getParentSpanId().isEmpty()) {
      problem = idProblem(span.getParentSpanId(), 8, "span.parent_span_id");
    }
    return problem;
  }

  private static String idProblem(ByteString id, int length, String field) {
    if (id.size() == length) {
      for (int i = 0; i < length; i++) {
        if (id.byteAt(i) != 0) {
          return null; // valid: checked in place, as every span read back is
        }
      }
    }
    return idProblem(id.toByteArray(), 0, id.size(), length, field);
  }

  /**
   * What is wrong with an ID field of {@code length} bytes at {@code at} (expected: {@code
   * expected} bytes, not all zeros), naming the field; null when it is valid.
   */
  public static String idProblem(byte[] buf, int at, int length, int expected, String field) {
    if (length != expected) {
      return field + " must be " + expected + " bytes, got " + length;
    }
    for (int i = 0; i < length; i++) {
      if (buf[at + i] != 0) {
        return null;
      }
    }
    return field + " must not be all zeros";
  }

  /** A span with no schema URLs, the common case. */
  public static OtlpSpan of(Resource resource, InstrumentationScope scope, Span span) {
    return new OtlpSpan(resource, "", scope, "", span);
  }

  // IDs are read straight from the protobuf bytes: called per span on the ingest path.
  public TraceId traceId() {
    return new TraceId(readLong(span.getTraceId(), 0), readLong(span.getTraceId(), 8));
  }

  public SpanId spanId() {
    return new SpanId(readLong(span.getSpanId(), 0));
  }

  public Optional<SpanId> parentSpanId() {
    return span.getParentSpanId().isEmpty()
        ? Optional.empty()
        : Optional.of(new SpanId(readLong(span.getParentSpanId(), 0)));
  }

  private static long readLong(ByteString bytes, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes.byteAt(offset + i) & 0xFF);
    }
    return value;
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

  /** The one definition of an error span ({@link ErrorSpans}). */
  public boolean isError() {
    int kind = span.getKindValue();
    int status = span.getStatus().getCodeValue();
    return ErrorSpans.isError(kind, status, ErrorSpans.needsHttpStatus(kind, status) ? httpStatus() : 0);
  }

  /** The span's HTTP response status attribute; 0 when it has none. */
  private long httpStatus() {
    long status = 0;
    for (int i = 0, n = span.getAttributesCount(); i < n; i++) {
      KeyValue kv = span.getAttributes(i);
      String key = kv.getKey();
      if (key.equals(ErrorSpans.HTTP_RESPONSE_STATUS) || key.equals(ErrorSpans.HTTP_STATUS_OLD)) {
        AnyValue value = kv.getValue();
        long parsed =
            switch (value.getValueCase()) {
              case INT_VALUE -> value.getIntValue();
              case DOUBLE_VALUE -> (long) value.getDoubleValue();
              case STRING_VALUE -> ErrorSpans.parseStatus(value.getStringValue());
              default -> 0;
            };
        status = Math.max(status, parsed);
      }
    }
    return status;
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
