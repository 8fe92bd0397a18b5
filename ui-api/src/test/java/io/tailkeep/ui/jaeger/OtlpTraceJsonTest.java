package io.tailkeep.ui.jaeger;

import static io.tailkeep.store.testing.TestSpans.attr;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.testing.TestSpans;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OTLP/JSON download, without a server or a store. */
class OtlpTraceJsonTest {

  private static final long START = 1_740_830_400_000_000_000L;
  private final TestSpans testSpans = new TestSpans(11);

  @Test
  void givesBackExactlyTheSpansItWasGiven() {
    EveryFieldTrace every = new EveryFieldTrace(testSpans, START);
    String json = OtlpTraceJson.json(new Trace(every.traceId, every.spans()));

    List<OtlpSpan> parsed = OtlpJsonReader.spans(OtlpJsonReader.parse(json));
    assertThat(parsed).containsExactlyInAnyOrderElementsOf(every.spans());
  }

  @Test
  void writesIdsInHexAndEnumsAsIntegersAsOtlpJsonDoes() {
    EveryFieldTrace every = new EveryFieldTrace(testSpans, START);
    JsonObject json = new JsonObject(OtlpTraceJson.json(new Trace(every.traceId, every.spans())));

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

    TracesData data = OtlpJsonReader.parse(OtlpTraceJson.json(new Trace(traceId, spans)));

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

  private OtlpSpan span(
      TraceId traceId, Resource resource, InstrumentationScope scope, long start, String name) {
    SpanId spanId = testSpans.newSpanId();
    OtlpSpan base = testSpans.span(traceId, spanId, null, "x", name, start, 10, attr("k", name));
    return OtlpSpan.of(resource, scope, base.span());
  }
}
