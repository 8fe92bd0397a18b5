package io.tailkeep.collector;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tailkeep.store.wire.ExportRequestScanner;
import io.tailkeep.store.wire.ExportRequestScanner.ScannedRequest;
import java.util.Arrays;
import java.util.HexFormat;

/** Hand-made OTLP requests for tests. */
final class TestRequests {

  static final String TRACE_ID_HEX = "5b8efff798038103d269b633813fc60c";
  static final String SPAN_ID_HEX = "eee19b7ec3c1b174";
  static final String PARENT_ID_HEX = "eee19b7ec3c1b173";

  private TestRequests() {}

  /** A request as the receivers read it, at the wire level. */
  static ScannedRequest scanned(ExportTraceServiceRequest request) {
    try {
      return ExportRequestScanner.scan(request.toByteArray());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("a built request always reads", e);
    }
  }

  static ByteString hex(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  static ByteString bytes(int length, int fill) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) fill);
    return ByteString.copyFrom(bytes);
  }

  static Span.Builder span(String name) {
    return Span.newBuilder()
        .setTraceId(hex(TRACE_ID_HEX))
        .setSpanId(hex(SPAN_ID_HEX))
        .setParentSpanId(hex(PARENT_ID_HEX))
        .setName(name)
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(1_700_000_000_000_000_000L)
        .setEndTimeUnixNano(1_700_000_000_250_000_000L);
  }

  static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  /** One resource ({@code service.name=checkout}) with one scope holding {@code spans}. */
  static ExportTraceServiceRequest request(Span.Builder... spans) {
    ScopeSpans.Builder scope =
        ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("test-scope").setVersion("1.0"))
            .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0");
    for (Span.Builder span : spans) {
      scope.addSpans(span);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attribute("service.name", "checkout")))
                .setSchemaUrl("https://opentelemetry.io/schemas/1.25.0")
                .addScopeSpans(scope))
        .build();
  }
}
