package io.tailkeep.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.store.wire.ProtoCursor;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One OTLP span with the resource and instrumentation scope it was exported under: the unit that
 * travels from the collector to storage and back, unchanged.
 *
 * <p>A span keeps its message's bytes and the fields read from them ({@link SpanMessage}): the read
 * views use those, and the protobuf {@link Span} is parsed only when asked for ({@link #span()}).
 * Equal as protobuf's messages are: same resource, scope, schema URLs and span message.
 *
 * <p>Construction checks the IDs, so a span with a bad trace, span or parent ID never reaches I/O.
 */
public final class OtlpSpan {

  /** The service name a span gets when its resource has none, as the OpenTelemetry SDK names it. */
  public static final String UNKNOWN_SERVICE = "unknown_service";

  /** A span event (OTLP's {@code Span.Event}). */
  public record Event(long timeUnixNano, String name, Attributes attributes, int droppedAttributesCount) {}

  /** A span link (OTLP's {@code Span.Link}); its IDs as sent, not checked. */
  public record Link(
      ByteString traceId, ByteString spanId, String traceState, int flags, Attributes attributes,
      int droppedAttributesCount) {}

  private final Resource resource;
  private final String resourceSchemaUrl;
  private final InstrumentationScope scope;
  private final String scopeSchemaUrl;
  private final SpanMessage fields;
  private final long traceIdHigh;
  private final long traceIdLow;
  private final long spanId;
  private final long parentSpanId;
  /** The protobuf message, parsed on first use; racing parses give equal messages. */
  private volatile Span span;

  public OtlpSpan(
      Resource resource, String resourceSchemaUrl, InstrumentationScope scope, String scopeSchemaUrl, Span span) {
    this(resource, resourceSchemaUrl, scope, scopeSchemaUrl, Objects.requireNonNull(span, "span").toByteArray(),
        span);
  }

  private OtlpSpan(
      Resource resource, String resourceSchemaUrl, InstrumentationScope scope, String scopeSchemaUrl, byte[] bytes,
      Span span) {
    this(resource, resourceSchemaUrl, scope, scopeSchemaUrl, bytes, 0, bytes.length);
    this.span = span;
  }

  private OtlpSpan(
      Resource resource, String resourceSchemaUrl, InstrumentationScope scope, String scopeSchemaUrl, byte[] buf,
      int offset, int length) {
    this.resource = Objects.requireNonNull(resource, "resource");
    this.resourceSchemaUrl = Objects.requireNonNull(resourceSchemaUrl, "resourceSchemaUrl");
    this.scope = Objects.requireNonNull(scope, "scope");
    this.scopeSchemaUrl = Objects.requireNonNull(scopeSchemaUrl, "scopeSchemaUrl");
    try {
      fields = new SpanMessage(buf, offset, length);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a valid OTLP span message: " + e.getMessage(), e);
    }
    String problem = idProblem(buf, fields.traceIdAt, fields.traceIdLength, 16, "span.trace_id");
    if (problem == null) {
      problem = idProblem(buf, fields.spanIdAt, fields.spanIdLength, 8, "span.span_id");
    }
    if (problem == null && fields.parentLength > 0) {
      problem = idProblem(buf, fields.parentAt, fields.parentLength, 8, "span.parent_span_id");
    }
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    traceIdHigh = ProtoCursor.longAt(buf, fields.traceIdAt);
    traceIdLow = ProtoCursor.longAt(buf, fields.traceIdAt + 8);
    spanId = ProtoCursor.longAt(buf, fields.spanIdAt);
    parentSpanId = fields.parentLength > 0 ? ProtoCursor.longAt(buf, fields.parentAt) : 0;
  }

  /**
   * A span from the bytes of its {@code Span} message, {@code buf[offset, offset + length)}, which
   * it keeps (the buffer must not change after).
   *
   * @throws IllegalArgumentException when the bytes are not a span message or its IDs are bad
   */
  public static OtlpSpan decode(
      Resource resource, String resourceSchemaUrl, InstrumentationScope scope, String scopeSchemaUrl, byte[] buf,
      int offset, int length) {
    return new OtlpSpan(resource, resourceSchemaUrl, scope, scopeSchemaUrl, buf, offset, length);
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

  public Resource resource() {
    return resource;
  }

  public String resourceSchemaUrl() {
    return resourceSchemaUrl;
  }

  public InstrumentationScope scope() {
    return scope;
  }

  public String scopeSchemaUrl() {
    return scopeSchemaUrl;
  }

  /** The span as protobuf's message, every field as sent (unknown ones included). */
  public Span span() {
    Span parsed = span;
    if (parsed == null) {
      try {
        parsed = Span.parser().parseFrom(fields.buf, fields.offset, fields.length);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("the span's bytes are not a valid OTLP Span message", e);
      }
      span = parsed;
    }
    return parsed;
  }

  public TraceId traceId() {
    return new TraceId(traceIdHigh, traceIdLow);
  }

  public SpanId spanId() {
    return new SpanId(spanId);
  }

  public Optional<SpanId> parentSpanId() {
    return isRoot() ? Optional.empty() : Optional.of(new SpanId(parentSpanId));
  }

  public boolean isRoot() {
    return fields.parentLength == 0;
  }

  /** The resource's {@code service.name}, or {@value #UNKNOWN_SERVICE}. */
  public String serviceName() {
    for (KeyValue kv : resource.getAttributesList()) {
      if (kv.getKey().equals("service.name")) {
        AnyValue value = kv.getValue();
        return value.hasStringValue() && !value.getStringValue().isEmpty() ? value.getStringValue() : UNKNOWN_SERVICE;
      }
    }
    return UNKNOWN_SERVICE;
  }

  public String name() {
    return fields.name;
  }

  /** The kind's number as sent; see {@link #kind()}. */
  public int kindValue() {
    return fields.kind;
  }

  /** {@link Span.SpanKind#UNRECOGNIZED} for a number OTLP does not define, as protobuf gives it. */
  public Span.SpanKind kind() {
    Span.SpanKind kind = Span.SpanKind.forNumber(fields.kind);
    return kind == null ? Span.SpanKind.UNRECOGNIZED : kind;
  }

  public long startEpochNanos() {
    return fields.start;
  }

  public long endEpochNanos() {
    return Math.max(fields.start, fields.end);
  }

  /** End minus start; zero when the end is missing or before the start. */
  public long durationNanos() {
    return endEpochNanos() - startEpochNanos();
  }

  public String traceState() {
    return fields.traceState;
  }

  /** The W3C trace flags and OTLP's other flag bits. */
  public int flags() {
    return fields.flags;
  }

  public Attributes attributes() {
    return fields.repeated().attributes;
  }

  public int droppedAttributesCount() {
    return fields.droppedAttributesCount;
  }

  public List<Event> events() {
    return fields.repeated().events;
  }

  public int droppedEventsCount() {
    return fields.droppedEventsCount;
  }

  public List<Link> links() {
    return fields.repeated().links;
  }

  public int droppedLinksCount() {
    return fields.droppedLinksCount;
  }

  /** {@link Status.StatusCode#UNRECOGNIZED} for a number OTLP does not define. */
  public Status.StatusCode statusCode() {
    Status.StatusCode code = Status.StatusCode.forNumber(fields.statusCode);
    return code == null ? Status.StatusCode.UNRECOGNIZED : code;
  }

  public String statusMessage() {
    return fields.statusMessage;
  }

  /** The one definition of an error span ({@link ErrorSpans}). */
  public boolean isError() {
    int kind = fields.kind;
    int status = fields.statusCode;
    return ErrorSpans.isError(kind, status, ErrorSpans.needsHttpStatus(kind, status) ? httpStatus() : 0);
  }

  /** The span's HTTP response status attribute; 0 when it has none. */
  private long httpStatus() {
    Attributes attributes = fields.repeated().attributes;
    long status = 0;
    for (int i = 0; i < attributes.size(); i++) {
      String key = attributes.key(i);
      if (key.equals(ErrorSpans.HTTP_RESPONSE_STATUS) || key.equals(ErrorSpans.HTTP_STATUS_OLD)) {
        Object value = attributes.value(i);
        long parsed =
            value instanceof Long number ? number
                : value instanceof Double number ? (long) number.doubleValue()
                : value instanceof String text ? ErrorSpans.parseStatus(text)
                : 0;
        status = Math.max(status, parsed);
      }
    }
    return status;
  }

  /** A span attribute, or else a resource attribute, with this key. */
  public Optional<AnyValue> attribute(String key) {
    for (KeyValue kv : span().getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return Optional.of(kv.getValue());
      }
    }
    for (KeyValue kv : resource.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return Optional.of(kv.getValue());
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OtlpSpan other
        && spanId == other.spanId
        && resourceSchemaUrl.equals(other.resourceSchemaUrl)
        && scopeSchemaUrl.equals(other.scopeSchemaUrl)
        && resource.equals(other.resource)
        && scope.equals(other.scope)
        && span().equals(other.span());
  }

  @Override
  public int hashCode() {
    return Objects.hash(resource, resourceSchemaUrl, scope, scopeSchemaUrl, span());
  }

  @Override
  public String toString() {
    return "OtlpSpan[trace " + traceId() + ", span " + spanId() + ", name " + fields.name + "]";
  }
}
