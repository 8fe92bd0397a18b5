package io.tailkeep.store.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.testing.TestSpans;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanFieldReaderTest {

  private static KeyValue kv(String key, AnyValue.Builder value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static WireSpan span(Span.Builder span) {
    Span.Builder withIds =
        span.setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
            .setSpanId(ByteString.copyFrom(new byte[] {1, 1, 1, 1, 1, 1, 1, 1}));
    return WireSpan.of(OtlpSpan.of(TestSpans.resource("shop"), InstrumentationScope.getDefaultInstance(), withIds.build()));
  }

  private record Seen(String key, Object value, boolean inArray) {}

  @Test
  void readsNameKindStatusAndOnlyTheAskedForAttributes() {
    WireSpan span =
        span(
            Span.newBuilder()
                .setName("GET /cart")
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
                .addAttributes(kv("http.route", AnyValue.newBuilder().setStringValue("/cart")))
                .addAttributes(kv("http.request.method", AnyValue.newBuilder().setStringValue("GET")))
                .addAttributes(kv("db.rows", AnyValue.newBuilder().setIntValue(12)))
                .addAttributes(kv("ratio", AnyValue.newBuilder().setDoubleValue(0.5)))
                .addAttributes(kv("cached", AnyValue.newBuilder().setBoolValue(true)))
                .addAttributes(kv("blob", AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("hi"))))
                .addAttributes(
                    kv("tags", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                        .addValues(AnyValue.newBuilder().setStringValue("a"))
                        .addValues(AnyValue.newBuilder().setIntValue(2)))))
                .addAttributes(kv("map", AnyValue.newBuilder().setKvlistValue(KeyValueList.getDefaultInstance())))
                .addAttributes(kv("empty", AnyValue.newBuilder().setArrayValue(ArrayValue.getDefaultInstance()))));
    AttributeKeys keys =
        new AttributeKeys(List.of("http.route", "db.rows", "ratio", "cached", "blob", "tags", "map", "empty", "absent"), List.of("http."));
    List<Seen> seen = new ArrayList<>();

    SpanFields fields = new SpanFieldReader(keys).read(span, (key, value, inArray) -> seen.add(new Seen(keys.text(key), value, inArray)));

    assertThat(fields.name()).isEqualTo("GET /cart");
    assertThat(fields.kind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER_VALUE);
    assertThat(fields.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_OK_VALUE);
    assertThat(fields.isError()).isFalse();
    assertThat(seen)
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("value")
        .extracting(Seen::key)
        .containsExactly(
            "http.route", "http.", "http.", "db.rows", "ratio", "cached", "blob", "tags", "tags", "map", "empty");
    assertThat(seen.get(0).value()).isEqualTo("/cart");
    assertThat(seen.get(2).value()).isEqualTo("GET");
    assertThat(seen.get(3).value()).isEqualTo(12L);
    assertThat(seen.get(4).value()).isEqualTo(0.5);
    assertThat(seen.get(5).value()).isEqualTo(true);
    assertThat((byte[]) seen.get(6).value()).isEqualTo("hi".getBytes());
    assertThat(seen.get(7)).isEqualTo(new Seen("tags", "a", true));
    assertThat(seen.get(8)).isEqualTo(new Seen("tags", 2L, true));
    assertThat(seen.get(9)).isEqualTo(new Seen("map", null, false));
    assertThat(seen.get(10)).isEqualTo(new Seen("empty", null, true));
  }

  @Test
  void oneErrorDefinitionForBytesAndDecodedSpans() {
    List<Span.Builder> cases =
        List.of(
            Span.newBuilder().setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)),
            Span.newBuilder().setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .addAttributes(kv("http.response.status_code", AnyValue.newBuilder().setIntValue(503))),
            Span.newBuilder().setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .addAttributes(kv("http.status_code", AnyValue.newBuilder().setStringValue("500"))),
            Span.newBuilder().setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                .addAttributes(kv("http.response.status_code", AnyValue.newBuilder().setIntValue(503))),
            Span.newBuilder().setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .addAttributes(kv("http.response.status_code", AnyValue.newBuilder().setIntValue(404))));
    List<Boolean> expected = List.of(true, true, true, false, false);
    SpanFieldReader reader = new SpanFieldReader(AttributeKeys.NONE);

    for (int i = 0; i < cases.size(); i++) {
      WireSpan span = span(cases.get(i));
      assertThat(reader.read(span).isError()).as("case %d, bytes", i).isEqualTo(expected.get(i));
      assertThat(span.toOtlpSpan().isError()).as("case %d, decoded", i).isEqualTo(expected.get(i));
    }
  }

  @Test
  void serviceNameComesFromTheResource() {
    assertThat(SpanFieldReader.serviceName(TestSpans.resource("cart").toByteArray())).isEqualTo("cart");
    assertThat(SpanFieldReader.serviceName(new byte[0])).isEqualTo(OtlpSpan.UNKNOWN_SERVICE);
  }
}
