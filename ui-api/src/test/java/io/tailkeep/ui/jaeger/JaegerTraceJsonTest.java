package io.tailkeep.ui.jaeger;

import static io.tailkeep.store.testing.TestSpans.attr;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.testing.TestSpans;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OTLP to Jaeger's JSON model, without a server or a store. */
class JaegerTraceJsonTest {

  private static final long START = 1_740_830_400_123_456_789L;

  private final TestSpans testSpans = new TestSpans(7);
  private final TraceId traceId = testSpans.newTraceId();

  @Test
  void mapsEveryOtlpFieldAsJaegerDoes() {
    EveryFieldTrace every = new EveryFieldTrace(testSpans, START);
    JsonObject json = json(new Trace(every.traceId, every.spans()));

    assertThat(json).isEqualTo(every.expectedJaegerTrace());
    // Jaeger's field order, which its own encoder writes and tools diff against.
    assertThat(json.fieldNames()).containsExactly("traceID", "spans", "processes", "warnings");
    assertThat(json.getJsonArray("spans").getJsonObject(1).fieldNames())
        .containsExactly(
            "traceID",
            "spanID",
            "flags",
            "operationName",
            "references",
            "startTime",
            "duration",
            "tags",
            "logs",
            "processID",
            "warnings");
    assertThat(json.getJsonArray("spans").getJsonObject(0).fieldNames()).doesNotContain("flags");
    assertThat(tag(json.getJsonArray("spans").getJsonObject(1), "array").fieldNames())
        .containsExactly("key", "type", "value");
  }

  @Test
  void idsAreLowercaseHexTraceIdsAlways32Digits() {
    TraceId small = new TraceId(0, 0xABCL);
    SpanId spanId = new SpanId(0xFL);
    OtlpSpan span = testSpans.span(small, spanId, null, "svc", "op", START, 1);
    JsonObject json = json(new Trace(small, List.of(span)));
    assertThat(json.getString("traceID")).isEqualTo("00000000000000000000000000000abc");
    assertThat(onlySpan(json).getString("spanID")).isEqualTo("000000000000000f");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "SPAN_KIND_SERVER, server",
    "SPAN_KIND_CLIENT, client",
    "SPAN_KIND_PRODUCER, producer",
    "SPAN_KIND_CONSUMER, consumer",
    "SPAN_KIND_INTERNAL, internal",
  })
  void spanKindBecomesTheSpanKindTag(Span.SpanKind kind, String tag) {
    JsonObject span = convert(s -> s.setKind(kind));
    assertThat(tag(span, "span.kind")).isEqualTo(stringTag("span.kind", tag));
  }

  @Test
  void anUnspecifiedKindAndAnUnsetStatusAddNoTags() {
    JsonObject span = convert(s -> s.setKind(Span.SpanKind.SPAN_KIND_UNSPECIFIED).clearStatus());
    assertThat(keys(span)).containsExactly("otel.scope.name", "otel.scope.version");
  }

  @Test
  void anOkStatusIsNotAnError() {
    JsonObject span =
        convert(s -> s.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK)));
    assertThat(tag(span, "otel.status_code")).isEqualTo(stringTag("otel.status_code", "OK"));
    assertThat(keys(span)).doesNotContain("error", "otel.status_description");
  }

  @Test
  void anErrorStatusOverridesAnErrorAttribute() {
    JsonObject span =
        convert(
            s ->
                s.addAttributes(
                        KeyValue.newBuilder()
                            .setKey("error")
                            .setValue(AnyValue.newBuilder().setBoolValue(false)))
                    .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)));
    assertThat(
            span.getJsonArray("tags").stream()
                .filter(t -> ((JsonObject) t).getString("key").equals("error")))
        .containsExactly(
            new JsonObject().put("key", "error").put("type", "bool").put("value", true));
    assertThat(keys(span)).doesNotContain("otel.status_description");
  }

  @Test
  void theErrorTagFollowsTheSpansOwnErrorDefinition() {
    OtlpSpan base = testSpans.span(traceId, testSpans.newSpanId(), null, "svc", "GET /", START, 1_000);
    List<Span> spans =
        List.of(
            base.span().toBuilder()
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)).build(),
            base.span().toBuilder()
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK)).build(),
            // an HTTP server span answering 503, no status set: OtlpSpan decides whether it is an error
            base.span().toBuilder()
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .addAttributes(intAttr("http.response.status_code", 503))
                .addAttributes(attr("error", "upstream"))
                .build());
    for (Span span : spans) {
      OtlpSpan otlp = OtlpSpan.of(base.resource(), base.scope(), span);
      JsonObject json = onlySpan(json(new Trace(traceId, List.of(otlp))));
      boolean flagged =
          json.getJsonArray("tags").stream()
              .map(JsonObject.class::cast)
              .anyMatch(t -> t.getString("key").equals("error") && Boolean.TRUE.equals(t.getValue("value")));
      assertThat(flagged).as(span.getStatus() + " " + span.getAttributesList()).isEqualTo(otlp.isError());
    }
  }

  @Test
  void anErrorAttributeStaysWithoutAnErrorStatus() {
    JsonObject span = convert(s -> s.addAttributes(attr("error", "timeout")));
    assertThat(tag(span, "error")).isEqualTo(stringTag("error", "timeout"));
  }

  @Test
  void integersBeyondJavaScriptsSafeRangeAreWrittenAsStrings() {
    long safe = (1L << 53) - 1;
    JsonObject span =
        convert(
            s ->
                s.addAttributes(intAttr("safe", safe))
                    .addAttributes(intAttr("unsafe", safe + 1))
                    .addAttributes(intAttr("safe.negative", -safe))
                    .addAttributes(intAttr("unsafe.negative", -safe - 1)));
    assertThat(tag(span, "safe").getValue("value")).isEqualTo(safe);
    assertThat(tag(span, "unsafe").getValue("value")).isEqualTo("9007199254740992");
    assertThat(tag(span, "safe.negative").getValue("value")).isEqualTo(-safe);
    assertThat(tag(span, "unsafe.negative").getValue("value")).isEqualTo("-9007199254740992");
    assertThat(tag(span, "unsafe").getString("type")).isEqualTo("int64");
  }

  @Test
  void doublesJsonCannotHoldAreWrittenAsStrings() {
    JsonObject span =
        convert(
            s ->
                s.addAttributes(doubleAttr("nan", Double.NaN))
                    .addAttributes(doubleAttr("inf", Double.POSITIVE_INFINITY))
                    .addAttributes(
                        KeyValue.newBuilder()
                            .setKey("nested")
                            .setValue(
                                AnyValue.newBuilder()
                                    .setArrayValue(
                                        ArrayValue.newBuilder()
                                            .addValues(
                                                AnyValue.newBuilder()
                                                    .setDoubleValue(Double.NEGATIVE_INFINITY))
                                            .addValues(
                                                AnyValue.newBuilder()
                                                    .setBytesValue(ByteString.copyFromUtf8("hi")))
                                            .addValues(AnyValue.getDefaultInstance())))));
    assertThat(tag(span, "nan"))
        .isEqualTo(new JsonObject().put("key", "nan").put("type", "float64").put("value", "NaN"));
    assertThat(tag(span, "inf").getValue("value")).isEqualTo("Infinity");
    assertThat(tag(span, "nested")).isEqualTo(stringTag("nested", "[\"-Infinity\",\"aGk=\",null]"));
    // The whole answer stays valid JSON.
    assertThat(new JsonObject(span.encode())).isEqualTo(span);
  }

  @Test
  void anEventAttributeNamedEventTakesPrecedenceOverTheEventName() {
    JsonObject span =
        convert(
            s ->
                s.addEvents(
                        Span.Event.newBuilder()
                            .setTimeUnixNano(START + 5_000)
                            .setName("ignored name")
                            .addAttributes(attr("zeta", "z"))
                            .addAttributes(attr("event", "from attribute"))
                            .addAttributes(attr("alpha", "a")))
                    .addEvents(Span.Event.newBuilder().setTimeUnixNano(START + 6_000)));
    JsonArray logs = span.getJsonArray("logs");
    assertThat(logs.getJsonObject(0))
        .isEqualTo(
            new JsonObject()
                .put("timestamp", (START + 5_000) / 1000)
                .put(
                    "fields",
                    new JsonArray()
                        .add(stringTag("event", "from attribute"))
                        .add(stringTag("alpha", "a"))
                        .add(stringTag("zeta", "z"))));
    // An event without name or attributes is still a log, with no fields.
    assertThat(logs.getJsonObject(1))
        .isEqualTo(
            new JsonObject()
                .put("timestamp", (START + 6_000) / 1000)
                .put("fields", new JsonArray()));
  }

  @Test
  void spansComeInStartOrderAndResourcesThatLookAlikeShareAProcess() {
    Resource a = TestSpans.resource("svc-a");
    Resource aWithDroppedCount = a.toBuilder().setDroppedAttributesCount(9).build();
    Resource b =
        TestSpans.resource("svc-a").toBuilder().addAttributes(attr("host.name", "h2")).build();
    List<OtlpSpan> spans =
        List.of(
            span(b, START + 3_000, "third"),
            span(a, START + 1_000, "first"),
            span(aWithDroppedCount, START + 2_000, "second"));
    JsonObject json = json(new Trace(traceId, spans));

    assertThat(
            json.getJsonArray("spans").stream()
                .map(s -> ((JsonObject) s).getString("operationName")))
        .containsExactly("first", "second", "third");
    assertThat(
            json.getJsonArray("spans").stream().map(s -> ((JsonObject) s).getString("processID")))
        .containsExactly("p1", "p1", "p2");
    assertThat(json.getJsonObject("processes"))
        .isEqualTo(
            new JsonObject()
                .put(
                    "p1", new JsonObject().put("serviceName", "svc-a").put("tags", new JsonArray()))
                .put(
                    "p2",
                    new JsonObject()
                        .put("serviceName", "svc-a")
                        .put("tags", new JsonArray().add(stringTag("host.name", "h2")))));
  }

  @Test
  void aResourceWithoutAStringServiceNameIsTheUnknownServiceAndKeepsItsAttributes() {
    Resource noName = Resource.newBuilder().addAttributes(attr("host.name", "h")).build();
    Resource intName = Resource.newBuilder().addAttributes(intAttr("service.name", 7)).build();
    JsonObject json =
        json(
            new Trace(traceId, List.of(span(noName, START, "a"), span(intName, START + 1, "b"))));
    assertThat(json.getJsonObject("processes").getJsonObject("p1"))
        .isEqualTo(
            new JsonObject()
                .put("serviceName", "unknown_service")
                .put("tags", new JsonArray().add(stringTag("host.name", "h"))));
    assertThat(json.getJsonObject("processes").getJsonObject("p2").getJsonArray("tags"))
        .containsExactly(
            new JsonObject().put("key", "service.name").put("type", "int64").put("value", 7L));
  }

  @Test
  void anEndBeforeTheStartIsAZeroDurationAndTimesAreTruncatedToMicroseconds() {
    JsonObject span = convert(s -> s.setStartTimeUnixNano(START).setEndTimeUnixNano(START - 5));
    assertThat(span.getLong("startTime")).isEqualTo(1_740_830_400_123_456L);
    assertThat(span.getLong("duration")).isZero();
    JsonObject rounded =
        convert(s -> s.setStartTimeUnixNano(START).setEndTimeUnixNano(START + 1_999));
    assertThat(rounded.getLong("duration")).isEqualTo(1);
  }

  @Test
  void aScopeWithoutNameOrVersionAddsNoScopeTags() {
    OtlpSpan span =
        OtlpSpan.of(
            TestSpans.resource("svc"),
            InstrumentationScope.getDefaultInstance(),
            testSpans.span(traceId, testSpans.newSpanId(), null, "svc", "op", START, 1).span());
    JsonObject json = onlySpan(json(new Trace(traceId, List.of(span))));
    assertThat(keys(json)).containsExactly("span.kind");
  }

  // --- helpers

  /** One span of service "svc", changed by {@code change}, converted. */
  private JsonObject convert(UnaryOperator<Span.Builder> change) {
    OtlpSpan base = testSpans.span(traceId, testSpans.newSpanId(), null, "svc", "op", START, 1_000);
    OtlpSpan changed =
        OtlpSpan.of(base.resource(), base.scope(), change.apply(base.span().toBuilder()).build());
    return onlySpan(json(new Trace(traceId, List.of(changed))));
  }

  private OtlpSpan span(Resource resource, long start, String name) {
    OtlpSpan base = testSpans.span(traceId, testSpans.newSpanId(), null, "ignored", name, start, 1);
    return OtlpSpan.of(resource, base.scope(), base.span());
  }

  private static JsonObject onlySpan(JsonObject trace) {
    assertThat(trace.getJsonArray("spans")).hasSize(1);
    return trace.getJsonArray("spans").getJsonObject(0);
  }

  private static JsonObject tag(JsonObject span, String key) {
    Map<String, JsonObject> byKey =
        span.getJsonArray("tags").stream()
            .map(JsonObject.class::cast)
            .collect(Collectors.toMap(t -> t.getString("key"), t -> t, (x, y) -> x));
    assertThat(byKey).containsKey(key);
    return byKey.get(key);
  }

  private static List<String> keys(JsonObject span) {
    return span.getJsonArray("tags").stream().map(t -> ((JsonObject) t).getString("key")).toList();
  }

  private static JsonObject stringTag(String key, String value) {
    return new JsonObject().put("key", key).put("type", "string").put("value", value);
  }

  private static KeyValue intAttr(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  private static KeyValue doubleAttr(String key, double value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setDoubleValue(value))
        .build();
  }

  private static JsonObject json(Trace trace) {
    return new JsonObject(JaegerTraceJson.trace(trace));
  }
}
