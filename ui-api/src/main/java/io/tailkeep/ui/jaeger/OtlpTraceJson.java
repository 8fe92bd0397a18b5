package io.tailkeep.ui.jaeger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.query.StreamingJson;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.Trace;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
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
 * <p>OTLP/JSON is protobuf's JSON mapping except that trace and span IDs are hex, not base64. It is
 * written here field by field with Jackson's streaming generator, as protobuf's {@code JsonFormat}
 * prints it with enums as integers: lowerCamelCase keys in field-number order; fields at their
 * default value left out (a oneof member or a set message field is written even when empty);
 * 64-bit integers as decimal strings ({@code fixed64} unsigned); {@code uint32} and {@code fixed32}
 * unsigned; doubles NaN and ±Infinity as strings; other bytes as base64. {@code OtlpTraceJsonTest}
 * compares the output with {@code JsonFormat}'s, and fails when OTLP grows a field this class does
 * not write.
 */
final class OtlpTraceJson {

  private static final HexFormat HEX = HexFormat.of();
  private static final Base64.Encoder BASE64 = Base64.getEncoder();
  /** A guess for the answer's first buffer. */
  private static final int EXPECTED_BYTES_PER_SPAN = 512;

  private OtlpTraceJson() {}

  /** The trace as OTLP/JSON, as ingested. */
  static Buffer json(Trace trace) {
    return json(trace, null);
  }

  /**
   * The trace as OTLP/JSON, each span's {@code tracestate} carrying the probability the trace was
   * kept with ({@link SamplingThreshold}); as ingested when {@code sampling} is null (unknown).
   */
  static Buffer json(Trace trace, Sampling sampling) {
    return StreamingJson.write(
        (long) EXPECTED_BYTES_PER_SPAN * trace.spans().size() + 256, false, json -> write(json, trace, sampling));
  }

  private static void write(JsonGenerator json, Trace trace, Sampling sampling) throws IOException {
    OtlpSpan[] spans = Trace.inStartOrder(trace.spans());
    Map<ResourceKey, Map<ScopeKey, List<Span>>> grouped = new LinkedHashMap<>();
    for (OtlpSpan span : spans) {
      grouped
          .computeIfAbsent(new ResourceKey(span.resource(), span.resourceSchemaUrl()), k -> new LinkedHashMap<>())
          .computeIfAbsent(new ScopeKey(span.scope(), span.scopeSchemaUrl()), k -> new ArrayList<>())
          .add(span.span());
    }
    json.writeStartObject();
    if (!grouped.isEmpty()) {
      json.writeArrayFieldStart("resourceSpans");
      for (Map.Entry<ResourceKey, Map<ScopeKey, List<Span>>> resourceSpans : grouped.entrySet()) {
        json.writeStartObject();
        json.writeFieldName("resource");
        resource(json, resourceSpans.getKey().resource());
        json.writeArrayFieldStart("scopeSpans");
        for (Map.Entry<ScopeKey, List<Span>> scopeSpans : resourceSpans.getValue().entrySet()) {
          json.writeStartObject();
          json.writeFieldName("scope");
          scope(json, scopeSpans.getKey().scope());
          json.writeArrayFieldStart("spans");
          for (Span span : scopeSpans.getValue()) {
            span(json, span, sampling);
          }
          json.writeEndArray();
          string(json, "schemaUrl", scopeSpans.getKey().schemaUrl());
          json.writeEndObject();
        }
        json.writeEndArray();
        string(json, "schemaUrl", resourceSpans.getKey().schemaUrl());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private static void resource(JsonGenerator json, Resource resource) throws IOException {
    json.writeStartObject();
    keyValues(json, "attributes", resource.getAttributesList());
    uint32(json, "droppedAttributesCount", resource.getDroppedAttributesCount());
    if (resource.getEntityRefsCount() > 0) {
      json.writeArrayFieldStart("entityRefs");
      for (EntityRef ref : resource.getEntityRefsList()) {
        json.writeStartObject();
        string(json, "schemaUrl", ref.getSchemaUrl());
        string(json, "type", ref.getType());
        strings(json, "idKeys", ref.getIdKeysList());
        strings(json, "descriptionKeys", ref.getDescriptionKeysList());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private static void scope(JsonGenerator json, InstrumentationScope scope) throws IOException {
    json.writeStartObject();
    string(json, "name", scope.getName());
    string(json, "version", scope.getVersion());
    keyValues(json, "attributes", scope.getAttributesList());
    uint32(json, "droppedAttributesCount", scope.getDroppedAttributesCount());
    json.writeEndObject();
  }

  private static void span(JsonGenerator json, Span span, Sampling sampling) throws IOException {
    json.writeStartObject();
    hexId(json, "traceId", span.getTraceId());
    hexId(json, "spanId", span.getSpanId());
    string(json, "traceState", sampling == null ? span.getTraceState()
        : SamplingThreshold.withThreshold(span.getTraceState(), sampling.probability()));
    hexId(json, "parentSpanId", span.getParentSpanId());
    string(json, "name", span.getName());
    int32(json, "kind", span.getKindValue());
    fixed64(json, "startTimeUnixNano", span.getStartTimeUnixNano());
    fixed64(json, "endTimeUnixNano", span.getEndTimeUnixNano());
    keyValues(json, "attributes", span.getAttributesList());
    uint32(json, "droppedAttributesCount", span.getDroppedAttributesCount());
    if (span.getEventsCount() > 0) {
      json.writeArrayFieldStart("events");
      for (Span.Event event : span.getEventsList()) {
        json.writeStartObject();
        fixed64(json, "timeUnixNano", event.getTimeUnixNano());
        string(json, "name", event.getName());
        keyValues(json, "attributes", event.getAttributesList());
        uint32(json, "droppedAttributesCount", event.getDroppedAttributesCount());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    uint32(json, "droppedEventsCount", span.getDroppedEventsCount());
    if (span.getLinksCount() > 0) {
      json.writeArrayFieldStart("links");
      for (Span.Link link : span.getLinksList()) {
        json.writeStartObject();
        hexId(json, "traceId", link.getTraceId());
        hexId(json, "spanId", link.getSpanId());
        string(json, "traceState", link.getTraceState());
        keyValues(json, "attributes", link.getAttributesList());
        uint32(json, "droppedAttributesCount", link.getDroppedAttributesCount());
        uint32(json, "flags", link.getFlags()); // fixed32: unsigned as uint32
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    uint32(json, "droppedLinksCount", span.getDroppedLinksCount());
    if (span.hasStatus()) {
      Status status = span.getStatus();
      json.writeObjectFieldStart("status");
      string(json, "message", status.getMessage());
      int32(json, "code", status.getCodeValue());
      json.writeEndObject();
    }
    uint32(json, "flags", span.getFlags()); // field 16, so last
    json.writeEndObject();
  }

  private static void keyValues(JsonGenerator json, String name, List<KeyValue> keyValues) throws IOException {
    if (keyValues.isEmpty()) {
      return;
    }
    json.writeArrayFieldStart(name);
    for (KeyValue kv : keyValues) {
      json.writeStartObject();
      string(json, "key", kv.getKey());
      if (kv.hasValue()) {
        json.writeFieldName("value");
        anyValue(json, kv.getValue());
      }
      int32(json, "keyStrindex", kv.getKeyStrindex());
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  /** A oneof: the member that is set is written even at its default value. */
  private static void anyValue(JsonGenerator json, AnyValue value) throws IOException {
    json.writeStartObject();
    switch (value.getValueCase()) {
      case STRING_VALUE -> json.writeStringField("stringValue", value.getStringValue());
      case BOOL_VALUE -> json.writeBooleanField("boolValue", value.getBoolValue());
      case INT_VALUE -> json.writeStringField("intValue", Long.toString(value.getIntValue()));
      case DOUBLE_VALUE -> {
        json.writeFieldName("doubleValue");
        double d = value.getDoubleValue();
        if (Double.isNaN(d)) {
          json.writeString("NaN");
        } else if (Double.isInfinite(d)) {
          json.writeString(d > 0 ? "Infinity" : "-Infinity");
        } else {
          json.writeNumber(d);
        }
      }
      case ARRAY_VALUE -> {
        json.writeObjectFieldStart("arrayValue");
        if (value.getArrayValue().getValuesCount() > 0) {
          json.writeArrayFieldStart("values");
          for (AnyValue element : value.getArrayValue().getValuesList()) {
            anyValue(json, element);
          }
          json.writeEndArray();
        }
        json.writeEndObject();
      }
      case KVLIST_VALUE -> {
        json.writeObjectFieldStart("kvlistValue");
        keyValues(json, "values", value.getKvlistValue().getValuesList());
        json.writeEndObject();
      }
      case BYTES_VALUE -> json.writeStringField("bytesValue", BASE64.encodeToString(value.getBytesValue().toByteArray()));
      case STRING_VALUE_STRINDEX -> json.writeNumberField("stringValueStrindex", value.getStringValueStrindex());
      default -> {} // not set: {}
    }
    json.writeEndObject();
  }

  private static void string(JsonGenerator json, String name, String value) throws IOException {
    if (!value.isEmpty()) {
      json.writeStringField(name, value);
    }
  }

  private static void strings(JsonGenerator json, String name, List<String> values) throws IOException {
    if (!values.isEmpty()) {
      json.writeArrayFieldStart(name);
      for (String value : values) {
        json.writeString(value);
      }
      json.writeEndArray();
    }
  }

  /** Trace and span IDs in hex, OTLP/JSON's one departure from protobuf's mapping. */
  private static void hexId(JsonGenerator json, String name, ByteString id) throws IOException {
    if (!id.isEmpty()) {
      json.writeStringField(name, HEX.formatHex(id.toByteArray()));
    }
  }

  private static void int32(JsonGenerator json, String name, int value) throws IOException {
    if (value != 0) {
      json.writeNumberField(name, value);
    }
  }

  private static void uint32(JsonGenerator json, String name, int value) throws IOException {
    if (value != 0) {
      json.writeNumberField(name, Integer.toUnsignedLong(value));
    }
  }

  private static void fixed64(JsonGenerator json, String name, long value) throws IOException {
    if (value != 0) {
      json.writeStringField(name, Long.toUnsignedString(value));
    }
  }

  private record ResourceKey(Resource resource, String schemaUrl) {}

  private record ScopeKey(InstrumentationScope scope, String schemaUrl) {}
}
