package io.tailkeep.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tailkeep.store.Attributes;
import io.tailkeep.store.Operation;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.units.DurationSyntax;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON the API answers with (see the module README for the model). A trace's and a search's
 * times are RFC 3339 in UTC with nanoseconds plus Unix nanoseconds as a decimal string (a JSON
 * number loses precision past 2^53 in JavaScript, as OTLP/JSON notes); a span's and an event's only
 * the latter; durations are nanoseconds as numbers. Attribute values
 * keep their JSON type: strings, numbers, booleans, arrays, objects; bytes as base64.
 */
final class TraceJson {
  /** Deeper attribute values are cut: well within what JSON parsers accept. */
  static final int MAX_VALUE_DEPTH = 32;
  /** A guess for the answer's first buffer: typical spans take 200 to 700 bytes. */
  private static final int EXPECTED_BYTES_PER_SPAN = 500;

  private TraceJson() {}

  // A span's field names, quoted and encoded once: they are about a third of a trace's bytes.
  private static final SerializedString ATTRIBUTES = new SerializedString("attributes");
  private static final SerializedString CHILDREN = new SerializedString("children");
  private static final SerializedString CODE = new SerializedString("code");
  private static final SerializedString DROPPED_ATTRIBUTES_COUNT =
      new SerializedString("droppedAttributesCount");
  private static final SerializedString DROPPED_EVENTS_COUNT = new SerializedString("droppedEventsCount");
  private static final SerializedString DROPPED_LINKS_COUNT = new SerializedString("droppedLinksCount");
  private static final SerializedString DURATION_NANOS = new SerializedString("durationNanos");
  private static final SerializedString ERROR = new SerializedString("error");
  private static final SerializedString EVENTS = new SerializedString("events");
  private static final SerializedString FLAGS = new SerializedString("flags");
  private static final SerializedString HIDDEN_CHILD_COUNT = new SerializedString("hiddenChildCount");
  private static final SerializedString KIND = new SerializedString("kind");
  private static final SerializedString LINKS = new SerializedString("links");
  private static final SerializedString MESSAGE = new SerializedString("message");
  private static final SerializedString NAME = new SerializedString("name");
  private static final SerializedString PARENT_SPAN_ID = new SerializedString("parentSpanId");
  private static final SerializedString RESOURCE = new SerializedString("resource");
  private static final SerializedString SCOPE = new SerializedString("scope");
  private static final SerializedString SELF_TIME_NANOS = new SerializedString("selfTimeNanos");
  private static final SerializedString SERVICE = new SerializedString("service");
  private static final SerializedString SPAN_ID = new SerializedString("spanId");
  private static final SerializedString START_UNIX_NANO = new SerializedString("startUnixNano");
  private static final SerializedString STATUS = new SerializedString("status");
  private static final SerializedString TIME_UNIX_NANO = new SerializedString("timeUnixNano");
  private static final SerializedString TRACE_ID = new SerializedString("traceId");
  private static final SerializedString TRACE_STATE = new SerializedString("traceState");
  private static final SerializedString WARNINGS = new SerializedString("warnings");

  /**
   * The trace tree (see the module README), written span by span with no intermediate tree: the
   * header, the resource and scope tables, then the nodes depth-first, each with its children.
   */
  static Buffer trace(TraceTree tree) {
    return StreamingJson.write(
        (long) EXPECTED_BYTES_PER_SPAN * tree.shownSpanCount() + 1024, false, json -> writeTrace(json, tree));
  }

  /** The same document, sent as the answer of {@code response} while it is written. */
  static void stream(TraceTree tree, Context context, HttpServerResponse response) {
    StreamingJson.stream(context, response, false, json -> writeTrace(json, tree));
  }

  private static void writeTrace(JsonGenerator json, TraceTree tree) throws IOException {
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
    json.writeStartObject();
    json.writeStringField("traceId", tree.traceId().toHex());
    json.writeFieldName("summary");
    StreamingJson.writeValue(json, summary);
    json.writeNumberField("shownSpanCount", tree.shownSpanCount());
    json.writeFieldName(WARNINGS);
    writeStrings(json, tree.warnings());
    json.writeArrayFieldStart("resources");
    for (TraceTree.ResourceEntry entry : tree.resources()) {
      json.writeStartObject();
      json.writeStringField("service", entry.serviceName());
      json.writeFieldName("attributes");
      attributes(json, Attributes.of(entry.resource().getAttributesList()), 0);
      json.writeNumberField("droppedAttributesCount", entry.resource().getDroppedAttributesCount());
      json.writeStringField("schemaUrl", entry.schemaUrl());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("scopes");
    for (TraceTree.ScopeEntry entry : tree.scopes()) {
      InstrumentationScope scope = entry.scope();
      json.writeStartObject();
      json.writeStringField("name", scope.getName());
      json.writeStringField("version", scope.getVersion());
      json.writeFieldName("attributes");
      attributes(json, Attributes.of(scope.getAttributesList()), 0);
      json.writeNumberField("droppedAttributesCount", scope.getDroppedAttributesCount());
      json.writeStringField("schemaUrl", entry.schemaUrl());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("roots");
    // Depth-first with a stack of open nodes, not recursion: a deep tree must not exhaust the stack.
    List<TraceTree.Node> open = new ArrayList<>();
    List<Integer> nextChild = new ArrayList<>();
    for (TraceTree.Node root : tree.roots()) {
      openSpan(json, tree, root);
      open.add(root);
      nextChild.add(0);
      while (!open.isEmpty()) {
        int top = open.size() - 1;
        List<TraceTree.Node> children = open.get(top).children();
        int next = nextChild.get(top);
        if (next < children.size()) {
          nextChild.set(top, next + 1);
          TraceTree.Node child = children.get(next);
          openSpan(json, tree, child);
          open.add(child);
          nextChild.add(0);
        } else {
          json.writeEndArray(); // children
          json.writeEndObject();
          open.remove(top);
          nextChild.remove(top);
        }
      }
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  /**
   * Writes a node's fields up to and including the opening of its {@code children} array. What is
   * at its default (empty, zero, false, status UNSET without a message) is left out, as OTLP/JSON
   * does: in a big trace most spans have no events, links, trace state or dropped counts, and their
   * keys alone were a fifth of the answer.
   */
  private static void openSpan(JsonGenerator json, TraceTree tree, TraceTree.Node node) throws IOException {
    OtlpSpan span = node.span();
    json.writeStartObject();
    json.writeFieldName(SPAN_ID);
    json.writeString(span.spanId().toHex());
    json.writeFieldName(PARENT_SPAN_ID);
    if (span.isRoot()) {
      json.writeNull();
    } else {
      json.writeString(span.parentSpanId().get().toHex());
    }
    json.writeFieldName(SERVICE);
    json.writeString(tree.resources().get(node.resourceIndex()).serviceName());
    json.writeFieldName(NAME);
    json.writeString(span.name());
    json.writeFieldName(KIND);
    json.writeString(kind(span.kind()));
    json.writeFieldName(START_UNIX_NANO);
    json.writeString(Long.toString(span.startEpochNanos()));
    json.writeFieldName(DURATION_NANOS);
    json.writeNumber(span.durationNanos());
    json.writeFieldName(SELF_TIME_NANOS);
    json.writeNumber(node.selfTimeNanos());
    Status.StatusCode code = span.statusCode();
    if (code != Status.StatusCode.STATUS_CODE_UNSET || !span.statusMessage().isEmpty()) {
      json.writeFieldName(STATUS);
      json.writeStartObject();
      json.writeFieldName(CODE);
      json.writeString(statusCode(code));
      writeIfNotEmpty(json, MESSAGE, span.statusMessage());
      json.writeEndObject();
    }
    if (node.isError()) {
      json.writeFieldName(ERROR);
      json.writeBoolean(true);
    }
    writeIfNotEmpty(json, TRACE_STATE, span.traceState());
    writeIfNotZero(json, FLAGS, span.flags());
    attributesIfAny(json, span.attributes(), span.droppedAttributesCount());
    if (!span.events().isEmpty()) {
      json.writeFieldName(EVENTS);
      json.writeStartArray();
      for (OtlpSpan.Event event : span.events()) {
        json.writeStartObject();
        json.writeFieldName(NAME);
        json.writeString(event.name());
        json.writeFieldName(TIME_UNIX_NANO);
        json.writeString(Long.toString(event.timeUnixNano()));
        attributesIfAny(json, event.attributes(), event.droppedAttributesCount());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    writeIfNotZero(json, DROPPED_EVENTS_COUNT, span.droppedEventsCount());
    if (!span.links().isEmpty()) {
      json.writeFieldName(LINKS);
      json.writeStartArray();
      for (OtlpSpan.Link link : span.links()) {
        json.writeStartObject();
        json.writeFieldName(TRACE_ID);
        json.writeString(hex(link.traceId().toByteArray()));
        json.writeFieldName(SPAN_ID);
        json.writeString(hex(link.spanId().toByteArray()));
        writeIfNotEmpty(json, TRACE_STATE, link.traceState());
        writeIfNotZero(json, FLAGS, link.flags());
        attributesIfAny(json, link.attributes(), link.droppedAttributesCount());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    writeIfNotZero(json, DROPPED_LINKS_COUNT, span.droppedLinksCount());
    json.writeFieldName(RESOURCE);
    json.writeNumber(node.resourceIndex());
    json.writeFieldName(SCOPE);
    json.writeNumber(node.scopeIndex());
    if (!node.warnings().isEmpty()) {
      json.writeFieldName(WARNINGS);
      writeStrings(json, node.warnings());
    }
    writeIfNotZero(json, HIDDEN_CHILD_COUNT, node.hiddenChildCount());
    json.writeFieldName(CHILDREN);
    json.writeStartArray();
  }

  /** {@code attributes} and {@code droppedAttributesCount}, each left out when empty or zero. */
  private static void attributesIfAny(JsonGenerator json, Attributes attributes, int dropped)
      throws IOException {
    if (!attributes.isEmpty()) {
      json.writeFieldName(ATTRIBUTES);
      attributes(json, attributes, 0);
    }
    writeIfNotZero(json, DROPPED_ATTRIBUTES_COUNT, dropped);
  }

  private static void writeIfNotEmpty(JsonGenerator json, SerializedString name, String value) throws IOException {
    if (!value.isEmpty()) {
      json.writeFieldName(name);
      json.writeString(value);
    }
  }

  private static void writeIfNotZero(JsonGenerator json, SerializedString name, int value) throws IOException {
    if (value != 0) {
      json.writeFieldName(name);
      json.writeNumber(value);
    }
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

  /**
   * A search page: the traces, how many real traces they stand for, the query as run (defaults
   * filled in), and the next token.
   */
  static JsonObject page(List<TraceSummary> traces, SearchFilters filters, int limit, String next, List<String> warnings) {
    JsonArray items = new JsonArray();
    traces.forEach(t -> items.add(summary(t)));
    // Each kept trace stands for 1/p real ones; one stored without a decision stands for itself.
    double standsFor = 0;
    for (TraceSummary trace : traces) {
      standsFor += trace.samplingDecision().map(Sampling::adjustedCount).orElse(1.0);
    }
    JsonObject query =
        new JsonObject()
            .put("service", filters.service())
            .put("operation", filters.operation())
            .put("tags", new JsonObject(new TreeMap<>(filters.tags())))
            .put("minDuration", filters.minDuration() == null ? null : DurationSyntax.GO.format(filters.minDuration()))
            .put("maxDuration", filters.maxDuration() == null ? null : DurationSyntax.GO.format(filters.maxDuration()))
            .put("errors", filters.errorsOnly())
            .put("start", TimeFormat.format(TimeFormat.epochNanos(filters.start())))
            .put("end", TimeFormat.format(TimeFormat.epochNanos(filters.end())))
            .put("sort", SearchFilters.sortName(filters.order()))
            .put("limit", limit);
    return new JsonObject()
        .put("traces", items)
        .put("standsFor", standsFor)
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

  private static void putTime(JsonObject json, String name, long epochNanos) {
    json.put(name, TimeFormat.format(epochNanos)).put(name + "UnixNano", Long.toString(epochNanos));
  }

  private static void writeStrings(JsonGenerator json, List<String> values) throws IOException {
    json.writeStartArray();
    for (String value : values) {
      json.writeString(value);
    }
    json.writeEndArray();
  }

  /** {@code SPAN_KIND_SERVER} as {@code SERVER}; an unknown number as {@code UNSPECIFIED}. */
  static String kind(Span.SpanKind kind) {
    return switch (kind) {
      case SPAN_KIND_INTERNAL -> "INTERNAL";
      case SPAN_KIND_SERVER -> "SERVER";
      case SPAN_KIND_CLIENT -> "CLIENT";
      case SPAN_KIND_PRODUCER -> "PRODUCER";
      case SPAN_KIND_CONSUMER -> "CONSUMER";
      default -> "UNSPECIFIED";
    };
  }

  private static String statusCode(Status.StatusCode code) {
    return switch (code) {
      case STATUS_CODE_OK -> "OK";
      case STATUS_CODE_ERROR -> "ERROR";
      default -> "UNSET";
    };
  }

  /**
   * Attributes as an object; a repeated key keeps its first value, as OTLP readers do. {@code
   * depth} is the nesting depth of the values.
   */
  private static void attributes(JsonGenerator json, Attributes attributes, int depth) throws IOException {
    json.writeStartObject();
    int size = attributes.size();
    // A repeated key is rare. In a short list each key is compared with the earlier ones by hash
    // first, which costs a pass over the key (comparing the strings themselves took a sixth of a
    // big trace's writing); a long one is hashed into a set.
    Set<String> seen = size > 64 ? new HashSet<>(size * 2) : null;
    String[] keys = seen == null ? new String[size] : null;
    int[] hashes = seen == null ? new int[size] : null;
    for (int i = 0; i < size; i++) {
      String key = attributes.key(i);
      boolean repeated;
      if (seen != null) {
        repeated = !seen.add(key);
      } else {
        keys[i] = key;
        hashes[i] = key.hashCode();
        repeated = earlier(keys, hashes, i);
      }
      if (!repeated) {
        json.writeFieldName(key);
        value(json, attributes.value(i), depth);
      }
    }
    json.writeEndObject();
  }

  /** Whether key {@code index} is one of the keys before it. */
  private static boolean earlier(String[] keys, int[] hashes, int index) {
    for (int i = 0; i < index; i++) {
      if (hashes[i] == hashes[index] && keys[i].equals(keys[index])) {
        return true;
      }
    }
    return false;
  }

  private static void value(JsonGenerator json, Object value, int depth) throws IOException {
    if (value instanceof String text) {
      json.writeString(text);
    } else if (value instanceof Long number) {
      json.writeNumber(number);
    } else if (value instanceof Boolean bool) {
      json.writeBoolean(bool);
    } else if (value instanceof Double number) {
      double d = number;
      if (Double.isFinite(d)) {
        json.writeNumber(d);
      } else {
        json.writeString(Double.toString(d)); // NaN, Infinity: not JSON numbers
      }
    } else if (value instanceof ByteString bytes) {
      json.writeString(Base64.getEncoder().encodeToString(bytes.toByteArray()));
    } else if (value instanceof List<?> array) {
      if (depth >= MAX_VALUE_DEPTH) {
        json.writeString("[nested too deep]");
      } else {
        json.writeStartArray();
        for (Object element : array) {
          value(json, element, depth + 1);
        }
        json.writeEndArray();
      }
    } else if (value instanceof Attributes entries) {
      if (depth >= MAX_VALUE_DEPTH) {
        json.writeString("{nested too deep}");
      } else {
        attributes(json, entries, depth + 1);
      }
    } else {
      json.writeNull(); // Attributes.NO_VALUE
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
