package io.tailkeep.collector;

import static io.tailkeep.collector.TestRequests.PARENT_ID_HEX;
import static io.tailkeep.collector.TestRequests.TRACE_ID_HEX;
import static io.tailkeep.collector.TestRequests.attribute;
import static io.tailkeep.collector.TestRequests.hex;
import static io.tailkeep.collector.TestRequests.request;
import static io.tailkeep.collector.TestRequests.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming reader against the JsonFormat path it replaced ({@link JsonFormatReference}): the
 * same body must give an equal request, or be refused by both.
 */
class OtlpJsonReaderTest {

  private static final String SPANS_OPEN = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[";
  private static final String SPANS_CLOSE = "]}]}]}";
  private static final String VALUE_OPEN =
      "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"k\",\"value\":";
  private static final String VALUE_CLOSE = "}]}}]}";

  // ---- equivalence ----

  @Test
  void sdkJsonExportReadsAsTheSdkProtobufExportOfTheSameSpans() throws Exception {
    List<SpanData> spans = new ArrayList<>();
    SdkSpans.sendThrough(collecting(spans));
    TraceRequestMarshaler marshaler = TraceRequestMarshaler.create(spans);
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    marshaler.writeJsonTo(json);
    ByteArrayOutputStream protobuf = new ByteArrayOutputStream();
    marshaler.writeBinaryTo(protobuf);
    String body = json.toString(StandardCharsets.UTF_8);

    ExportTraceServiceRequest read = read(body);

    assertThat(read).isEqualTo(ExportTraceServiceRequest.parseFrom(protobuf.toByteArray()));
    assertThat(read).isEqualTo(JsonFormatReference.parse(body));
    assertThat(read.getResourceSpans(0).getScopeSpans(0).getSpansCount()).isEqualTo(2);
  }

  @Test
  void collectorTestRequestsReadAsBefore() throws Exception {
    assertSameAsBefore(OtlpJsonTest.SPEC_STYLE_REQUEST);
    assertSameAsBefore(OtlpJson.print(request(span("a"), span("b").clearParentSpanId())));
    assertSameAsBefore(
        OtlpJson.print(request(span("big").addAttributes(attribute("payload", "x".repeat(70_000))))));
  }

  @Test
  void fieldsInFieldNumberOrderGiveProtobufsOwnBytes() throws Exception {
    // The printer writes fields in declaration order, which is number order but for Span.flags.
    ExportTraceServiceRequest request = everyField().toBuilder()
        .setResourceSpans(0, everyField().getResourceSpans(0).toBuilder()
            .setScopeSpans(0, everyField().getResourceSpans(0).getScopeSpans(0).toBuilder()
                .setSpans(0, everyFieldSpan().toBuilder().clearFlags())))
        .build();

    byte[] bytes = OtlpJsonReader.toProtobuf(Buffer.buffer(OtlpJson.print(request)));

    assertThat(bytes).isEqualTo(request.toByteArray());
  }

  @Test
  void everyFieldReadsBackInEveryWayOfWritingIt() throws Exception {
    ExportTraceServiceRequest request = everyField();
    String printed = OtlpJson.print(request);
    SplittableRandom random = new SplittableRandom(7);
    for (int variant = 0; variant < 1 << 7; variant++) {
      String json = variant(printed, variant, random);
      assertThat(read(json)).as(json).isEqualTo(request);
      assertThat(JsonFormatReference.parse(json)).as(json).isEqualTo(request);
    }
  }

  @Test
  void randomRequestsReadAsBefore() throws Exception {
    RandomRequests requests = new RandomRequests(42);
    SplittableRandom random = new SplittableRandom(43);
    for (int i = 0; i < 400; i++) {
      ExportTraceServiceRequest request = requests.next();
      String json = variant(OtlpJson.print(request), random.nextInt(1 << 7), random);
      ExportTraceServiceRequest read = read(json);
      assertThat(read).as(json).isEqualTo(JsonFormatReference.parse(json));
      assertThat(read).as(json).isEqualTo(request);
    }
  }

  static Stream<String> acceptedEdgeCases() {
    return Stream.of(
        "{}",
        "  {\"resourceSpans\":[]}  ",
        "/* a comment */ {\"resourceSpans\":[]} // and another",
        "{\"resourceSpans\":null}",
        "{\"resourceSpans\":[{}]}",
        "{\"resource_spans\":[{\"scope_spans\":[{\"schema_url\":\"u\",\"spans\":[]}]}]}",
        "{\"resourceSpans\":[{\"resource\":null,\"scopeSpans\":null,\"schemaUrl\":null}]}",
        "{\"resourceSpans\":[{\"resource\":{}}]}",
        "{\"resourceSpans\":[{\"schemaUrl\":5}]}",
        "{\"resourceSpans\":[{\"schemaUrl\":1.50}]}",
        "{\"resourceSpans\":[{\"schemaUrl\":1e400}]}",
        "{\"resourceSpans\":[{\"schemaUrl\":true}]}",
        "{\"resourceSpans\":[{\"schemaUrl\":-0}]}",
        "{\"resourceSpans\":[{\"schemaUrl\":12345678901234567890123}]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":\"7\"}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":4294967295}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":1.0}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":\"1e2\"}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":\"+1\"}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":\"\u0663\"}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":\"0\"}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"entityRefs\":[{\"idKeys\":[\"a\",5,true,\"\"],"
            + "\"description_keys\":[],\"type\":\"t\",\"schemaUrl\":\"s\"}]}}]}",
        VALUE_OPEN + "{\"stringValue\":null,\"intValue\":\"5\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":\"5\",\"stringValue\":null}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"stringValue\":\"\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"stringValue\":7}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"boolValue\":\"true\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"boolValue\":false}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":0}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":\"1.0\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":1e3}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":\"1e3\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":\"5.\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":\"-0\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":\"00017\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":1234567890123456789.0}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":-9223372036854775808}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":\"-9223372036854775808\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":\"9223372036854775807\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":\"NaN\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":\"-Infinity\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":1e400}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":-1e400}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":\"1e308\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":-0.0}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":\"-0\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":0}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":12345678901234567890123}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":9007199254740993}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":0.30000000000000001}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":1e-400}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"bytesValue\":\"AQID\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"bytesValue\":\"AQI\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"bytesValue\":\"_-8=\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"bytesValue\":\"\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"bytesValue\":1234}" + VALUE_CLOSE,
        VALUE_OPEN + "{}" + VALUE_CLOSE,
        VALUE_OPEN + "null" + VALUE_CLOSE,
        VALUE_OPEN + "{\"stringValueStrindex\":0}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"string_value_strindex\":-3}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"arrayValue\":{}}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"arrayValue\":null}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"arrayValue\":{\"values\":[{\"intValue\":1},{},{\"arrayValue\":{\"values\":[]}}]}}"
            + VALUE_CLOSE,
        VALUE_OPEN + "{\"kvlist_value\":{\"values\":[{\"key\":\"a\",\"value\":{\"boolValue\":true}},{}]}}"
            + VALUE_CLOSE,
        VALUE_OPEN + "{\"string_value\":\"x\",\"bogus\":{\"a\":[1,2,{\"b\":null}]}}" + VALUE_CLOSE,
        "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"k\",\"keyStrindex\":\"3\"}]}}]}",
        SPANS_OPEN + "{\"traceId\":\"5B8EFFF798038103D269B633813FC60C\",\"spanId\":\"\",\"parentSpanId\":\"ab\"}"
            + SPANS_CLOSE,
        SPANS_OPEN + "{\"traceId\":null,\"spanId\":null,\"parentSpanId\":null}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"kind\":\"SPAN_KIND_SERVER\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"kind\":\"2\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"kind\":2.0}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"kind\":\"1e0\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"kind\":99}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"kind\":-1}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"kind\":\"BOGUS\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"kind\":\"server\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"kind\":true}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"kind\":2.5}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"kind\":4294967297}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"kind\":\"SPAN_KIND_UNSPECIFIED\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"flags\":4294967295}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"flags\":\"257\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"startTimeUnixNano\":\"18446744073709551615\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"startTimeUnixNano\":18446744073709551615}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"startTimeUnixNano\":\"9223372036854775808\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"startTimeUnixNano\":1.7e18}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"startTimeUnixNano\":1700000000000000001.0}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"startTimeUnixNano\":\"1700000000000000001.0\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"startTimeUnixNano\":\"-0\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"end_time_unix_nano\":\"00017\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"status\":{\"code\":\"STATUS_CODE_ERROR\",\"message\":\"m\"}}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"status\":{\"code\":\"STATUS_CODE_NOPE\"}}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"status\":{\"code\":7}}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"status\":{}}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"status\":null}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"status\":{\"code\":null}}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"events\":[{\"timeUnixNano\":\"5\",\"name\":\"e\",\"attributes\":[{\"key\":\"a\","
            + "\"value\":{\"intValue\":3}}],\"droppedAttributesCount\":2}],\"droppedEventsCount\":1}"
            + SPANS_CLOSE,
        SPANS_OPEN + "{\"links\":[{\"traceId\":\"00\",\"spanId\":\"11\",\"traceState\":\"x=y\","
            + "\"attributes\":[],\"droppedAttributesCount\":1,\"flags\":256}],\"droppedLinksCount\":3}"
            + SPANS_CLOSE,
        SPANS_OPEN + "{\"links\":[{\"parentSpanId\":\"not hex\"}]}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"events\":[{\"traceId\":\"not hex\"}]}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"name\":\"\\u00e9\\u4e2d\\ud83d\\ude00 \\\" \\\\ \\u0000\",\"traceState\":\"\u00e9\u4e2d\ud83d\ude00\"}"
            + SPANS_CLOSE,
        SPANS_OPEN + "{\"name\":\"line\\nbreak\\ttab\\/slash\"}" + SPANS_CLOSE,
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"scope\":{\"name\":\"n\",\"version\":\"v\",\"attributes\":"
            + "[{\"key\":\"a\",\"value\":{\"stringValue\":\"b\"}}],\"droppedAttributesCount\":1},"
            + "\"schemaUrl\":\"u\",\"spans\":[]}]}]}",
        "{\"resourceSpans\":[{\"scope_spans\":[{\"spans\":[{\"trace_id\":\"0a\"}]}]}]}");
  }

  @ParameterizedTest
  @MethodSource("acceptedEdgeCases")
  void edgeCaseReadsAsBefore(String json) throws Exception {
    assertSameAsBefore(json);
  }

  static Stream<String> refusedByBoth() {
    return Stream.of(
        "",
        "null",
        "[]",
        "\"x\"",
        "{} {}",
        "{}x",
        "{'resourceSpans':[]}",
        "{resourceSpans:[]}",
        "{\"resourceSpans\":[],}",
        "{\"resourceSpans\":[NaN]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":01}}]}",
        "{\"resourceSpans\": [ {",
        "{\"resourceSpans\":[null]}",
        "{\"resourceSpans\":{}}",
        "{\"resourceSpans\":5}",
        "{\"resourceSpans\":[5]}",
        "{\"resourceSpans\":[[]]}",
        "{\"resourceSpans\":[{\"resource\":[]}]}",
        "{\"resourceSpans\":[{\"resource\":5}]}",
        "{\"resourceSpans\":[{\"schemaUrl\":{}}]}",
        "{\"resourceSpans\":[{\"schemaUrl\":[]}]}",
        "{\"resourceSpans\":[{\"schemaUrl\":\"a\",\"schema_url\":\"b\"}]}",
        "{\"resourceSpans\":[{}],\"resource_spans\":[{}]}",
        "{\"resourceSpans\":[{\"scopeSpans\":[null]}]}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":{}}]}]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":-1}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":4294967296}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":1.5}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":\" 1\"}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":true}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":{}}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":\"1e999999999\"}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"entityRefs\":[{\"idKeys\":[\"a\",null]}]}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"entityRefs\":[{\"idKeys\":\"a\"}]}}]}",
        "{\"resourceSpans\":[{\"resource\":{\"entityRefs\":[{\"idKeys\":[{}]}]}}]}",
        VALUE_OPEN + "{\"stringValue\":\"v\",\"intValue\":\"5\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"stringValue\":\"\",\"intValue\":\"5\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"boolValue\":1}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"boolValue\":\"True\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":\"9223372036854775808\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":9223372036854775808}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":\"0x10\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":\"\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":1.5}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"intValue\":true}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":\"1e400\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":true}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"doubleValue\":\"abc\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"bytesValue\":\"!!\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"bytesValue\":\"A\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"bytesValue\":\"AQ=\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"bytesValue\":\"AQ\\nID\"}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"bytesValue\":5}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"arrayValue\":{\"values\":[{\"intValue\":1},null]}}" + VALUE_CLOSE,
        VALUE_OPEN + "{\"arrayValue\":[]}" + VALUE_CLOSE,
        VALUE_OPEN + "5" + VALUE_CLOSE,
        VALUE_OPEN + "{\"stringValueStrindex\":2147483648}" + VALUE_CLOSE,
        SPANS_OPEN + "null" + SPANS_CLOSE,
        SPANS_OPEN + "5" + SPANS_CLOSE,
        SPANS_OPEN + "{\"traceId\":{}}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"traceId\":\"abc\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"traceId\":\"zz\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"traceId\":\"ab\",\"trace_id\":\"cd\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"links\":[{\"trace_id\":\"0G\"}]}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"kind\":{}}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"kind\":[]}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"flags\":-1}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"startTimeUnixNano\":18446744073709551616}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"startTimeUnixNano\":-1}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"startTimeUnixNano\":\"-1\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"startTimeUnixNano\":\"12:00\"}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"status\":[]}" + SPANS_CLOSE,
        SPANS_OPEN + "{\"events\":{}}" + SPANS_CLOSE,
        "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":{}}]}}]}");
  }

  @ParameterizedTest
  @MethodSource("refusedByBoth")
  void malformedBodyIsRefusedAsBefore(String json) {
    assertThatThrownBy(() -> JsonFormatReference.parse(json))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> read(json)).isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void messagesNestAsDeepAsProtobufAllowsAndNoDeeper() throws Exception {
    // request > ResourceSpans > Resource > KeyValue > AnyValue: depth 4, then 2 per array level.
    String deepest = nestedArrays(48); // the innermost AnyValue at depth 100
    String tooDeep = nestedArrays(49);

    assertSameAsBefore(deepest);
    assertThat(ExportTraceServiceRequest.parseFrom(OtlpJsonReader.toProtobuf(Buffer.buffer(deepest))))
        .isNotNull();
    assertThatThrownBy(() -> JsonFormatReference.parse(tooDeep))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> read(tooDeep))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageStartingWith("resourceSpans[0].resource.attributes[0].value.arrayValue.values[0]")
        .hasMessageEndingWith(".arrayValue nests messages more than 100 deep");
  }

  @Test
  void unpairedSurrogateIsWrittenAsProtobufWouldSendIt() throws Exception {
    String json = SPANS_OPEN + "{\"name\":\"\\ud800x\\udc00\"}" + SPANS_CLOSE;
    ExportTraceServiceRequest before = JsonFormatReference.parse(json);

    ExportTraceServiceRequest read = read(json);

    assertThat(read).isEqualTo(ExportTraceServiceRequest.parseFrom(before.toByteArray()));
    assertThat(read.getResourceSpans(0).getScopeSpans(0).getSpans(0).getName()).isEqualTo("?x?");
  }

  // ---- errors ----

  static Stream<String[]> errors() {
    return Stream.of(
        new String[] {"[1, 2", "body is not a JSON object: it is an array"},
        new String[] {"", "body is not a JSON object: it is empty"},
        new String[] {"{}{}", "body is not a JSON object: more follows its end (line 1, column 3)"},
        new String[] {
          "{\"resourceSpans\": [ {",
          "body is not a JSON object: Unexpected end-of-input: expected close marker for Object"
        },
        new String[] {"{\"resourceSpans\":5}", "resourceSpans must be an array, got a number"},
        new String[] {
          "{\"resourceSpans\":[{},null]}", "resourceSpans[1] must be a JSON object, got null"
        },
        new String[] {
          "{\"resource_spans\":[{\"scope_spans\":[{\"scope\":[]}]}]}",
          "resource_spans[0].scope_spans[0].scope must be a JSON object, got an array"
        },
        new String[] {
          SPANS_OPEN + "{},{\"traceId\":\"W46zcLdCmb/LmqoPSd8C4w==\"}" + SPANS_CLOSE,
          "resourceSpans[0].scopeSpans[0].spans[1].traceId must be a hex string"
              + " (OTLP/JSON writes IDs in hex), got 24 characters"
        },
        new String[] {
          SPANS_OPEN + "{\"links\":[{\"spanId\":12}]}" + SPANS_CLOSE,
          "resourceSpans[0].scopeSpans[0].spans[0].links[0].spanId must be a hex string"
              + " (OTLP/JSON writes IDs in hex), got a number"
        },
        new String[] {
          SPANS_OPEN + "{\"trace_id\":\"ab\",\"traceId\":\"cd\"}" + SPANS_CLOSE,
          "resourceSpans[0].scopeSpans[0].spans[0].traceId is given twice (as traceId or trace_id)"
        },
        new String[] {
          SPANS_OPEN + "{\"name\":\"a\",\"name\":\"b\"}" + SPANS_CLOSE,
          "resourceSpans[0].scopeSpans[0].spans[0].name is given twice"
        },
        new String[] {
          SPANS_OPEN + "{\"startTimeUnixNano\":\"-1\"}" + SPANS_CLOSE,
          "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano must be an unsigned 64-bit"
              + " integer, got \"-1\""
        },
        new String[] {
          SPANS_OPEN + "{\"endTimeUnixNano\":18446744073709551616}" + SPANS_CLOSE,
          "resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano must be an unsigned 64-bit"
              + " integer, got 18446744073709551616"
        },
        new String[] {
          SPANS_OPEN + "{\"droppedLinksCount\":-2}" + SPANS_CLOSE,
          "resourceSpans[0].scopeSpans[0].spans[0].droppedLinksCount must be an unsigned 32-bit"
              + " integer, got -2"
        },
        new String[] {
          SPANS_OPEN + "{\"kind\":{}}" + SPANS_CLOSE,
          "resourceSpans[0].scopeSpans[0].spans[0].kind must be a SpanKind name or number,"
              + " got an object"
        },
        new String[] {
          SPANS_OPEN + "{\"status\":{\"message\":[]}}" + SPANS_CLOSE,
          "resourceSpans[0].scopeSpans[0].spans[0].status.message must be a string, got an array"
        },
        new String[] {
          VALUE_OPEN + "{\"stringValue\":\"\",\"int_value\":\"5\"}" + VALUE_CLOSE,
          "resourceSpans[0].resource.attributes[0].value has both stringValue and int_value;"
              + " an AnyValue holds one value"
        },
        new String[] {
          VALUE_OPEN + "{\"boolValue\":1}" + VALUE_CLOSE,
          "resourceSpans[0].resource.attributes[0].value.boolValue must be true or false, got 1"
        },
        new String[] {
          VALUE_OPEN + "{\"intValue\":\"12 apples\"}" + VALUE_CLOSE,
          "resourceSpans[0].resource.attributes[0].value.intValue must be a 64-bit integer,"
              + " got \"12 apples\""
        },
        new String[] {
          VALUE_OPEN + "{\"doubleValue\":\"fast\"}" + VALUE_CLOSE,
          "resourceSpans[0].resource.attributes[0].value.doubleValue must be a number, got \"fast\""
        },
        new String[] {
          VALUE_OPEN + "{\"doubleValue\":\"1e400\"}" + VALUE_CLOSE,
          "resourceSpans[0].resource.attributes[0].value.doubleValue is out of range for a double:"
              + " \"1e400\""
        },
        new String[] {
          VALUE_OPEN + "{\"bytesValue\":\"!!\"}" + VALUE_CLOSE,
          "resourceSpans[0].resource.attributes[0].value.bytesValue must be base64"
              + " (Illegal base64 character 21)"
        },
        new String[] {
          VALUE_OPEN + "{\"kvlistValue\":{\"values\":[{\"key\":\"a\",\"value\":{\"arrayValue\":"
              + "{\"values\":[{},{\"intValue\":\"x\"}]}}}]}}" + VALUE_CLOSE,
          "resourceSpans[0].resource.attributes[0].value.kvlistValue.values[0].value.arrayValue"
              + ".values[1].intValue must be a 64-bit integer, got \"x\""
        },
        new String[] {
          "{\"resourceSpans\":[{\"resource\":{\"entityRefs\":[{\"idKeys\":[\"a\",null]}]}}]}",
          "resourceSpans[0].resource.entityRefs[0].idKeys[1] must be a string, got null"
        },
        new String[] {
          VALUE_OPEN + "{\"intValue\":\"" + "9".repeat(2000) + "\"}" + VALUE_CLOSE,
          "resourceSpans[0].resource.attributes[0].value.intValue must be a 64-bit integer, got \""
              + "9".repeat(64) + "...\""
        });
  }

  @ParameterizedTest
  @MethodSource("errors")
  void malformedBodyGetsAMessageNamingTheProblem(String json, String message) {
    assertThatThrownBy(() -> read(json))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void fieldGivenTwiceIsRefusedWhereTheTreeKeptTheLastOne() throws Exception {
    String json = "{\"resourceSpans\":[{}],\"resourceSpans\":[{},{}]}";

    assertThat(JsonFormatReference.parse(json).getResourceSpansCount()).isEqualTo(2);
    assertThatThrownBy(() -> read(json))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage("resourceSpans is given twice (as resourceSpans or resource_spans)");
  }

  @Test
  void idThatIsNotAStringIsRefusedWhereItWasReadAsBase64() throws Exception {
    String json = SPANS_OPEN + "{\"traceId\":1234}" + SPANS_CLOSE;

    assertThat(JsonFormatReference.parse(json).getResourceSpans(0).getScopeSpans(0).getSpans(0)
            .getTraceId().size())
        .isEqualTo(3);
    assertThatThrownBy(() -> read(json))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage(
            "resourceSpans[0].scopeSpans[0].spans[0].traceId must be a hex string"
                + " (OTLP/JSON writes IDs in hex), got a number");
  }

  // ---- helpers ----

  private static ExportTraceServiceRequest read(String json) throws InvalidProtocolBufferException {
    return ExportTraceServiceRequest.parseFrom(OtlpJsonReader.toProtobuf(Buffer.buffer(json)));
  }

  private static void assertSameAsBefore(String json) throws InvalidProtocolBufferException {
    assertThat(read(json)).as(json).isEqualTo(JsonFormatReference.parse(json));
  }

  /** One way of writing a request; each bit of {@code variant} picks one transform. */
  private static String variant(String printed, int variant, SplittableRandom random) {
    Object json = new JsonObject(printed);
    if ((variant & 1) != 0) {
      JsonVariants.int64AsNumbers(json);
    }
    if ((variant & 2) != 0) {
      JsonVariants.int32AsStrings(json);
    }
    if ((variant & 4) != 0) {
      JsonVariants.enumNames(json);
    }
    if ((variant & 8) != 0) {
      JsonVariants.unknownFields(json, random);
    }
    if ((variant & 16) != 0) {
      JsonVariants.explicitNulls(json);
    }
    if ((variant & 32) != 0) {
      json = JsonVariants.shuffledKeys(json, random);
    }
    if ((variant & 64) != 0) {
      json = JsonVariants.snakeCase(json);
    }
    return JsonVariants.write(json, random.nextBoolean());
  }

  private static String nestedArrays(int levels) {
    String value = "{\"intValue\":\"1\"}";
    for (int i = 0; i < levels; i++) {
      value = "{\"arrayValue\":{\"values\":[" + value + "]}}";
    }
    return VALUE_OPEN + value + VALUE_CLOSE;
  }

  private static Span everyFieldSpan() {
    KeyValue nested =
        KeyValue.newBuilder()
            .setKey("nested")
            .setValue(
                AnyValue.newBuilder()
                    .setKvlistValue(
                        KeyValueList.newBuilder()
                            .addValues(attribute("inner", "\u00e9\u4e2d\ud83d\ude00"))
                            .addValues(
                                KeyValue.newBuilder()
                                    .setKey("list")
                                    .setValue(
                                        AnyValue.newBuilder()
                                            .setArrayValue(
                                                ArrayValue.newBuilder()
                                                    .addValues(AnyValue.newBuilder().setBoolValue(false))
                                                    .addValues(AnyValue.newBuilder().setIntValue(-1))
                                                    .addValues(AnyValue.newBuilder().setDoubleValue(2.5))
                                                    .addValues(
                                                        AnyValue.newBuilder()
                                                            .setBytesValue(ByteString.copyFrom(new byte[] {0, -1, 42})))
                                                    .addValues(AnyValue.newBuilder().setArrayValue(ArrayValue.getDefaultInstance()))
                                                    .addValues(AnyValue.getDefaultInstance())))
                                    .setKeyStrindex(3))))
            .build();
    return span("every field")
        .setTraceState("vendor=1,other=2")
        .setFlags(0x301)
        .setKind(Span.SpanKind.SPAN_KIND_CONSUMER)
        .setEndTimeUnixNano(-1L) // 2^64 - 1
        .addAttributes(attribute("http.route", "/cart"))
        .addAttributes(
            KeyValue.newBuilder().setKey("count").setValue(AnyValue.newBuilder().setIntValue(Long.MIN_VALUE)))
        .addAttributes(
            KeyValue.newBuilder().setKey("empty").setValue(AnyValue.newBuilder().setStringValue("")))
        .addAttributes(
            KeyValue.newBuilder().setKey("index").setValue(AnyValue.newBuilder().setStringValueStrindex(7)))
        .addAttributes(nested)
        .setDroppedAttributesCount(1)
        .addEvents(
            Span.Event.newBuilder()
                .setTimeUnixNano(1_700_000_000_100_000_000L)
                .setName("exception")
                .addAttributes(attribute("exception.type", "java.io.IOException"))
                .setDroppedAttributesCount(2))
        .addEvents(Span.Event.getDefaultInstance())
        .setDroppedEventsCount(3)
        .addLinks(
            Span.Link.newBuilder()
                .setTraceId(hex(TRACE_ID_HEX))
                .setSpanId(hex(PARENT_ID_HEX))
                .setTraceState("k=v")
                .addAttributes(attribute("link.kind", "follows"))
                .setDroppedAttributesCount(4)
                .setFlags(0x100))
        .setDroppedLinksCount(5)
        .setStatus(Status.newBuilder().setMessage("deadlock").setCode(Status.StatusCode.STATUS_CODE_ERROR))
        .build();
  }

  private static ExportTraceServiceRequest everyField() {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(attribute("service.name", "checkout"))
                        .setDroppedAttributesCount(6)
                        .addEntityRefs(
                            EntityRef.newBuilder()
                                .setSchemaUrl("https://opentelemetry.io/schemas/1.30.0")
                                .setType("service")
                                .addIdKeys("service.name")
                                .addIdKeys("service.instance.id")
                                .addDescriptionKeys("service.version")))
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .setScope(
                            InstrumentationScope.newBuilder()
                                .setName("io.tailkeep.test")
                                .setVersion("1.0")
                                .addAttributes(attribute("scope.attr", "x"))
                                .setDroppedAttributesCount(7))
                        .addSpans(everyFieldSpan())
                        .addSpans(span("second").setSpanId(hex(PARENT_ID_HEX)).clearParentSpanId())
                        .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0"))
                .addScopeSpans(ScopeSpans.getDefaultInstance())
                .setSchemaUrl("https://opentelemetry.io/schemas/1.25.0"))
        .addResourceSpans(ResourceSpans.getDefaultInstance())
        .build();
  }

  private static SpanExporter collecting(List<SpanData> into) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        into.addAll(spans);
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
  }
}
