package io.tailkeep.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceTest {
  private static final TraceId TRACE = TraceId.fromHex("4bf92f3577b34da6a3ce929d0e0e4736");

  @Test
  void inStartOrderIsByStartThenUnsignedSpanIdThenAsGiven() {
    OtlpSpan late = span("late", 30, 0x01);
    OtlpSpan highId = span("high id", 10, 0x8000_0000_0000_0000L); // negative as a signed long
    OtlpSpan lowId = span("low id", 10, 0x02);
    OtlpSpan lowIdAgain = span("low id, second", 10, 0x02);
    OtlpSpan early = span("early", 5, 0x7F);

    OtlpSpan[] ordered = Trace.inStartOrder(List.of(late, highId, lowId, lowIdAgain, early));

    assertThat(Arrays.stream(ordered).map(OtlpSpan::name))
        .containsExactly("early", "low id", "low id, second", "high id", "late");
  }

  @Test
  void withoutIdenticalCopiesKeepsFirstCopiesInPlaceAndSpansThatOnlyShareAnId() {
    OtlpSpan a = span("a", 10, 0x01);
    OtlpSpan b = span("b", 20, 0x02);
    OtlpSpan otherWithIdOfA = span("not a", 30, 0x01);
    OtlpSpan copyOfA = span("a", 10, 0x01);

    assertThat(Trace.withoutIdenticalCopies(List.of(a, b, otherWithIdOfA, copyOfA)))
        .containsExactly(a, b, otherWithIdOfA);
    List<OtlpSpan> noRepeats = List.of(a, b);
    assertThat(Trace.withoutIdenticalCopies(noRepeats)).isSameAs(noRepeats);
  }

  private static OtlpSpan span(String name, long startNanos, long spanId) {
    byte[] id = new byte[8];
    for (int i = 0; i < 8; i++) {
      id[i] = (byte) (spanId >>> (56 - 8 * i));
    }
    Span span =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(TRACE.toBytes()))
            .setSpanId(ByteString.copyFrom(id))
            .setName(name)
            .setStartTimeUnixNano(startNanos)
            .setEndTimeUnixNano(startNanos + 1)
            .build();
    return OtlpSpan.of(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(), span);
  }
}
