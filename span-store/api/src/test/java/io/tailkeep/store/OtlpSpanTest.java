package io.tailkeep.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fields a span reads from its bytes agree with protobuf's own parse of the same bytes. */
class OtlpSpanTest {
  private static final ByteString TRACE_ID = ByteString.fromHex("4bf92f3577b34da6a3ce929d0e0e4736");
  private static final ByteString SPAN_ID = ByteString.fromHex("00f067aa0ba902b7");
  private static final ByteString PARENT_ID = ByteString.fromHex("53995c3f42cd8ad8");

  @Test
  void everyFieldReadsAsProtobufParsesIt() {
    Span span = everyField();
    OtlpSpan otlp = OtlpSpan.of(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(), span);

    assertSameAsProtobuf(otlp, span);
    assertThat(otlp.span()).isEqualTo(span);
  }

  @Test
  void fromBytesInALargerBufferTheProtobufMessageIsParsedOnDemand() {
    Span span = everyField();
    byte[] bytes = span.toByteArray();
    byte[] buffer = new byte[bytes.length + 20];
    System.arraycopy(bytes, 0, buffer, 7, bytes.length);

    OtlpSpan otlp = OtlpSpan.decode(
        Resource.getDefaultInstance(), "", InstrumentationScope.getDefaultInstance(), "", buffer, 7, bytes.length);

    assertSameAsProtobuf(otlp, span);
    assertThat(otlp.span()).isEqualTo(span);
    assertThat(otlp).isEqualTo(OtlpSpan.of(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(),
        span));
  }

  /**
   * Two messages one after the other are one message to protobuf: the later scalar wins,
   * repeated fields append, and a message field (status, an attribute's value) merges.
   */
  @Test
  void repeatedFieldsMergeAsProtobufMergesThem() throws IOException {
    Span second =
        Span.newBuilder()
            .setName("second name")
            .setEndTimeUnixNano(9_000)
            .setStatus(Status.newBuilder().setMessage("second message"))
            .addAttributes(kv("late", AnyValue.newBuilder().setBoolValue(false).build()))
            .addEvents(Span.Event.newBuilder().setName("late event"))
            .build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    everyField().writeTo(bytes);
    second.writeTo(bytes);
    // One attribute whose value is sent twice: [1, 2] then [3] is the array [1, 2, 3].
    KeyValue first = kv("merged", array(integer(1), integer(2)));
    KeyValue again = KeyValue.newBuilder().setValue(array(integer(3))).build();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeTag(9, 2);
    out.writeUInt32NoTag(first.getSerializedSize() + again.getSerializedSize());
    first.writeTo(out);
    again.writeTo(out);
    out.flush();
    byte[] merged = bytes.toByteArray();

    Span parsed = Span.parseFrom(merged);
    OtlpSpan otlp = OtlpSpan.decode(
        Resource.getDefaultInstance(), "", InstrumentationScope.getDefaultInstance(), "", merged, 0, merged.length);

    assertSameAsProtobuf(otlp, parsed);
    assertThat(otlp.name()).isEqualTo("second name");
    assertThat(otlp.statusMessage()).isEqualTo("second message");
    assertThat(otlp.statusCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR); // from the first
    assertThat(otlp.attributes().get("merged")).isEqualTo(List.of(1L, 2L, 3L));
  }

  @Test
  void unknownFieldsAreSkippedAndKeptInTheProtobufMessage() {
    Span span =
        everyField().toBuilder()
            .setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("x")).build())
                .addField(98, UnknownFieldSet.Field.newBuilder().addVarint(7).build())
                .build())
            .build();

    OtlpSpan otlp = OtlpSpan.of(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(), span);

    assertSameAsProtobuf(otlp, span);
    assertThat(otlp.span().getUnknownFields().hasField(99)).isTrue();
  }

  @Test
  void invalidUtf8AndTooDeepValuesAreRefusedAsProtobufRefusesThem() throws IOException {
    byte[] badName = withField(ids(), 5, new byte[] {'a', (byte) 0xC3, 'b'});
    assertThatThrownBy(() -> OtlpSpan.decode(Resource.getDefaultInstance(), "",
            InstrumentationScope.getDefaultInstance(), "", badName, 0, badName.length))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UTF-8");

    AnyValue deep = integer(1);
    for (int i = 0; i < SpanMessage.MAX_DEPTH; i++) {
      deep = array(deep);
    }
    byte[] tooDeep = withField(ids(), 9, kv("deep", deep).toByteArray());
    OtlpSpan readLater = OtlpSpan.decode(Resource.getDefaultInstance(), "",
        InstrumentationScope.getDefaultInstance(), "", tooDeep, 0, tooDeep.length);
    assertThatThrownBy(readLater::attributes) // attributes are read on first use
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested");
  }

  @Test
  void badIdsAreRefusedNamingTheField() {
    Span noSpanId = everyField().toBuilder().setSpanId(ByteString.copyFrom(new byte[8])).build();
    assertThatThrownBy(() -> OtlpSpan.of(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(),
            noSpanId))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("span.span_id must not be all zeros");
    Span shortParent = everyField().toBuilder().setParentSpanId(ByteString.fromHex("0102")).build();
    assertThatThrownBy(() -> OtlpSpan.of(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(),
            shortParent))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("span.parent_span_id must be 8 bytes, got 2");
  }

  @Test
  void resourceAttributesTakeTheSameForm() {
    List<KeyValue> attributes = everyField().getAttributesList();
    Attributes converted = Attributes.of(attributes);
    assertThat(converted.size()).isEqualTo(attributes.size());
    for (int i = 0; i < attributes.size(); i++) {
      assertThat(converted.key(i)).isEqualTo(attributes.get(i).getKey());
      assertThat(converted.value(i)).isEqualTo(model(attributes.get(i).getValue()));
    }
    assertThat(Attributes.of(List.of())).isSameAs(Attributes.EMPTY);
  }

  private static void assertSameAsProtobuf(OtlpSpan otlp, Span span) {
    assertThat(otlp.traceId().toBytes()).isEqualTo(span.getTraceId().toByteArray());
    assertThat(otlp.spanId().toBytes()).isEqualTo(span.getSpanId().toByteArray());
    assertThat(otlp.isRoot()).isEqualTo(span.getParentSpanId().isEmpty());
    if (!otlp.isRoot()) {
      assertThat(otlp.parentSpanId().orElseThrow().toBytes()).isEqualTo(span.getParentSpanId().toByteArray());
    }
    assertThat(otlp.traceState()).isEqualTo(span.getTraceState());
    assertThat(otlp.flags()).isEqualTo(span.getFlags());
    assertThat(otlp.name()).isEqualTo(span.getName());
    assertThat(otlp.kind()).isEqualTo(span.getKind());
    assertThat(otlp.kindValue()).isEqualTo(span.getKindValue());
    assertThat(otlp.startEpochNanos()).isEqualTo(span.getStartTimeUnixNano());
    assertThat(otlp.endEpochNanos()).isEqualTo(Math.max(span.getStartTimeUnixNano(), span.getEndTimeUnixNano()));
    assertThat(otlp.attributes()).isEqualTo(model(span.getAttributesList()));
    assertThat(otlp.droppedAttributesCount()).isEqualTo(span.getDroppedAttributesCount());
    List<OtlpSpan.Event> events = new ArrayList<>();
    for (Span.Event event : span.getEventsList()) {
      events.add(new OtlpSpan.Event(event.getTimeUnixNano(), event.getName(), model(event.getAttributesList()),
          event.getDroppedAttributesCount()));
    }
    assertThat(otlp.events()).isEqualTo(events);
    assertThat(otlp.droppedEventsCount()).isEqualTo(span.getDroppedEventsCount());
    List<OtlpSpan.Link> links = new ArrayList<>();
    for (Span.Link link : span.getLinksList()) {
      links.add(new OtlpSpan.Link(link.getTraceId(), link.getSpanId(), link.getTraceState(), link.getFlags(),
          model(link.getAttributesList()), link.getDroppedAttributesCount()));
    }
    assertThat(otlp.links()).isEqualTo(links);
    assertThat(otlp.droppedLinksCount()).isEqualTo(span.getDroppedLinksCount());
    assertThat(otlp.statusCode()).isEqualTo(span.getStatus().getCode());
    assertThat(otlp.statusMessage()).isEqualTo(span.getStatus().getMessage());
  }

  /** The attribute form, built from protobuf's messages independently of the reader under test. */
  private static Attributes model(List<KeyValue> attributes) {
    Attributes.Gathering gathering = new Attributes.Gathering();
    for (KeyValue kv : attributes) {
      gathering.add(kv.getKey(), model(kv.getValue()));
    }
    return gathering.done();
  }

  private static Object model(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> value.getBoolValue();
      case INT_VALUE -> value.getIntValue();
      case DOUBLE_VALUE -> value.getDoubleValue();
      case BYTES_VALUE -> value.getBytesValue();
      case ARRAY_VALUE -> value.getArrayValue().getValuesList().stream().map(OtlpSpanTest::model).toList();
      case KVLIST_VALUE -> model(value.getKvlistValue().getValuesList());
      default -> Attributes.NO_VALUE; // VALUE_NOT_SET
    };
  }

  private static Span everyField() {
    List<KeyValue> attributes = List.of(
        kv("text", AnyValue.newBuilder().setStringValue("héllo 🌍").build()),
        kv("yes", AnyValue.newBuilder().setBoolValue(true).build()),
        kv("count", integer(-42)),
        kv("ratio", AnyValue.newBuilder().setDoubleValue(0.25).build()),
        kv("nan", AnyValue.newBuilder().setDoubleValue(Double.NaN).build()),
        kv("raw", AnyValue.newBuilder().setBytesValue(ByteString.fromHex("00ff10")).build()),
        kv("list", array(integer(1), AnyValue.newBuilder().setStringValue("two").build(), array())),
        kv("map", AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
            .addValues(kv("inner", integer(7)))
            .addValues(kv("inner", array(integer(8))))).build()),
        kv("empty", AnyValue.getDefaultInstance()),
        kv("count", integer(3))); // a repeated key, kept as sent
    return Span.newBuilder()
        .setTraceId(TRACE_ID)
        .setSpanId(SPAN_ID)
        .setParentSpanId(PARENT_ID)
        .setTraceState("vendor=1")
        .setFlags(0x301)
        .setName("GET /cart")
        .setKindValue(2)
        .setStartTimeUnixNano(1_000)
        .setEndTimeUnixNano(5_000)
        .addAllAttributes(attributes)
        .setDroppedAttributesCount(2)
        .addEvents(Span.Event.newBuilder().setTimeUnixNano(2_000).setName("retry")
            .addAttributes(kv("attempt", integer(2))).setDroppedAttributesCount(1))
        .addEvents(Span.Event.newBuilder().setName("no attributes"))
        .setDroppedEventsCount(3)
        .addLinks(Span.Link.newBuilder().setTraceId(TRACE_ID).setSpanId(PARENT_ID).setTraceState("a=b")
            .setFlags(1).addAttributes(kv("why", AnyValue.newBuilder().setStringValue("batch").build()))
            .setDroppedAttributesCount(4))
        .setDroppedLinksCount(5)
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
        .build();
  }

  private static byte[] ids() {
    return Span.newBuilder().setTraceId(TRACE_ID).setSpanId(SPAN_ID).build().toByteArray();
  }

  /** {@code message} with one more length-delimited field of these bytes. */
  private static byte[] withField(byte[] message, int field, byte[] value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(message);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeByteArray(field, value);
    out.flush();
    return bytes.toByteArray();
  }

  private static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static AnyValue integer(long value) {
    return AnyValue.newBuilder().setIntValue(value).build();
  }

  private static AnyValue array(AnyValue... values) {
    return AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addAllValues(List.of(values))).build();
  }
}
