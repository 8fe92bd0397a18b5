package io.tailkeep.store.testing;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds spans for tests, in two styles: fluent builders of one span with fixed IDs ({@link
 * #span(String, String)}, {@link #root(TraceId)}, ...), as the receivers hand spans on; and, from a
 * seeded instance, OTLP spans with random IDs, whole traces and one span that fills every field.
 */
public final class TestSpans {
  // Fluent, fixed IDs: a 1 ms internal child span of one trace (TRACE_ID) unless told otherwise,
  // encoded as the receivers hand spans on (sampler tests).


  public static final TraceId TRACE_ID = TraceId.fromHex("4bf92f3577b34da6a3ce929d0e0e4736");
  private static final long START_NANOS = 1_700_000_000_000_000_000L;
  private static final AtomicLong NEXT_SPAN_ID = new AtomicLong(1);

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

  // Seeded random IDs, OTLP spans and whole traces (store tests).

  private final Random random;

  public TestSpans(long seed) {
    this.random = new Random(seed);
  }

  public TraceId newTraceId() {
    return new TraceId(random.nextLong() | 1, random.nextLong());
  }

  public SpanId newSpanId() {
    return new SpanId(random.nextLong() | 1);
  }

  public static long nanos(Instant instant) {
    return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
  }

  public static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  public static Resource resource(String service) {
    return Resource.newBuilder().addAttributes(attr("service.name", service)).build();
  }

  public static InstrumentationScope scope() {
    return InstrumentationScope.newBuilder().setName("io.tailkeep.test").setVersion("1.0").build();
  }

  /** A plain span: service, name, parent (null for a root), start and duration. */
  public OtlpSpan span(
      TraceId traceId, SpanId spanId, SpanId parent, String service, String name, long startNanos,
      long durationNanos, KeyValue... attributes) {
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(traceId.toBytes()))
            .setSpanId(ByteString.copyFrom(spanId.toBytes()))
            .setName(name)
            .setKind(parent == null ? Span.SpanKind.SPAN_KIND_SERVER : Span.SpanKind.SPAN_KIND_INTERNAL)
            .setStartTimeUnixNano(startNanos)
            .setEndTimeUnixNano(startNanos + durationNanos);
    if (parent != null) {
      span.setParentSpanId(ByteString.copyFrom(parent.toBytes()));
    }
    for (KeyValue kv : attributes) {
      span.addAttributes(kv);
    }
    return OtlpSpan.of(resource(service), scope(), span.build());
  }

  /** A trace of {@code spanCount} spans: a root of {@code rootService} and children under it. */
  public List<OtlpSpan> trace(
      TraceId traceId, String rootService, String rootName, long startNanos, long durationNanos,
      int spanCount, KeyValue... rootAttributes) {
    List<OtlpSpan> spans = new ArrayList<>(spanCount);
    SpanId root = newSpanId();
    spans.add(span(traceId, root, null, rootService, rootName, startNanos, durationNanos, rootAttributes));
    for (int i = 1; i < spanCount; i++) {
      long offset = durationNanos <= 1 ? 0 : Math.floorMod(random.nextLong(), durationNanos / 2);
      long length = Math.max(1, (durationNanos - offset) / 2);
      spans.add(
          span(traceId, newSpanId(), root, rootService + "-dep", "child-" + (i % 7), startNanos + offset, length));
    }
    return spans;
  }

  /** A span that sets every OTLP field, with attribute values of every type. */
  public OtlpSpan everyField(TraceId traceId, SpanId spanId, SpanId parent, long startNanos) {
    AnyValue array =
        AnyValue.newBuilder()
            .setArrayValue(
                ArrayValue.newBuilder()
                    .addValues(AnyValue.newBuilder().setStringValue("a"))
                    .addValues(AnyValue.newBuilder().setIntValue(-7))
                    .addValues(AnyValue.newBuilder().setBoolValue(true)))
            .build();
    AnyValue map =
        AnyValue.newBuilder()
            .setKvlistValue(
                KeyValueList.newBuilder()
                    .addValues(attr("nested.key", "nested value"))
                    .addValues(
                        KeyValue.newBuilder()
                            .setKey("nested.double")
                            .setValue(AnyValue.newBuilder().setDoubleValue(2.5))))
            .build();
    List<KeyValue> attributes =
        List.of(
            attr("string", "värde ✓"),
            KeyValue.newBuilder().setKey("bool").setValue(AnyValue.newBuilder().setBoolValue(true)).build(),
            KeyValue.newBuilder().setKey("int").setValue(AnyValue.newBuilder().setIntValue(Long.MIN_VALUE)).build(),
            KeyValue.newBuilder().setKey("double").setValue(AnyValue.newBuilder().setDoubleValue(-0.125)).build(),
            KeyValue.newBuilder().setKey("bytes").setValue(
                AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {0, 1, (byte) 0xFF}))).build(),
            KeyValue.newBuilder().setKey("array").setValue(array).build(),
            KeyValue.newBuilder().setKey("map").setValue(map).build(),
            KeyValue.newBuilder().setKey("empty").setValue(AnyValue.getDefaultInstance()).build());
    Span span =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(traceId.toBytes()))
            .setSpanId(ByteString.copyFrom(spanId.toBytes()))
            .setParentSpanId(ByteString.copyFrom(parent.toBytes()))
            .setTraceState("vendor=value,other=1")
            .setFlags(0x301)
            .setName("GET /everything")
            .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
            .setStartTimeUnixNano(startNanos)
            .setEndTimeUnixNano(startNanos + 1_234_567)
            .addAllAttributes(attributes)
            .setDroppedAttributesCount(3)
            .addEvents(
                Span.Event.newBuilder()
                    .setTimeUnixNano(startNanos + 10)
                    .setName("exception")
                    .addAttributes(attr("exception.message", "boom"))
                    .setDroppedAttributesCount(1))
            .setDroppedEventsCount(4)
            .addLinks(
                Span.Link.newBuilder()
                    .setTraceId(ByteString.copyFrom(newTraceId().toBytes()))
                    .setSpanId(ByteString.copyFrom(newSpanId().toBytes()))
                    .setTraceState("linked=yes")
                    .addAttributes(attr("link.kind", "batch"))
                    .setDroppedAttributesCount(2)
                    .setFlags(0x100))
            .setDroppedLinksCount(5)
            .setStatus(
                Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("it failed"))
            .build();
    Resource resource =
        Resource.newBuilder()
            .addAttributes(attr("service.name", "everything-service"))
            .addAttributes(KeyValue.newBuilder().setKey("host.cores").setValue(AnyValue.newBuilder().setIntValue(2)))
            .addAttributes(KeyValue.newBuilder().setKey("labels").setValue(array))
            .setDroppedAttributesCount(6)
            .build();
    InstrumentationScope scope =
        InstrumentationScope.newBuilder()
            .setName("io.tailkeep.everything")
            .setVersion("9.9.9")
            .addAttributes(attr("scope.attr", "x"))
            .setDroppedAttributesCount(7)
            .build();
    return new OtlpSpan(
        resource, "https://opentelemetry.io/schemas/1.26.0", scope, "https://opentelemetry.io/schemas/1.25.0", span);
  }
}
