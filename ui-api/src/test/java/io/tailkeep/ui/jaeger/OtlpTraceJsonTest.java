package io.tailkeep.ui.jaeger;

import static io.tailkeep.store.testing.TestSpans.attr;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.testing.TestSpans;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The OTLP/JSON download, without a server or a store. */
class OtlpTraceJsonTest {

  private static final long START = 1_740_830_400_000_000_000L;
  private final TestSpans testSpans = new TestSpans(11);

  @Test
  void givesBackExactlyTheSpansItWasGiven() {
    EveryFieldTrace every = new EveryFieldTrace(testSpans, START);
    String json = OtlpTraceJson.json(new Trace(every.traceId, every.spans())).toString();

    List<OtlpSpan> parsed = OtlpJsonReader.spans(OtlpJsonReader.parse(json));
    assertThat(parsed).containsExactlyInAnyOrderElementsOf(every.spans());
  }

  @Test
  void writesIdsInHexAndEnumsAsIntegersAsOtlpJsonDoes() {
    EveryFieldTrace every = new EveryFieldTrace(testSpans, START);
    JsonObject json = new JsonObject(OtlpTraceJson.json(new Trace(every.traceId, every.spans())).toString());

    assertThat(json.fieldNames()).containsExactly("resourceSpans");
    JsonObject child =
        json.getJsonArray("resourceSpans")
            .getJsonObject(1)
            .getJsonArray("scopeSpans")
            .getJsonObject(0)
            .getJsonArray("spans")
            .getJsonObject(0);
    assertThat(child.getString("traceId")).isEqualTo(every.traceId.toHex());
    assertThat(child.getString("spanId")).isEqualTo(every.childId.toHex());
    assertThat(child.getString("parentSpanId")).isEqualTo(every.rootId.toHex());
    assertThat(child.getJsonArray("links").getJsonObject(0).getString("spanId"))
        .matches("[0-9a-f]{16}");
    assertThat(child.getValue("kind")).isEqualTo(3);
    assertThat(child.getValue("startTimeUnixNano")).isEqualTo(Long.toString(START + 1_000_000));
    assertThat(child.getJsonObject("status").getValue("code")).isEqualTo(2);
  }

  @Test
  void groupsSpansByResourceThenScopeInStartOrder() {
    TraceId traceId = testSpans.newTraceId();
    Resource a = TestSpans.resource("a");
    Resource b = TestSpans.resource("b");
    InstrumentationScope scope1 = TestSpans.scope();
    InstrumentationScope scope2 = InstrumentationScope.newBuilder().setName("other").build();
    List<OtlpSpan> spans = new ArrayList<>();
    spans.add(span(traceId, b, scope1, START + 4, "b1"));
    spans.add(span(traceId, a, scope2, START + 3, "a2"));
    spans.add(span(traceId, a, scope1, START + 1, "a1"));
    spans.add(span(traceId, a, scope1, START + 2, "a1-again"));
    // The same resource under another schema URL stays apart, so the download loses nothing.
    spans.add(
        new OtlpSpan(
            a,
            "https://opentelemetry.io/schemas/1.26.0",
            scope1,
            "",
            span(traceId, a, scope1, START + 5, "a-schema").span()));

    TracesData data = OtlpJsonReader.parse(OtlpTraceJson.json(new Trace(traceId, spans)).toString());

    assertThat(data.getResourceSpansList())
        .extracting(
            rs ->
                rs.getResource().getAttributes(0).getValue().getStringValue()
                    + "|"
                    + rs.getSchemaUrl())
        .containsExactly("a|", "b|", "a|https://opentelemetry.io/schemas/1.26.0");
    assertThat(data.getResourceSpans(0).getScopeSpansList())
        .extracting(
            ss ->
                ss.getScope().getName()
                    + ":"
                    + ss.getSpansList().stream().map(s -> s.getName()).toList())
        .containsExactly("io.tailkeep.test:[a1, a1-again]", "other:[a2]");
    assertThat(OtlpJsonReader.spans(data)).containsExactlyInAnyOrderElementsOf(spans);
  }

  @Test
  void writesWhatProtobufsJsonFormatPrintsForAnyContent() {
    Random random = new Random(29);
    assertThat(OtlpTraceJson.json(new Trace(testSpans.newTraceId(), List.of())).toString())
        .isEqualTo(referenceJson(new Trace(testSpans.newTraceId(), List.of())));
    EveryFieldTrace every = new EveryFieldTrace(testSpans, START);
    Trace everyField = new Trace(every.traceId, every.spans());
    assertThat(OtlpTraceJson.json(everyField).toString()).isEqualTo(referenceJson(everyField));
    // Every field of every message set at random (and left out at random), values at their edges:
    // the same bytes as protobuf's printer, so a field OTLP adds and this writer misses fails here.
    for (int round = 0; round < 300; round++) {
      TraceId traceId = testSpans.newTraceId();
      List<Resource> resources = new ArrayList<>();
      List<InstrumentationScope> scopes = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        resources.add((Resource) RandomMessages.fill(Resource.newBuilder(), random, 0).build());
        scopes.add((InstrumentationScope) RandomMessages.fill(InstrumentationScope.newBuilder(), random, 0).build());
      }
      List<OtlpSpan> spans = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Span.Builder span = (Span.Builder) RandomMessages.fill(Span.newBuilder(), random, 0);
        span.setTraceId(ByteString.copyFrom(traceId.toBytes()))
            .setSpanId(ByteString.copyFrom(testSpans.newSpanId().toBytes()));
        if (random.nextBoolean()) {
          span.setParentSpanId(ByteString.copyFrom(testSpans.newSpanId().toBytes()));
        } else {
          span.clearParentSpanId();
        }
        spans.add(
            new OtlpSpan(
                resources.get(random.nextInt(2)),
                random.nextBoolean() ? "" : "https://opentelemetry.io/schemas/1.26.0",
                scopes.get(random.nextInt(2)),
                random.nextBoolean() ? "" : "https://opentelemetry.io/schemas/1.25.0",
                span.build()));
      }
      Trace trace = new Trace(traceId, spans);
      assertThat(OtlpTraceJson.json(trace).toString()).as("round %d", round).isEqualTo(referenceJson(trace));
    }
  }

  /**
   * The download as protobuf's {@code JsonFormat} prints it (enums as integers, no whitespace),
   * then IDs rewritten to hex and encoded by Vert.x: how it was made before it was written field by
   * field, kept as the reference.
   */
  private static String referenceJson(Trace trace) {
    List<OtlpSpan> spans = new ArrayList<>(trace.spans());
    spans.sort(
        Comparator.comparingLong(OtlpSpan::startEpochNanos)
            .thenComparing((a, b) -> Long.compareUnsigned(a.spanId().value(), b.spanId().value())));
    Map<List<Object>, Map<List<Object>, ScopeSpans.Builder>> grouped = new LinkedHashMap<>();
    for (OtlpSpan span : spans) {
      grouped
          .computeIfAbsent(List.of(span.resource(), span.resourceSchemaUrl()), k -> new LinkedHashMap<>())
          .computeIfAbsent(
              List.of(span.scope(), span.scopeSchemaUrl()),
              k -> ScopeSpans.newBuilder().setScope(span.scope()).setSchemaUrl(span.scopeSchemaUrl()))
          .addSpans(span.span());
    }
    TracesData.Builder data = TracesData.newBuilder();
    grouped.forEach(
        (resource, scopes) -> {
          ResourceSpans.Builder resourceSpans =
              data.addResourceSpansBuilder()
                  .setResource((Resource) resource.get(0))
                  .setSchemaUrl((String) resource.get(1));
          scopes.values().forEach(resourceSpans::addScopeSpans);
        });
    JsonObject json;
    try {
      json = new JsonObject(
          JsonFormat.printer().omittingInsignificantWhitespace().printingEnumsAsInts().print(data.build()));
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
    for (Object resourceSpans : array(json, "resourceSpans")) {
      for (Object scopeSpans : array((JsonObject) resourceSpans, "scopeSpans")) {
        for (Object span : array((JsonObject) scopeSpans, "spans")) {
          JsonObject s = (JsonObject) span;
          base64ToHex(s, "traceId");
          base64ToHex(s, "spanId");
          base64ToHex(s, "parentSpanId");
          for (Object link : array(s, "links")) {
            base64ToHex((JsonObject) link, "traceId");
            base64ToHex((JsonObject) link, "spanId");
          }
        }
      }
    }
    return json.encode();
  }

  private static JsonArray array(JsonObject object, String key) {
    JsonArray array = object.getJsonArray(key);
    return array == null ? new JsonArray() : array;
  }

  private static void base64ToHex(JsonObject object, String key) {
    String base64 = object.getString(key);
    if (base64 != null) {
      object.put(key, HexFormat.of().formatHex(Base64.getDecoder().decode(base64)));
    }
  }

  private OtlpSpan span(
      TraceId traceId, Resource resource, InstrumentationScope scope, long start, String name) {
    SpanId spanId = testSpans.newSpanId();
    OtlpSpan base = testSpans.span(traceId, spanId, null, "x", name, start, 10, attr("k", name));
    return OtlpSpan.of(resource, scope, base.span());
  }
}
