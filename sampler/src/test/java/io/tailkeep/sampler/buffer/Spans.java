package io.tailkeep.sampler.buffer;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.TraceId;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/** Builds OTLP spans for buffer tests: a 1 ms internal child span unless told otherwise. */
final class Spans {

  private static final long START_NANOS = 1_700_000_000_000_000_000L;
  private static final long PARENT_ID = 0x0fff_0000_0000_0001L;
  private static final AtomicLong NEXT_ID = new AtomicLong(1);

  private final Span.Builder span = Span.newBuilder();
  private final Resource.Builder resource = Resource.newBuilder();

  private Spans(TraceId traceId) {
    span.setTraceId(ByteString.copyFrom(traceId.toBytes()))
        .setSpanId(id(NEXT_ID.getAndIncrement()))
        .setParentSpanId(id(PARENT_ID))
        .setName("work")
        .setStartTimeUnixNano(START_NANOS)
        .setEndTimeUnixNano(START_NANOS + 1_000_000);
    resourceAttribute("service.name", "shop");
  }

  /** A distinct, valid trace ID per number. */
  static TraceId traceId(long n) {
    return new TraceId(0x5eed_0000_0000_0000L, 0x1234_5678_0000_0000L + n);
  }

  static Spans child(TraceId traceId) {
    return new Spans(traceId);
  }

  static Spans root(TraceId traceId) {
    Spans spans = new Spans(traceId);
    spans.span.clearParentSpanId();
    return spans;
  }

  Spans error() {
    span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
    return this;
  }

  /** A root that the default rules drop as a health check. */
  Spans healthCheck() {
    return attribute("http.route", "/healthz");
  }

  Spans attribute(String key, String value) {
    span.addAttributes(
        KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)));
    return this;
  }

  Spans resourceAttribute(String key, String value) {
    resource.addAttributes(
        KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)));
    return this;
  }

  OtlpSpan build() {
    return OtlpSpan.of(resource.build(), InstrumentationScope.getDefaultInstance(), span.build());
  }

  private static ByteString id(long value) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(value).array());
  }
}
