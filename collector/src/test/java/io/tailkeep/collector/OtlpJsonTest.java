package io.tailkeep.collector;

import static io.tailkeep.collector.TestRequests.PARENT_ID_HEX;
import static io.tailkeep.collector.TestRequests.SPAN_ID_HEX;
import static io.tailkeep.collector.TestRequests.TRACE_ID_HEX;
import static io.tailkeep.collector.TestRequests.hex;
import static io.tailkeep.collector.TestRequests.request;
import static io.tailkeep.collector.TestRequests.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {

  /** As the OTLP specification's example writes it: hex IDs, integer enums, string 64-bit ints. */
  static final String SPEC_STYLE_REQUEST =
      """
      {"resourceSpans":[{
        "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
        "scopeSpans":[{
          "scope":{"name":"manual-test"},
          "spans":[{
            "traceId":"%s",
            "spanId":"%s",
            "parentSpanId":"%s",
            "name":"GET /cart",
            "kind":2,
            "startTimeUnixNano":"1700000000000000000",
            "endTimeUnixNano":"1700000000250000000",
            "attributes":[
              {"key":"http.route","value":{"stringValue":"/cart"}},
              {"key":"http.response.status_code","value":{"intValue":"200"}}],
            "links":[{"traceId":"%s","spanId":"%s"}],
            "status":{"code":1},
            "someFutureField":true
          }]
        }]
      }]}
      """
          .formatted(
              TRACE_ID_HEX, SPAN_ID_HEX, PARENT_ID_HEX, TRACE_ID_HEX.toUpperCase(), PARENT_ID_HEX);

  @Test
  void readsHexIdsIntegerEnumsAndStringIntegers() throws Exception {
    ExportTraceServiceRequest request = read(SPEC_STYLE_REQUEST);

    Span span = request.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(span.getTraceId()).isEqualTo(hex(TRACE_ID_HEX));
    assertThat(span.getSpanId()).isEqualTo(hex(SPAN_ID_HEX));
    assertThat(span.getParentSpanId()).isEqualTo(hex(PARENT_ID_HEX));
    assertThat(span.getLinks(0).getTraceId()).isEqualTo(hex(TRACE_ID_HEX));
    assertThat(span.getLinks(0).getSpanId()).isEqualTo(hex(PARENT_ID_HEX));
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(span.getStartTimeUnixNano()).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(span.getAttributes(1).getValue().getIntValue()).isEqualTo(200);
  }

  @Test
  void readsSnakeCaseKeysToo() throws Exception {
    String json =
        """
        {"resource_spans":[{"scope_spans":[{"spans":[
          {"trace_id":"%s","span_id":"%s","parent_span_id":"","name":"x"}]}]}]}
        """
            .formatted(TRACE_ID_HEX, SPAN_ID_HEX);

    Span span =
        read(json)
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpans(0);

    assertThat(span.getTraceId()).isEqualTo(hex(TRACE_ID_HEX));
    assertThat(span.getSpanId()).isEqualTo(hex(SPAN_ID_HEX));
    assertThat(span.getParentSpanId()).isEmpty();
  }

  @Test
  void writesHexIdsIntegerEnumsAndStringIntegers() {
    ExportTraceServiceRequest request =
        request(
            span("GET /cart")
                .addLinks(
                    Span.Link.newBuilder()
                        .setTraceId(hex(TRACE_ID_HEX))
                        .setSpanId(hex(PARENT_ID_HEX))));

    JsonObject span =
        new JsonObject(OtlpJson.print(request))
            .getJsonArray("resourceSpans").getJsonObject(0)
            .getJsonArray("scopeSpans").getJsonObject(0)
            .getJsonArray("spans").getJsonObject(0);

    assertThat(span.getString("traceId")).isEqualTo(TRACE_ID_HEX);
    assertThat(span.getString("spanId")).isEqualTo(SPAN_ID_HEX);
    assertThat(span.getString("parentSpanId")).isEqualTo(PARENT_ID_HEX);
    assertThat(span.getJsonArray("links").getJsonObject(0).getString("traceId"))
        .isEqualTo(TRACE_ID_HEX);
    assertThat(span.getJsonArray("links").getJsonObject(0).getString("spanId"))
        .isEqualTo(PARENT_ID_HEX);
    assertThat(span.getValue("kind")).isEqualTo(2);
    assertThat(span.getValue("startTimeUnixNano")).isEqualTo("1700000000000000000");
  }

  @Test
  void roundTripsThroughItsOwnOutput() throws Exception {
    ExportTraceServiceRequest request =
        request(
            span("a"),
            span("b").clearParentSpanId().addLinks(Span.Link.newBuilder().setTraceId(hex(TRACE_ID_HEX))
                .setSpanId(hex(SPAN_ID_HEX))));

    assertThat(read(OtlpJson.print(request)))
        .isEqualTo(request);
  }

  @Test
  void writesPartialSuccessWithStringCount() {
    ExportTraceServiceResponse response =
        ExportTraceServiceResponse.newBuilder()
            .setPartialSuccess(
                ExportTracePartialSuccess.newBuilder().setRejectedSpans(2).setErrorMessage("why"))
            .build();

    assertThat(OtlpJson.print(response))
        .isEqualTo("{\"partialSuccess\":{\"rejectedSpans\":\"2\",\"errorMessage\":\"why\"}}");
    assertThat(OtlpJson.print(ExportTraceServiceResponse.getDefaultInstance())).isEqualTo("{}");
  }

  @Test
  void idThatIsNotHexIsNamedWithItsPlace() {
    String json =
        """
        {"resourceSpans":[{"scopeSpans":[{"spans":[
          {"traceId":"%s","spanId":"%s"},
          {"traceId":"%s","spanId":"%s","links":[{"traceId":"W46zcLdCmb/LmqoPSd8C4w==","spanId":"%s"}]}
        ]}]}]}
        """
            .formatted(TRACE_ID_HEX, SPAN_ID_HEX, TRACE_ID_HEX, SPAN_ID_HEX, SPAN_ID_HEX);

    assertThatThrownBy(() -> read(json))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage(
            "resourceSpans[0].scopeSpans[0].spans[1].links[0].traceId must be a hex string"
                + " (OTLP/JSON writes IDs in hex), got 24 characters");
  }

  @Test
  void notJsonIsRefused() {
    assertThatThrownBy(() -> read("[1, 2"))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageStartingWith("body is not a JSON object");
  }

  @Test
  void wrongShapeIsRefusedNamingTheField() {
    // JsonFormat refused this too, in its own words ("Expected an array for resource_spans ...").
    assertThatThrownBy(() -> read("{\"resourceSpans\":{\"a\":1}}"))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage("resourceSpans must be an array, got an object");
  }

  private static ExportTraceServiceRequest read(String json) throws InvalidProtocolBufferException {
    return ExportTraceServiceRequest.parseFrom(OtlpJsonReader.toProtobuf(Buffer.buffer(json)));
  }
}
