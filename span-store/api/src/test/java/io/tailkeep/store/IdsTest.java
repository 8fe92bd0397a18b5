package io.tailkeep.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;

class IdsTest {
  static final byte[] TRACE = new byte[16];
  static final byte[] SPAN = new byte[8];

  static {
    TRACE[15] = 1;
    SPAN[7] = 2;
  }

  @Test
  void traceIdRoundTripsThroughBytesAndHex() {
    TraceId id = TraceId.fromHex("0af7651916cd43dd8448eb211c80319c");
    assertThat(TraceId.fromBytes(id.toBytes())).isEqualTo(id);
    assertThat(id.toHex()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(SpanId.fromHex("b7ad6b7169203331").toHex()).isEqualTo("b7ad6b7169203331");
    assertThat(SpanId.fromHex("00000000000000ff").toHex()).isEqualTo("00000000000000ff");
    assertThat(new TraceId(0, 1).toHex()).isEqualTo("0".repeat(31) + "1");
    assertThat(new TraceId(-1, 0).toHex()).isEqualTo("f".repeat(16) + "0".repeat(16));
  }

  @Test
  void rejectsATraceIdThatIsNot16Bytes() {
    assertThatThrownBy(() -> TraceId.fromBytes(new byte[15]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("traceId must be 16 bytes, got 15");
  }

  @Test
  void rejectsAnAllZeroTraceId() {
    assertThatThrownBy(() -> TraceId.fromBytes(new byte[16]))
        .hasMessage("traceId must not be all zeros");
    assertThatThrownBy(() -> TraceId.fromHex("0".repeat(32))).hasMessage("traceId must not be all zeros");
  }

  @Test
  void rejectsMalformedHex() {
    assertThatThrownBy(() -> TraceId.fromHex("xyz")).hasMessageContaining("traceId").hasMessageContaining("xyz");
    assertThatThrownBy(() -> SpanId.fromHex("0af76519")).hasMessageContaining("spanId");
  }

  @Test
  void rejectsASpanIdThatIsNot8BytesOrAllZeros() {
    assertThatThrownBy(() -> SpanId.fromBytes(new byte[9])).hasMessage("spanId must be 8 bytes, got 9");
    assertThatThrownBy(() -> SpanId.fromBytes(new byte[8])).hasMessage("spanId must not be all zeros");
  }

  @Test
  void otlpSpanNamesTheBadIdField() {
    Span good = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(TRACE)).setSpanId(ByteString.copyFrom(SPAN)).build();
    assertThat(OtlpSpan.of(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(), good).serviceName())
        .isEqualTo("unknown_service");
    assertThatThrownBy(() -> span(good.toBuilder().setTraceId(ByteString.copyFrom(new byte[4])).build()))
        .hasMessage("span.trace_id must be 16 bytes, got 4");
    assertThatThrownBy(() -> span(good.toBuilder().setSpanId(ByteString.EMPTY).build()))
        .hasMessage("span.span_id must be 8 bytes, got 0");
    assertThatThrownBy(() -> span(good.toBuilder().setParentSpanId(ByteString.copyFrom(new byte[8])).build()))
        .hasMessage("span.parent_span_id must not be all zeros");
  }

  @Test
  void batchRejectsSpansOfAnotherTrace() {
    Span a = Span.newBuilder().setTraceId(ByteString.copyFrom(TRACE)).setSpanId(ByteString.copyFrom(SPAN)).build();
    byte[] other = TRACE.clone();
    other[0] = 9;
    Span b = a.toBuilder().setTraceId(ByteString.copyFrom(other)).build();
    assertThatThrownBy(() -> SpanBatch.of(java.util.List.of(span(a), span(b)), null))
        .hasMessageContaining("spans[1].trace_id");
    assertThatThrownBy(() -> SpanBatch.of(java.util.List.of(), null)).hasMessageContaining("spans");
  }

  @Test
  void samplingProbabilityMustBeAProbability() {
    assertThatThrownBy(() -> new Sampling("r", 0)).hasMessageContaining("probability");
    assertThatThrownBy(() -> new Sampling("r", 1.5)).hasMessageContaining("1.5");
    assertThatThrownBy(() -> new Sampling(" ", 1)).hasMessageContaining("rule");
  }

  private static OtlpSpan span(Span span) {
    return OtlpSpan.of(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(), span);
  }
}
