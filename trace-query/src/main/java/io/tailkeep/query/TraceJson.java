package io.tailkeep.query;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.store.Operation;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.TraceSummary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON the API answers with (see the module README for the model). Times are RFC 3339 in UTC
 * with nanoseconds plus Unix nanoseconds as a decimal string (a JSON number loses precision past
 * 2^53 in JavaScript, as OTLP/JSON notes); durations are nanoseconds as numbers. Attribute values
 * keep their JSON type: strings, numbers, booleans, arrays, objects; bytes as base64.
 */
final class TraceJson {
  /** Deeper attribute values are cut: well within what JSON parsers accept. */
  static final int MAX_VALUE_DEPTH = 32;

  private TraceJson() {}

  static JsonObject trace(TraceTree tree) {
    // The header is the same summary search answers with, computed from the spans themselves.
    JsonObject summary =
        summary(
            new TraceSummary(
                tree.traceId(),
                tree.rootService(),
                tree.rootOperation(),
                tree.rootSeen(),
                tree.startEpochNanos(),
                tree.durationNanos(),
                tree.spanCount(),
                tree.errorCount(),
                Set.copyOf(tree.services()),
                tree.sampling().orElse(null)));
    JsonArray roots = new JsonArray();
    // Breadth-first with a queue, not recursion: a deep tree must not exhaust the stack.
    ArrayDeque<Object[]> pending = new ArrayDeque<>();
    for (TraceTree.Node root : tree.roots()) {
      pending.add(new Object[] {root, roots});
    }
    while (!pending.isEmpty()) {
      Object[] next = pending.poll();
      TraceTree.Node node = (TraceTree.Node) next[0];
      JsonArray children = new JsonArray();
      ((JsonArray) next[1]).add(span(node, children));
      for (TraceTree.Node child : node.children()) {
        pending.add(new Object[] {child, children});
      }
    }
    return new JsonObject()
        .put("traceId", tree.traceId().toHex())
        .put("summary", summary)
        .put("shownSpanCount", tree.shownSpanCount())
        .put("warnings", new JsonArray(List.copyOf(tree.warnings())))
        .put("roots", roots);
  }

  private static JsonObject span(TraceTree.Node node, JsonArray children) {
    OtlpSpan otlp = node.span();
    Span span = otlp.span();
    JsonObject json =
        new JsonObject()
            .put("spanId", otlp.spanId().toHex())
            .put("parentSpanId", otlp.parentSpanId().map(id -> id.toHex()).orElse(null))
            .put("service", otlp.serviceName())
            .put("name", span.getName())
            .put("kind", kind(span.getKind()));
    putTime(json, "start", otlp.startEpochNanos());
    putTime(json, "end", otlp.endEpochNanos());
    json.put("durationNanos", otlp.durationNanos())
        .put("selfTimeNanos", node.selfTimeNanos())
        .put("status", status(span.getStatus()))
        .put("traceState", span.getTraceState())
        .put("flags", span.getFlags())
        .put("attributes", attributes(span.getAttributesList()))
        .put("droppedAttributesCount", span.getDroppedAttributesCount());
    JsonArray events = new JsonArray();
    for (Span.Event event : span.getEventsList()) {
      JsonObject e = new JsonObject().put("name", event.getName());
      putTime(e, "time", event.getTimeUnixNano());
      events.add(
          e.put("attributes", attributes(event.getAttributesList()))
              .put("droppedAttributesCount", event.getDroppedAttributesCount()));
    }
    json.put("events", events).put("droppedEventsCount", span.getDroppedEventsCount());
    JsonArray links = new JsonArray();
    for (Span.Link link : span.getLinksList()) {
      links.add(
          new JsonObject()
              .put("traceId", hex(link.getTraceId().toByteArray()))
              .put("spanId", hex(link.getSpanId().toByteArray()))
              .put("traceState", link.getTraceState())
              .put("flags", link.getFlags())
              .put("attributes", attributes(link.getAttributesList()))
              .put("droppedAttributesCount", link.getDroppedAttributesCount()));
    }
    json.put("links", links).put("droppedLinksCount", span.getDroppedLinksCount());
    json.put(
        "resource",
        new JsonObject()
            .put("attributes", attributes(otlp.resource().getAttributesList()))
            .put("droppedAttributesCount", otlp.resource().getDroppedAttributesCount())
            .put("schemaUrl", otlp.resourceSchemaUrl()));
    InstrumentationScope scope = otlp.scope();
    json.put(
        "scope",
        new JsonObject()
            .put("name", scope.getName())
            .put("version", scope.getVersion())
            .put("attributes", attributes(scope.getAttributesList()))
            .put("droppedAttributesCount", scope.getDroppedAttributesCount())
            .put("schemaUrl", otlp.scopeSchemaUrl()));
    if (!node.warnings().isEmpty()) {
      json.put("warnings", new JsonArray(List.copyOf(node.warnings())));
    }
    if (node.hiddenChildCount() > 0) {
      json.put("hiddenChildCount", node.hiddenChildCount());
    }
    return json.put("children", children);
  }

  static JsonObject summary(TraceSummary summary) {
    JsonObject json =
        new JsonObject()
            .put("traceId", summary.traceId().toHex())
            .put("rootService", summary.rootService())
            .put("rootOperation", summary.rootOperation())
            .put("rootSeen", summary.rootSeen());
    putTime(json, "start", summary.startEpochNanos());
    return json
        .put("durationNanos", summary.durationNanos())
        .put("spanCount", summary.spanCount())
        .put("errorCount", summary.errorCount())
        .put("services", new JsonArray(List.copyOf(new TreeSet<>(summary.services()))))
        .put("sampling", summary.samplingDecision().map(TraceJson::sampling).orElse(null));
  }

  static JsonObject sampling(Sampling sampling) {
    return new JsonObject()
        .put("rule", sampling.rule())
        .put("probability", sampling.probability())
        .put("adjustedCount", sampling.adjustedCount());
  }

  /** A search page: the traces, the query as run (defaults filled in), and the next token. */
  static JsonObject page(List<TraceSummary> traces, SearchFilters filters, int limit, String next, List<String> warnings) {
    JsonArray items = new JsonArray();
    traces.forEach(t -> items.add(summary(t)));
    JsonObject query =
        new JsonObject()
            .put("service", filters.service())
            .put("operation", filters.operation())
            .put("tags", new JsonObject(new TreeMap<>(filters.tags())))
            .put("minDuration", filters.minDuration() == null ? null : DurationFormat.format(filters.minDuration()))
            .put("maxDuration", filters.maxDuration() == null ? null : DurationFormat.format(filters.maxDuration()))
            .put("start", TimeFormat.format(TimeFormat.epochNanos(filters.start())))
            .put("end", TimeFormat.format(TimeFormat.epochNanos(filters.end())))
            .put("sort", SearchFilters.sortName(filters.order()))
            .put("limit", limit);
    return new JsonObject()
        .put("traces", items)
        .put("next", next)
        .put("query", query)
        .put("warnings", new JsonArray(List.copyOf(warnings)));
  }

  static JsonObject services(List<String> services) {
    return new JsonObject().put("services", new JsonArray(List.copyOf(services)));
  }

  static JsonObject operations(String service, List<Operation> operations) {
    JsonArray items = new JsonArray();
    for (Operation operation : operations) {
      items.add(new JsonObject().put("name", operation.name()).put("kind", kind(operation.kind())));
    }
    return new JsonObject().put("service", service).put("operations", items);
  }

  /** {@code {"error":{"status":400,"parameter":"limit","value":"0","message":"..."}}}. */
  static JsonObject error(int status, String message, String parameter, String value) {
    JsonObject error = new JsonObject().put("status", status);
    if (parameter != null) {
      error.put("parameter", parameter).put("value", value);
    }
    return new JsonObject().put("error", error.put("message", message));
  }

  private static void putTime(JsonObject json, String name, long epochNanos) {
    json.put(name, TimeFormat.format(epochNanos)).put(name + "UnixNano", Long.toString(epochNanos));
  }

  /** {@code SPAN_KIND_SERVER} as {@code SERVER}; an unknown number as {@code UNSPECIFIED}. */
  static String kind(Span.SpanKind kind) {
    if (kind == Span.SpanKind.UNRECOGNIZED) {
      return "UNSPECIFIED";
    }
    return kind.name().substring("SPAN_KIND_".length());
  }

  private static JsonObject status(Status status) {
    String code =
        status.getCode() == Status.StatusCode.UNRECOGNIZED
            ? "UNSET"
            : status.getCode().name().substring("STATUS_CODE_".length());
    return new JsonObject().put("code", code).put("message", status.getMessage());
  }

  /** Attributes as an object; a repeated key keeps its first value, as OTLP readers do. */
  private static JsonObject attributes(List<KeyValue> attributes) {
    JsonObject json = new JsonObject();
    for (KeyValue kv : attributes) {
      if (!json.containsKey(kv.getKey())) {
        json.put(kv.getKey(), value(kv.getValue(), 0));
      }
    }
    return json;
  }

  private static Object value(AnyValue value, int depth) {
    switch (value.getValueCase()) {
      case STRING_VALUE:
        return value.getStringValue();
      case BOOL_VALUE:
        return value.getBoolValue();
      case INT_VALUE:
        return value.getIntValue();
      case DOUBLE_VALUE:
        double d = value.getDoubleValue();
        return Double.isFinite(d) ? (Object) d : Double.toString(d); // NaN, Infinity: not JSON numbers
      case BYTES_VALUE:
        return Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
      case ARRAY_VALUE:
        if (depth >= MAX_VALUE_DEPTH) {
          return "[nested too deep]";
        }
        JsonArray array = new JsonArray();
        value.getArrayValue().getValuesList().forEach(v -> array.add(value(v, depth + 1)));
        return array;
      case KVLIST_VALUE:
        if (depth >= MAX_VALUE_DEPTH) {
          return "{nested too deep}";
        }
        JsonObject map = new JsonObject();
        for (KeyValue kv : value.getKvlistValue().getValuesList()) {
          if (!map.containsKey(kv.getKey())) {
            map.put(kv.getKey(), value(kv.getValue(), depth + 1));
          }
        }
        return map;
      default:
        return null;
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
