package io.tailkeep.ui.jaeger;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Trace;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stored trace as OTLP/JSON {@code TracesData} ({@code {"resourceSpans": [...]}}): the spans as
 * they were ingested, every field kept, in the form the OTLP file exporter writes and {@code POST
 * /v1/traces} takes back. Spans that share a resource (and its schema URL) share one {@code
 * resourceSpans} entry, and within it one {@code scopeSpans} entry per scope; spans are ordered by
 * start time.
 *
 * <p>OTLP/JSON is protobuf's JSON mapping (lowerCamelCase keys, 64-bit integers as strings, enums
 * as integers) except that trace and span IDs are hex, not base64.
 */
final class OtlpTraceJson {

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace().printingEnumsAsInts();
  private static final HexFormat HEX = HexFormat.of();

  private OtlpTraceJson() {}

  static TracesData tracesData(Trace trace) {
    List<OtlpSpan> spans = new ArrayList<>(trace.spans());
    spans.sort(
        Comparator.comparingLong(OtlpSpan::startEpochNanos)
            .thenComparing((a, b) -> Long.compareUnsigned(a.spanId().value(), b.spanId().value())));
    Map<ResourceKey, Map<ScopeKey, ScopeSpans.Builder>> grouped = new LinkedHashMap<>();
    for (OtlpSpan span : spans) {
      grouped
          .computeIfAbsent(
              new ResourceKey(span.resource(), span.resourceSchemaUrl()),
              k -> new LinkedHashMap<>())
          .computeIfAbsent(
              new ScopeKey(span.scope(), span.scopeSchemaUrl()),
              k -> ScopeSpans.newBuilder().setScope(k.scope()).setSchemaUrl(k.schemaUrl()))
          .addSpans(span.span());
    }
    TracesData.Builder data = TracesData.newBuilder();
    grouped.forEach(
        (resource, scopes) -> {
          ResourceSpans.Builder resourceSpans =
              data.addResourceSpansBuilder()
                  .setResource(resource.resource())
                  .setSchemaUrl(resource.schemaUrl());
          scopes.values().forEach(resourceSpans::addScopeSpans);
        });
    return data.build();
  }

  /** The trace as OTLP/JSON text. */
  static String json(Trace trace) {
    JsonObject json;
    try {
      json = new JsonObject(PRINTER.print(tracesData(trace)));
    } catch (InvalidProtocolBufferException e) {
      // Only an Any of an unregistered type fails to print; OTLP has none.
      throw new IllegalStateException("cannot print the trace as OTLP/JSON", e);
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
      object.put(key, HEX.formatHex(Base64.getDecoder().decode(base64)));
    }
  }

  private record ResourceKey(Resource resource, String schemaUrl) {}

  private record ScopeKey(InstrumentationScope scope, String schemaUrl) {}
}
