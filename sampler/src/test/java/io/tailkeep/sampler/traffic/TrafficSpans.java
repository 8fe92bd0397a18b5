package io.tailkeep.sampler.traffic;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.WireSpan;
import java.nio.ByteBuffer;

/**
 * Spans of one trace with the IDs a test gives them, so parents and children are the test's to
 * wire ({@code TestSpans} numbers span IDs itself and gives every child the same parent).
 */
final class TrafficSpans {

  static final long START_NANOS = 1_700_000_000_000_000_000L;
  private static final byte[] TRACE_ID = {0x4b, (byte) 0xf9, 0x2f, 0x35, 0x77, (byte) 0xb3, 0x4d, (byte) 0xa6,
      (byte) 0xa3, (byte) 0xce, (byte) 0x92, (byte) 0x9d, 0x0e, 0x0e, 0x47, 0x36};

  private TrafficSpans() {}

  /** A span of {@code service} with span ID {@code id}, child of {@code parent} (0: a root), 1 ms. */
  static Builder span(String service, long id, long parent) {
    return new Builder(service, id, parent);
  }

  static final class Builder {
    private final String service;
    private final Span.Builder span = Span.newBuilder();

    private Builder(String service, long id, long parent) {
      this.service = service;
      span.setTraceId(ByteString.copyFrom(TRACE_ID))
          .setSpanId(id(id))
          .setName("op")
          .setKind(SpanKind.SPAN_KIND_INTERNAL)
          .setStartTimeUnixNano(START_NANOS)
          .setEndTimeUnixNano(START_NANOS + 1_000_000);
      if (parent != 0) {
        span.setParentSpanId(id(parent));
      }
    }

    Builder name(String name) {
      span.setName(name);
      return this;
    }

    Builder kind(SpanKind kind) {
      span.setKind(kind);
      return this;
    }

    Builder client() {
      return kind(SpanKind.SPAN_KIND_CLIENT);
    }

    Builder server() {
      return kind(SpanKind.SPAN_KIND_SERVER);
    }

    Builder nanos(long nanos) {
      span.setEndTimeUnixNano(START_NANOS + nanos);
      return this;
    }

    Builder millis(long millis) {
      return nanos(millis * 1_000_000);
    }

    Builder status(StatusCode code) {
      span.setStatus(Status.newBuilder().setCode(code));
      return this;
    }

    Builder error() {
      return status(StatusCode.STATUS_CODE_ERROR);
    }

    Builder attribute(String key, String value) {
      span.addAttributes(
          KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)));
      return this;
    }

    Builder attribute(String key, long value) {
      return attribute(key, AnyValue.newBuilder().setIntValue(value).build());
    }

    Builder attribute(String key, double value) {
      return attribute(key, AnyValue.newBuilder().setDoubleValue(value).build());
    }

    Builder attribute(String key, AnyValue value) {
      span.addAttributes(KeyValue.newBuilder().setKey(key).setValue(value));
      return this;
    }

    WireSpan build() {
      Resource resource =
          Resource.newBuilder()
              .addAttributes(
                  KeyValue.newBuilder()
                      .setKey("service.name")
                      .setValue(AnyValue.newBuilder().setStringValue(service)))
              .build();
      return WireSpan.of(OtlpSpan.of(resource, InstrumentationScope.getDefaultInstance(), span.build()));
    }
  }

  private static ByteString id(long value) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(value).array());
  }
}
