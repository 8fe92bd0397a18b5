package io.tailkeep.ui.jaeger;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Trace;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stored trace in Jaeger's JSON model ({@code model/json} in Jaeger, what {@code /api/traces}
 * answers and Jaeger UI and Grafana read), mapped from OTLP as the OpenTelemetry Collector's
 * OTLP-to-Jaeger translator does, then tidied as Jaeger's query service does (tags sorted by key, a
 * log's {@code event} field first).
 *
 * <ul>
 *   <li>IDs in lowercase hex: trace IDs always 32 digits (OTLP's form, so they match logs and
 *       {@code /api/v3}), span IDs 16;
 *   <li>{@code startTime}, {@code duration} and log {@code timestamp} in microseconds, truncated;
 *   <li>parent as the first {@code CHILD_OF} reference, then each link as {@code FOLLOWS_FROM};
 *   <li>span attributes as typed tags, plus {@code otel.scope.name}/{@code otel.scope.version},
 *       {@code span.kind}, {@code otel.status_code}, {@code error=true} for an error status, {@code
 *       otel.status_description}, {@code w3c.tracestate} and {@code otel.dropped_*_count};
 *   <li>events as logs, the event name in an {@code event} field;
 *   <li>resources as processes {@code p1}, {@code p2}... in order of first use: {@code
 *       service.name} is the service name, other resource attributes are the process tags.
 * </ul>
 */
final class JaegerTraceJson {

  /** Integers beyond this lose precision in JavaScript; Jaeger writes them as strings. */
  static final long JS_MAX_SAFE_INTEGER = (1L << 53) - 1;

  private static final HexFormat HEX = HexFormat.of();
  private static final Comparator<OtlpSpan> BY_START =
      Comparator.comparingLong(OtlpSpan::startEpochNanos)
          .thenComparing((a, b) -> Long.compareUnsigned(a.spanId().value(), b.spanId().value()));
  private static final Comparator<JsonObject> BY_KEY =
      Comparator.comparing(kv -> kv.getString("key"));

  private JaegerTraceJson() {}

  /**
   * The trace as Jaeger's {@code Trace}: {@code traceID}, {@code spans}, {@code processes}, {@code
   * warnings}.
   */
  static JsonObject trace(Trace trace) {
    List<OtlpSpan> spans = new ArrayList<>(trace.spans());
    spans.sort(BY_START);
    Map<Resource, JsonObject> processOfResource = new HashMap<>();
    // Resources that differ only where Jaeger cannot show it share one process, as in Jaeger.
    Map<JsonObject, String> processIds = new LinkedHashMap<>();
    JsonArray jsonSpans = new JsonArray();
    for (OtlpSpan span : spans) {
      JsonObject process = processOfResource.computeIfAbsent(span.resource(), r -> process(span));
      String processId = processIds.get(process);
      if (processId == null) {
        processId = "p" + (processIds.size() + 1);
        processIds.put(process, processId);
      }
      jsonSpans.add(span(span, processId));
    }
    JsonObject processes = new JsonObject();
    processIds.forEach((process, id) -> processes.put(id, process));
    return new JsonObject()
        .put("traceID", trace.traceId().toHex())
        .put("spans", jsonSpans)
        .put("processes", processes)
        .putNull("warnings");
  }

  private static JsonObject process(OtlpSpan span) {
    String serviceName = span.serviceName();
    List<JsonObject> tags = new ArrayList<>();
    for (KeyValue attribute : span.resource().getAttributesList()) {
      boolean isTheServiceName =
          attribute.getKey().equals("service.name")
              && attribute.getValue().hasStringValue()
              && attribute.getValue().getStringValue().equals(serviceName);
      if (!isTheServiceName) {
        tags.add(tag(attribute.getKey(), attribute.getValue()));
      }
    }
    tags.sort(BY_KEY);
    return new JsonObject().put("serviceName", serviceName).put("tags", new JsonArray(tags));
  }

  private static JsonObject span(OtlpSpan otlp, String processId) {
    Span span = otlp.span();
    String traceId = otlp.traceId().toHex();
    JsonObject json = new JsonObject().put("traceID", traceId).put("spanID", otlp.spanId().toHex());
    // OTLP keeps the W3C trace flags in the low byte; Jaeger's bit 1 (sampled) is the same bit.
    int flags = span.getFlags() & 0xFF;
    if (flags != 0) {
      json.put("flags", flags);
    }
    return json.put("operationName", span.getName())
        .put("references", references(otlp, traceId))
        .put("startTime", micros(otlp.startEpochNanos()))
        .put("duration", micros(otlp.durationNanos()))
        .put("tags", tags(otlp))
        .put("logs", logs(span))
        .put("processID", processId)
        .putNull("warnings");
  }

  private static JsonArray references(OtlpSpan otlp, String traceId) {
    JsonArray references = new JsonArray();
    otlp.parentSpanId()
        .ifPresent(parent -> references.add(reference("CHILD_OF", traceId, parent.toHex())));
    for (Span.Link link : otlp.span().getLinksList()) {
      references.add(reference("FOLLOWS_FROM", hex(link.getTraceId()), hex(link.getSpanId())));
    }
    return references;
  }

  private static JsonObject reference(String type, String traceId, String spanId) {
    return new JsonObject().put("refType", type).put("traceID", traceId).put("spanID", spanId);
  }

  private static JsonArray tags(OtlpSpan otlp) {
    Span span = otlp.span();
    InstrumentationScope scope = otlp.scope();
    boolean error = span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
    List<JsonObject> tags = new ArrayList<>();
    if (!scope.getName().isEmpty()) {
      tags.add(stringTag("otel.scope.name", scope.getName()));
    }
    if (!scope.getVersion().isEmpty()) {
      tags.add(stringTag("otel.scope.version", scope.getVersion()));
    }
    for (KeyValue attribute : span.getAttributesList()) {
      // An error status sets error=true, overriding an attribute of that name.
      if (!(error && attribute.getKey().equals("error"))) {
        tags.add(tag(attribute.getKey(), attribute.getValue()));
      }
    }
    String kind = spanKind(span.getKind());
    if (!kind.isEmpty()) {
      tags.add(stringTag("span.kind", kind));
    }
    switch (span.getStatus().getCode()) {
      case STATUS_CODE_OK -> tags.add(stringTag("otel.status_code", "OK"));
      case STATUS_CODE_ERROR -> {
        tags.add(stringTag("otel.status_code", "ERROR"));
        tags.add(new JsonObject().put("key", "error").put("type", "bool").put("value", true));
      }
      default -> {}
    }
    if (!span.getStatus().getMessage().isEmpty()) {
      tags.add(stringTag("otel.status_description", span.getStatus().getMessage()));
    }
    if (!span.getTraceState().isEmpty()) {
      tags.add(stringTag("w3c.tracestate", span.getTraceState()));
    }
    addCount(tags, "otel.dropped_attributes_count", span.getDroppedAttributesCount());
    addCount(tags, "otel.dropped_events_count", span.getDroppedEventsCount());
    addCount(tags, "otel.dropped_links_count", span.getDroppedLinksCount());
    tags.sort(BY_KEY);
    return new JsonArray(tags);
  }

  private static JsonArray logs(Span span) {
    JsonArray logs = new JsonArray();
    for (Span.Event event : span.getEventsList()) {
      List<JsonObject> fields = new ArrayList<>();
      boolean eventAttribute = false;
      for (KeyValue attribute : event.getAttributesList()) {
        fields.add(tag(attribute.getKey(), attribute.getValue()));
        eventAttribute |= attribute.getKey().equals("event");
      }
      // An "event" attribute takes precedence over the event's name.
      if (!event.getName().isEmpty() && !eventAttribute) {
        fields.add(stringTag("event", event.getName()));
      }
      addCount(fields, "otel.dropped_attributes_count", event.getDroppedAttributesCount());
      fields.sort(
          Comparator.comparing((JsonObject kv) -> !kv.getString("key").equals("event"))
              .thenComparing(BY_KEY));
      logs.add(
          new JsonObject()
              .put("timestamp", micros(event.getTimeUnixNano()))
              .put("fields", new JsonArray(fields)));
    }
    return logs;
  }

  /** {@code span.kind} as OpenTracing names it; empty for an unspecified kind. */
  static String spanKind(Span.SpanKind kind) {
    return switch (kind) {
      case SPAN_KIND_SERVER -> "server";
      case SPAN_KIND_CLIENT -> "client";
      case SPAN_KIND_PRODUCER -> "producer";
      case SPAN_KIND_CONSUMER -> "consumer";
      case SPAN_KIND_INTERNAL -> "internal";
      default -> "";
    };
  }

  /** A typed Jaeger tag ({@code key}, {@code type}, {@code value}) for an OTLP attribute. */
  static JsonObject tag(String key, AnyValue value) {
    JsonObject tag = new JsonObject().put("key", key);
    switch (value.getValueCase()) {
      case STRING_VALUE -> tag.put("type", "string").put("value", value.getStringValue());
      case BOOL_VALUE -> tag.put("type", "bool").put("value", value.getBoolValue());
      case INT_VALUE -> {
        long v = value.getIntValue();
        tag.put("type", "int64");
        if (v > JS_MAX_SAFE_INTEGER || v < -JS_MAX_SAFE_INTEGER) {
          tag.put("value", Long.toString(v));
        } else {
          tag.put("value", v);
        }
      }
      case DOUBLE_VALUE ->
          tag.put("type", "float64").put("value", finiteOrText(value.getDoubleValue()));
      case BYTES_VALUE -> tag.put("type", "binary").put("value", base64(value.getBytesValue()));
      // Arrays and maps as JSON text, as the OpenTelemetry translator writes them.
      case ARRAY_VALUE, KVLIST_VALUE ->
          tag.put("type", "string").put("value", String.valueOf(raw(value)));
      default -> tag.put("type", "string").put("value", "");
    }
    return tag;
  }

  /** The value as plain JSON: what OpenTelemetry's {@code AsRaw} gives, encoded. */
  private static Object raw(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> value.getBoolValue();
      case INT_VALUE -> value.getIntValue();
      case DOUBLE_VALUE -> finiteOrText(value.getDoubleValue());
      case BYTES_VALUE -> base64(value.getBytesValue());
      case ARRAY_VALUE -> {
        JsonArray array = new JsonArray();
        for (AnyValue element : value.getArrayValue().getValuesList()) {
          array.add(raw(element));
        }
        yield array;
      }
      case KVLIST_VALUE -> {
        JsonObject object = new JsonObject();
        for (KeyValue entry : value.getKvlistValue().getValuesList()) {
          object.put(entry.getKey(), raw(entry.getValue()));
        }
        yield object;
      }
      default -> null;
    };
  }

  /** JSON has no NaN or infinity; those go as text, as large integers do. */
  private static Object finiteOrText(double value) {
    return Double.isFinite(value) ? (Object) value : Double.toString(value);
  }

  private static JsonObject stringTag(String key, String value) {
    return new JsonObject().put("key", key).put("type", "string").put("value", value);
  }

  private static void addCount(List<JsonObject> tags, String key, int count) {
    if (count > 0) {
      tags.add(new JsonObject().put("key", key).put("type", "int64").put("value", (long) count));
    }
  }

  private static long micros(long nanos) {
    return nanos / 1_000;
  }

  private static String hex(ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }

  private static String base64(ByteString bytes) {
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }
}
