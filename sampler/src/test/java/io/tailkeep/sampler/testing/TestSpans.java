package io.tailkeep.sampler.testing;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.TraceId;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds OTLP spans for sampler tests: a 1 ms internal child span of one fixed trace unless told
 * otherwise.
 */
public final class TestSpans {

  public static final TraceId TRACE_ID = TraceId.fromHex("4bf92f3577b34da6a3ce929d0e0e4736");
  private static final long START_NANOS = 1_700_000_000_000_000_000L;
  private static final AtomicLong NEXT_SPAN_ID = new AtomicLong(1);

  private TestSpans() {}

  public static Builder span(String service, String name) {
    return new Builder(TRACE_ID, service, name);
  }

  public static Builder root(String service, String name) {
    return new Builder(TRACE_ID, service, name).root();
  }

  /** A child span of the given trace, of service {@code shop}. */
  public static Builder child(TraceId traceId) {
    return new Builder(traceId, "shop", "work");
  }

  /** A root span of the given trace, of service {@code shop}. */
  public static Builder root(TraceId traceId) {
    return child(traceId).root();
  }

  /** A distinct, valid trace ID per number. */
  public static TraceId traceId(long n) {
    return new TraceId(0x5eed_0000_0000_0000L, 0x1234_5678_0000_0000L + n);
  }

  public static final class Builder {
    private final Span.Builder span = Span.newBuilder();
    private final Resource.Builder resource = Resource.newBuilder();

    private Builder(TraceId traceId, String service, String name) {
      span.setTraceId(ByteString.copyFrom(traceId.toBytes()))
          .setSpanId(id(NEXT_SPAN_ID.getAndIncrement()))
          .setParentSpanId(id(0x7fff_0000_0000_0001L))
          .setName(name)
          .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
          .setStartTimeUnixNano(START_NANOS)
          .setEndTimeUnixNano(START_NANOS + 1_000_000);
      if (service != null) {
        resourceAttribute("service.name", service);
      }
    }

    public Builder root() {
      span.clearParentSpanId();
      return this;
    }

    public Builder kind(Span.SpanKind kind) {
      span.setKind(kind);
      return this;
    }

    public Builder server() {
      return kind(Span.SpanKind.SPAN_KIND_SERVER);
    }

    public Builder millis(long millis) {
      span.setEndTimeUnixNano(START_NANOS + millis * 1_000_000);
      return this;
    }

    /** A root that the default rules drop as a health check. */
    public Builder healthCheck() {
      return attribute("http.route", "/healthz");
    }

    public Builder error() {
      span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
      return this;
    }

    public Builder attribute(String key, String value) {
      return attribute(key, AnyValue.newBuilder().setStringValue(value).build());
    }

    public Builder attribute(String key, long value) {
      return attribute(key, AnyValue.newBuilder().setIntValue(value).build());
    }

    public Builder attribute(String key, double value) {
      return attribute(key, AnyValue.newBuilder().setDoubleValue(value).build());
    }

    public Builder attribute(String key, boolean value) {
      return attribute(key, AnyValue.newBuilder().setBoolValue(value).build());
    }

    public Builder attribute(String key, String... values) {
      ArrayValue.Builder array = ArrayValue.newBuilder();
      for (String value : values) {
        array.addValues(AnyValue.newBuilder().setStringValue(value));
      }
      return attribute(key, AnyValue.newBuilder().setArrayValue(array).build());
    }

    public Builder attribute(String key, AnyValue value) {
      span.addAttributes(KeyValue.newBuilder().setKey(key).setValue(value));
      return this;
    }

    public Builder resourceAttribute(String key, String value) {
      resource.addAttributes(
          KeyValue.newBuilder()
              .setKey(key)
              .setValue(AnyValue.newBuilder().setStringValue(value)));
      return this;
    }

    /** The span encoded, as the receivers hand it on. */
    public WireSpan build() {
      return WireSpan.of(
          OtlpSpan.of(resource.build(), InstrumentationScope.getDefaultInstance(), span.build()));
    }
  }

  private static ByteString id(long value) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(value).array());
  }
}
