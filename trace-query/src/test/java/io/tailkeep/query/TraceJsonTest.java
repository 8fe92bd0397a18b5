package io.tailkeep.query;

import static io.tailkeep.store.testing.TestSpans.attr;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.Operation;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.store.testing.TestSpans;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceJsonTest {
  static final long T0 = 1_740_830_400_000_000_000L;

  private final TestSpans spans = new TestSpans(3);
  private final TraceId traceId = TraceId.fromHex("4bf92f3577b34da6a3ce929d0e0e4736");

  @Test
  void rendersEveryFieldOfASpan() {
    SpanId rootId = new SpanId(0x00f067aa0ba902b7L);
    OtlpSpan root = spans.span(traceId, rootId, null, "checkout", "POST /pay", T0, 2_000_000);
    OtlpSpan every = spans.everyField(traceId, new SpanId(0x1122334455667788L), rootId, T0 + 123_456_789);
    TraceSummary summary =
        new TraceSummary(traceId, "checkout", "POST /pay", true, T0, 2_000_000, 2, 1, Set.of("checkout"),
            new Sampling("keep-errors", 1.0));

    JsonObject json =
        new JsonObject(TraceJson.trace(TraceTree.assemble(new Trace(traceId, List.of(every, root)), summary, 100, 100)));

    assertThat(json.getString("traceId")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    JsonObject header = json.getJsonObject("summary");
    assertThat(header.getString("start")).isEqualTo("2025-03-01T12:00:00.000000000Z");
    assertThat(header.getString("startUnixNano")).isEqualTo("1740830400000000000");
    assertThat(header.getLong("durationNanos")).isEqualTo(124_691_356); // to the end of the later span
    assertThat(header.getInteger("spanCount")).isEqualTo(2);
    assertThat(header.getInteger("errorCount")).isEqualTo(1);
    assertThat(header.getJsonArray("services")).containsExactly("checkout", "everything-service");
    assertThat(header.getJsonObject("sampling"))
        .isEqualTo(new JsonObject().put("rule", "keep-errors").put("probability", 1.0).put("adjustedCount", 1.0));
    assertThat(json.getJsonArray("warnings")).isEmpty();
    assertThat(json.getInteger("shownSpanCount")).isEqualTo(2);

    JsonObject r = json.getJsonArray("roots").getJsonObject(0);
    assertThat(r.getString("spanId")).isEqualTo("00f067aa0ba902b7");
    assertThat(r.getValue("parentSpanId")).isNull();
    assertThat(r.getString("kind")).isEqualTo("SERVER");
    assertThat(r.getLong("selfTimeNanos")).isEqualTo(2_000_000); // its child starts after it ends
    assertThat(r.containsKey("warnings")).isFalse();
    // What is at its default is left out: no status (UNSET), error, trace state, flags, attributes,
    // events, links or dropped counts on a plain span.
    assertThat(r.fieldNames())
        .containsExactly("spanId", "parentSpanId", "service", "name", "kind", "startUnixNano", "durationNanos",
            "selfTimeNanos", "resource", "scope", "children");

    JsonObject s = r.getJsonArray("children").getJsonObject(0);
    assertThat(s.getString("spanId")).isEqualTo("1122334455667788");
    assertThat(s.getString("parentSpanId")).isEqualTo("00f067aa0ba902b7");
    assertThat(s.getString("service")).isEqualTo("everything-service");
    assertThat(s.getString("name")).isEqualTo("GET /everything");
    assertThat(s.getString("kind")).isEqualTo("CLIENT");
    assertThat(s.getString("startUnixNano")).isEqualTo("1740830400123456789");
    assertThat(s.getLong("durationNanos")).isEqualTo(1_234_567);
    assertThat(s.getLong("selfTimeNanos")).isEqualTo(1_234_567);
    assertThat(s.getJsonObject("status")).isEqualTo(new JsonObject().put("code", "ERROR").put("message", "it failed"));
    assertThat(s.getBoolean("error")).isTrue();
    assertThat(s.fieldNames())
        .containsExactly("spanId", "parentSpanId", "service", "name", "kind", "startUnixNano", "durationNanos",
            "selfTimeNanos", "status", "error", "traceState", "flags", "attributes", "droppedAttributesCount",
            "events", "droppedEventsCount", "links", "droppedLinksCount", "resource", "scope", "children");
    assertThat(s.getString("traceState")).isEqualTo("vendor=value,other=1");
    assertThat(s.getInteger("flags")).isEqualTo(0x301);
    JsonObject attributes = s.getJsonObject("attributes");
    assertThat(attributes.getString("string")).isEqualTo("värde ✓");
    assertThat(attributes.getBoolean("bool")).isTrue();
    assertThat(attributes.getLong("int")).isEqualTo(Long.MIN_VALUE);
    assertThat(attributes.getDouble("double")).isEqualTo(-0.125);
    assertThat(attributes.getString("bytes")).isEqualTo("AAH/");
    assertThat(attributes.getJsonArray("array")).isEqualTo(new JsonArray().add("a").add(-7).add(true));
    assertThat(attributes.getJsonObject("map"))
        .isEqualTo(new JsonObject().put("nested.key", "nested value").put("nested.double", 2.5));
    assertThat(attributes.containsKey("empty")).isTrue();
    assertThat(attributes.getValue("empty")).isNull();
    assertThat(s.getInteger("droppedAttributesCount")).isEqualTo(3);
    JsonObject event = s.getJsonArray("events").getJsonObject(0);
    assertThat(event.getString("name")).isEqualTo("exception");
    assertThat(event.fieldNames()).containsExactly("name", "timeUnixNano", "attributes", "droppedAttributesCount");
    assertThat(event.getString("timeUnixNano")).isEqualTo("1740830400123456799");
    assertThat(event.getJsonObject("attributes")).isEqualTo(new JsonObject().put("exception.message", "boom"));
    assertThat(event.getInteger("droppedAttributesCount")).isEqualTo(1);
    assertThat(s.getInteger("droppedEventsCount")).isEqualTo(4);
    JsonObject link = s.getJsonArray("links").getJsonObject(0);
    assertThat(link.getString("traceId")).hasSize(32);
    assertThat(link.getString("spanId")).hasSize(16);
    assertThat(link.getString("traceState")).isEqualTo("linked=yes");
    assertThat(link.getJsonObject("attributes")).isEqualTo(new JsonObject().put("link.kind", "batch"));
    assertThat(link.getInteger("flags")).isEqualTo(0x100);
    assertThat(s.getInteger("droppedLinksCount")).isEqualTo(5);
    // Resources and scopes are tables of the trace; spans name them by index, earliest span first.
    assertThat(json.getJsonArray("resources")).hasSize(2);
    assertThat(json.getJsonArray("scopes")).hasSize(2);
    assertThat(r.getInteger("resource")).isZero();
    assertThat(r.getInteger("scope")).isZero();
    assertThat(json.getJsonArray("resources").getJsonObject(0))
        .isEqualTo(new JsonObject().put("service", "checkout")
            .put("attributes", new JsonObject().put("service.name", "checkout"))
            .put("droppedAttributesCount", 0).put("schemaUrl", ""));
    assertThat(json.getJsonArray("scopes").getJsonObject(0))
        .isEqualTo(new JsonObject().put("name", "io.tailkeep.test").put("version", "1.0")
            .put("attributes", new JsonObject()).put("droppedAttributesCount", 0).put("schemaUrl", ""));
    JsonObject resource = json.getJsonArray("resources").getJsonObject(s.getInteger("resource"));
    assertThat(resource.getString("service")).isEqualTo("everything-service");
    assertThat(resource.getJsonObject("attributes").getString("service.name")).isEqualTo("everything-service");
    assertThat(resource.getJsonObject("attributes").getInteger("host.cores")).isEqualTo(2);
    assertThat(resource.getInteger("droppedAttributesCount")).isEqualTo(6);
    assertThat(resource.getString("schemaUrl")).isEqualTo("https://opentelemetry.io/schemas/1.26.0");
    JsonObject scope = json.getJsonArray("scopes").getJsonObject(s.getInteger("scope"));
    assertThat(scope.getString("name")).isEqualTo("io.tailkeep.everything");
    assertThat(scope.getString("version")).isEqualTo("9.9.9");
    assertThat(scope.getJsonObject("attributes").getString("scope.attr")).isEqualTo("x");
    assertThat(scope.getString("schemaUrl")).isEqualTo("https://opentelemetry.io/schemas/1.25.0");
    assertThat(s.getJsonArray("children")).isEmpty();
  }

  @Test
  void attributeValuesKeepTheirTypeTheFirstOfARepeatedKeyAndAreCutWhenNestedTooDeep() {
    AnyValue deep = AnyValue.newBuilder().setStringValue("bottom").build();
    for (int i = 0; i < 40; i++) {
      deep = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(deep)).build();
    }
    List<KeyValue> many = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      many.add(attr("key" + i, "value" + i));
    }
    many.add(attr("key3", "repeated"));
    List<KeyValue> hundred = new ArrayList<>(); // a long list takes the other way to find repeats
    for (int i = 0; i < 100; i++) {
      hundred.add(attr("key" + i, "value" + i));
    }
    hundred.add(attr("key42", "repeated"));
    OtlpSpan span =
        spans.span(traceId, new SpanId(1), null, "svc", "op", T0, 10,
            attr("k", "first"),
            attr("k", "second"),
            KeyValue.newBuilder().setKey("nan").setValue(AnyValue.newBuilder().setDoubleValue(Double.NaN)).build(),
            KeyValue.newBuilder().setKey("inf")
                .setValue(AnyValue.newBuilder().setDoubleValue(Double.NEGATIVE_INFINITY)).build(),
            KeyValue.newBuilder().setKey("deep").setValue(deep).build(),
            KeyValue.newBuilder().setKey("map").setValue(AnyValue.newBuilder().setKvlistValue(
                KeyValueList.newBuilder().addAllValues(many))).build(),
            KeyValue.newBuilder().setKey("long map").setValue(AnyValue.newBuilder().setKvlistValue(
                KeyValueList.newBuilder().addAllValues(hundred))).build());

    JsonObject json = new JsonObject(TraceJson.trace(TraceTree.assemble(new Trace(traceId, List.of(span)), null, 10, 10)));
    JsonObject attributes = json.getJsonArray("roots").getJsonObject(0).getJsonObject("attributes");

    assertThat(attributes.fieldNames()).containsExactly("k", "nan", "inf", "deep", "map", "long map");
    assertThat(attributes.getString("k")).isEqualTo("first");
    assertThat(attributes.getString("nan")).isEqualTo("NaN");
    assertThat(attributes.getString("inf")).isEqualTo("-Infinity");
    Object level = attributes.getValue("deep");
    int depth = 0;
    while (level instanceof JsonArray array) {
      level = array.getValue(0);
      depth++;
    }
    assertThat(depth).isEqualTo(TraceJson.MAX_VALUE_DEPTH);
    assertThat(level).isEqualTo("[nested too deep]");
    JsonObject map = attributes.getJsonObject("map");
    assertThat(map.size()).isEqualTo(12);
    assertThat(map.getString("key3")).isEqualTo("value3");
    JsonObject longMap = attributes.getJsonObject("long map");
    assertThat(longMap.size()).isEqualTo(100);
    assertThat(longMap.getString("key42")).isEqualTo("value42");
  }

  @Test
  void aDeepChainStaysWithinWhatJsonParsersAccept() {
    List<OtlpSpan> chain = new ArrayList<>();
    SpanId parent = null;
    for (int i = 0; i < 5_000; i++) {
      SpanId id = new SpanId(i + 1);
      chain.add(spans.span(traceId, id, parent, "deep", "call" + i, T0 + i, 10_000 - i));
      parent = id;
    }
    TraceTree tree =
        TraceTree.assemble(
            new Trace(traceId, chain), null, QueryApiOptions.DEFAULT_MAX_TRACE_SPANS, QueryApiOptions.MAX_TREE_DEPTH);
    // Jackson's default nesting limit (1000) applies to both writing and reading.
    JsonObject json = new JsonObject(TraceJson.trace(tree));
    assertThat(json.getJsonArray("roots")).hasSize(5_000 / QueryApiOptions.MAX_TREE_DEPTH);
    assertThat(json.getInteger("shownSpanCount")).isEqualTo(5_000);
  }

  @Test
  void rendersASearchSummaryOperationsAndErrors() {
    TraceSummary summary =
        new TraceSummary(traceId, "checkout", "POST /pay", true, T0 + 1, 1_500_000_000L, 12, 2,
            Set.of("db", "checkout"), null);
    assertThat(TraceJson.summary(summary))
        .isEqualTo(
            new JsonObject()
                .put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
                .put("rootService", "checkout")
                .put("rootOperation", "POST /pay")
                .put("rootSeen", true)
                .put("start", "2025-03-01T12:00:00.000000001Z")
                .put("startUnixNano", "1740830400000000001")
                .put("durationNanos", 1_500_000_000L)
                .put("spanCount", 12)
                .put("errorCount", 2)
                .put("services", new JsonArray().add("checkout").add("db"))
                .putNull("sampling"));
    assertThat(TraceJson.operations("checkout", List.of(new Operation("POST /pay", SpanKind.SPAN_KIND_SERVER))).encode())
        .isEqualTo("{\"service\":\"checkout\",\"operations\":[{\"name\":\"POST /pay\",\"kind\":\"SERVER\"}]}");
    assertThat(ApiJson.error(400, "minDuration must be a duration like 250ms, 1.5s or 2m, got 'fast'", "minDuration", "fast").encode())
        .isEqualTo("{\"error\":{\"status\":400,\"parameter\":\"minDuration\",\"value\":\"fast\","
            + "\"message\":\"minDuration must be a duration like 250ms, 1.5s or 2m, got 'fast'\"}}");
    assertThat(ApiJson.error(503, "storage unavailable", null, null).encode())
        .isEqualTo("{\"error\":{\"status\":503,\"message\":\"storage unavailable\"}}");
  }
}
