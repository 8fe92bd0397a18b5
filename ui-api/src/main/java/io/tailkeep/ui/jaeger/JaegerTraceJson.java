package io.tailkeep.ui.jaeger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.tailkeep.query.StreamingJson;
import io.tailkeep.store.Attributes;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Trace;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
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
 *
 * <p>Written with Jackson's streaming generator, span by span, into the answer's buffer.
 */
final class JaegerTraceJson {

  /** Integers beyond this lose precision in JavaScript; Jaeger writes them as strings. */
  static final long JS_MAX_SAFE_INTEGER = (1L << 53) - 1;

  private static final HexFormat HEX = HexFormat.of();
  private static final Base64.Encoder BASE64 = Base64.getEncoder();
  private static final Comparator<Tag> BY_KEY = Comparator.comparing(Tag::key);
  private static final Comparator<Tag> EVENT_FIRST_THEN_BY_KEY =
      Comparator.comparing((Tag tag) -> !tag.key().equals("event")).thenComparing(BY_KEY);
  private static final Tag ERROR_TRUE = new Tag("error", true);
  private static final Tag STATUS_OK = new Tag("otel.status_code", "OK");
  private static final Tag STATUS_ERROR = new Tag("otel.status_code", "ERROR");
  private static final Map<Span.SpanKind, Tag> KIND_TAGS = kindTags();
  /** A guess for the answer's first buffer: a span takes 400 to 1 000 bytes. */
  private static final int EXPECTED_BYTES_PER_SPAN = 700;

  // Per-span and per-tag names and tag types, quoted and encoded once: a 1 000-span trace writes
  // tens of thousands of them.
  private static final SerializedString TRACE_ID = new SerializedString("traceID");
  private static final SerializedString SPAN_ID = new SerializedString("spanID");
  private static final SerializedString FLAGS = new SerializedString("flags");
  private static final SerializedString OPERATION_NAME = new SerializedString("operationName");
  private static final SerializedString REFERENCES = new SerializedString("references");
  private static final SerializedString REF_TYPE = new SerializedString("refType");
  private static final SerializedString START_TIME = new SerializedString("startTime");
  private static final SerializedString DURATION = new SerializedString("duration");
  private static final SerializedString TAGS = new SerializedString("tags");
  private static final SerializedString LOGS = new SerializedString("logs");
  private static final SerializedString TIMESTAMP = new SerializedString("timestamp");
  private static final SerializedString FIELDS = new SerializedString("fields");
  private static final SerializedString PROCESS_ID = new SerializedString("processID");
  private static final SerializedString WARNINGS = new SerializedString("warnings");
  private static final SerializedString KEY = new SerializedString("key");
  private static final SerializedString TYPE = new SerializedString("type");
  private static final SerializedString VALUE = new SerializedString("value");
  private static final SerializedString STRING = new SerializedString("string");
  private static final SerializedString BOOL = new SerializedString("bool");
  private static final SerializedString INT64 = new SerializedString("int64");
  private static final SerializedString FLOAT64 = new SerializedString("float64");
  private static final SerializedString BINARY = new SerializedString("binary");

  /** A tag (or log field, or process tag) before it is written: its key and value ({@link Attributes}). */
  private record Tag(String key, Object value) {}

  /** A process: what Jaeger shows of a resource. */
  private record Process(String serviceName, List<Tag> tags) {}

  private JaegerTraceJson() {}

  /** One trace as a document of its own: {@code traceID}, {@code spans}, {@code processes}, {@code warnings}. */
  static Buffer trace(Trace trace) {
    return StreamingJson.write(
        (long) EXPECTED_BYTES_PER_SPAN * trace.spans().size() + 256, false, json -> write(json, trace));
  }

  /** Writes the trace as Jaeger's {@code Trace} object, where {@code json} expects a value. */
  static void write(JsonGenerator json, Trace trace) throws IOException {
    write(json, trace, List.of());
  }

  /** As above, with the trace's {@code warnings} (Jaeger's field; {@code null} when there are none). */
  static void write(JsonGenerator json, Trace trace, List<String> warnings) throws IOException {
    OtlpSpan[] spans = Trace.inStartOrder(trace.spans());
    // Resources that differ only where Jaeger cannot show it share one process, as in Jaeger: the
    // processes are told apart by their JSON. Spans decoded together share their resource object,
    // so only a resource object not met before has its process written out to be compared.
    Map<Resource, String> processOfSameResource = new IdentityHashMap<>();
    Map<String, String> processIdOfJson = new HashMap<>();
    List<Process> processes = new ArrayList<>();
    List<Tag> tags = new ArrayList<>(); // each span's, reused
    String traceId = trace.traceId().toHex();
    json.writeStartObject();
    json.writeStringField("traceID", traceId);
    json.writeArrayFieldStart("spans");
    for (OtlpSpan span : spans) {
      String processId = processOfSameResource.get(span.resource());
      if (processId == null) {
        Process process = process(span);
        processId =
            processIdOfJson.computeIfAbsent(
                processJson(process),
                text -> {
                  processes.add(process);
                  return "p" + processes.size();
                });
        processOfSameResource.put(span.resource(), processId);
      }
      span(json, span, traceId, processId, tags);
    }
    json.writeEndArray();
    json.writeObjectFieldStart("processes");
    for (int i = 0; i < processes.size(); i++) {
      json.writeFieldName("p" + (i + 1));
      process(json, processes.get(i));
    }
    json.writeEndObject();
    if (warnings.isEmpty()) {
      json.writeNullField("warnings");
    } else {
      json.writeArrayFieldStart("warnings");
      for (String warning : warnings) {
        json.writeString(warning);
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private static Process process(OtlpSpan span) {
    String serviceName = span.serviceName();
    List<Tag> tags = new ArrayList<>();
    Attributes attributes = Attributes.of(span.resource().getAttributesList());
    for (int i = 0; i < attributes.size(); i++) {
      boolean isTheServiceName =
          attributes.key(i).equals("service.name") && serviceName.equals(attributes.value(i));
      if (!isTheServiceName) {
        tags.add(new Tag(attributes.key(i), attributes.value(i)));
      }
    }
    tags.sort(BY_KEY);
    return new Process(serviceName, tags);
  }

  private static String processJson(Process process) {
    return StreamingJson.write(256, false, json -> process(json, process)).toString();
  }

  private static void process(JsonGenerator json, Process process) throws IOException {
    json.writeStartObject();
    json.writeStringField("serviceName", process.serviceName());
    json.writeFieldName("tags");
    tags(json, process.tags());
    json.writeEndObject();
  }

  private static void span(JsonGenerator json, OtlpSpan span, String traceId, String processId, List<Tag> tags)
      throws IOException {
    json.writeStartObject();
    json.writeFieldName(TRACE_ID);
    json.writeString(traceId);
    json.writeFieldName(SPAN_ID);
    json.writeString(span.spanId().toHex());
    // OTLP keeps the W3C trace flags in the low byte; Jaeger's bit 1 (sampled) is the same bit.
    int flags = span.flags() & 0xFF;
    if (flags != 0) {
      json.writeFieldName(FLAGS);
      json.writeNumber(flags);
    }
    json.writeFieldName(OPERATION_NAME);
    json.writeString(span.name());
    json.writeFieldName(REFERENCES);
    json.writeStartArray();
    if (!span.isRoot()) {
      reference(json, "CHILD_OF", traceId, span.parentSpanId().get().toHex());
    }
    for (OtlpSpan.Link link : span.links()) {
      reference(json, "FOLLOWS_FROM", hex(link.traceId()), hex(link.spanId()));
    }
    json.writeEndArray();
    json.writeFieldName(START_TIME);
    json.writeNumber(micros(span.startEpochNanos()));
    json.writeFieldName(DURATION);
    json.writeNumber(micros(span.durationNanos()));
    json.writeFieldName(TAGS);
    spanTags(span, tags);
    tags(json, tags);
    json.writeFieldName(LOGS);
    json.writeStartArray();
    for (OtlpSpan.Event event : span.events()) {
      json.writeStartObject();
      json.writeFieldName(TIMESTAMP);
      json.writeNumber(micros(event.timeUnixNano()));
      json.writeFieldName(FIELDS);
      tags(json, logFields(event));
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeFieldName(PROCESS_ID);
    json.writeString(processId);
    json.writeFieldName(WARNINGS);
    json.writeNull();
    json.writeEndObject();
  }

  private static void reference(JsonGenerator json, String type, String traceId, String spanId) throws IOException {
    json.writeStartObject();
    json.writeFieldName(REF_TYPE);
    json.writeString(type);
    json.writeFieldName(TRACE_ID);
    json.writeString(traceId);
    json.writeFieldName(SPAN_ID);
    json.writeString(spanId);
    json.writeEndObject();
  }

  /** The span's tags, sorted by key, into {@code tags}. */
  private static void spanTags(OtlpSpan span, List<Tag> tags) {
    InstrumentationScope scope = span.scope();
    boolean error = span.isError();
    tags.clear();
    if (!scope.getName().isEmpty()) {
      tags.add(new Tag("otel.scope.name", scope.getName()));
    }
    if (!scope.getVersion().isEmpty()) {
      tags.add(new Tag("otel.scope.version", scope.getVersion()));
    }
    Attributes attributes = span.attributes();
    for (int i = 0; i < attributes.size(); i++) {
      // An error sets error=true, overriding an attribute of that name.
      if (!(error && attributes.key(i).equals("error"))) {
        tags.add(new Tag(attributes.key(i), attributes.value(i)));
      }
    }
    Tag kind = KIND_TAGS.get(span.kind());
    if (kind != null) {
      tags.add(kind);
    }
    switch (span.statusCode()) {
      case STATUS_CODE_OK -> tags.add(STATUS_OK);
      case STATUS_CODE_ERROR -> tags.add(STATUS_ERROR);
      default -> {}
    }
    if (error) {
      tags.add(ERROR_TRUE);
    }
    if (!span.statusMessage().isEmpty()) {
      tags.add(new Tag("otel.status_description", span.statusMessage()));
    }
    if (!span.traceState().isEmpty()) {
      tags.add(new Tag("w3c.tracestate", span.traceState()));
    }
    addCount(tags, "otel.dropped_attributes_count", span.droppedAttributesCount());
    addCount(tags, "otel.dropped_events_count", span.droppedEventsCount());
    addCount(tags, "otel.dropped_links_count", span.droppedLinksCount());
    sortByKey(tags);
  }

  /**
   * A stable sort by key. Insertion sort: a span has a handful of tags, and for so few the general
   * sort's setup costs more than its comparisons (4 % of a 1 000-span trace's writing time).
   */
  private static void sortByKey(List<Tag> tags) {
    for (int i = 1; i < tags.size(); i++) {
      Tag tag = tags.get(i);
      int j = i - 1;
      while (j >= 0 && tags.get(j).key().compareTo(tag.key()) > 0) {
        tags.set(j + 1, tags.get(j));
        j--;
      }
      tags.set(j + 1, tag);
    }
  }

  private static List<Tag> logFields(OtlpSpan.Event event) {
    Attributes attributes = event.attributes();
    List<Tag> fields = new ArrayList<>(attributes.size() + 2);
    boolean eventAttribute = false;
    for (int i = 0; i < attributes.size(); i++) {
      fields.add(new Tag(attributes.key(i), attributes.value(i)));
      eventAttribute |= attributes.key(i).equals("event");
    }
    // An "event" attribute takes precedence over the event's name.
    if (!event.name().isEmpty() && !eventAttribute) {
      fields.add(new Tag("event", event.name()));
    }
    addCount(fields, "otel.dropped_attributes_count", event.droppedAttributesCount());
    fields.sort(EVENT_FIRST_THEN_BY_KEY);
    return fields;
  }

  /** The {@code span.kind} tag of each kind that has one, made once. */
  private static Map<Span.SpanKind, Tag> kindTags() {
    Map<Span.SpanKind, Tag> tags = new EnumMap<>(Span.SpanKind.class);
    for (Span.SpanKind kind : Span.SpanKind.values()) {
      if (!spanKind(kind).isEmpty()) {
        tags.put(kind, new Tag("span.kind", spanKind(kind)));
      }
    }
    return tags;
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

  private static void tags(JsonGenerator json, List<Tag> tags) throws IOException {
    json.writeStartArray();
    for (Tag tag : tags) {
      tag(json, tag.key(), tag.value());
    }
    json.writeEndArray();
  }

  /** A typed Jaeger tag ({@code key}, {@code type}, {@code value}) for an OTLP attribute. */
  private static void tag(JsonGenerator json, String key, Object value) throws IOException {
    json.writeStartObject();
    json.writeFieldName(KEY);
    json.writeString(key);
    json.writeFieldName(TYPE);
    if (value instanceof String text) {
      json.writeString(STRING);
      json.writeFieldName(VALUE);
      json.writeString(text);
    } else if (value instanceof Long number) {
      long v = number;
      json.writeString(INT64);
      json.writeFieldName(VALUE);
      if (v > JS_MAX_SAFE_INTEGER || v < -JS_MAX_SAFE_INTEGER) {
        json.writeString(Long.toString(v));
      } else {
        json.writeNumber(v);
      }
    } else if (value instanceof Boolean bool) {
      json.writeString(BOOL);
      json.writeFieldName(VALUE);
      json.writeBoolean(bool);
    } else if (value instanceof Double number) {
      json.writeString(FLOAT64);
      json.writeFieldName(VALUE);
      finiteOrText(json, number);
    } else if (value instanceof ByteString bytes) {
      json.writeString(BINARY);
      json.writeFieldName(VALUE);
      json.writeString(base64(bytes));
    } else if (value instanceof List<?> || value instanceof Attributes) {
      // Arrays and maps as JSON text, as the OpenTelemetry translator writes them.
      json.writeString(STRING);
      json.writeFieldName(VALUE);
      json.writeString(StreamingJson.write(64, false, raw -> raw(raw, value)).toString());
    } else {
      json.writeString(STRING);
      json.writeFieldName(VALUE);
      json.writeString("");
    }
    json.writeEndObject();
  }

  /**
   * The value as plain JSON, what OpenTelemetry's {@code AsRaw} gives; in a map, a repeated key
   * keeps its first place and its last value.
   */
  private static void raw(JsonGenerator json, Object value) throws IOException {
    if (value instanceof String text) {
      json.writeString(text);
    } else if (value instanceof Long number) {
      json.writeNumber(number);
    } else if (value instanceof Boolean bool) {
      json.writeBoolean(bool);
    } else if (value instanceof Double number) {
      finiteOrText(json, number);
    } else if (value instanceof ByteString bytes) {
      json.writeString(base64(bytes));
    } else if (value instanceof List<?> array) {
      json.writeStartArray();
      for (Object element : array) {
        raw(json, element);
      }
      json.writeEndArray();
    } else if (value instanceof Attributes map) {
      Map<String, Object> entries = new LinkedHashMap<>();
      for (int i = 0; i < map.size(); i++) {
        entries.put(map.key(i), map.value(i));
      }
      json.writeStartObject();
      for (Map.Entry<String, Object> entry : entries.entrySet()) {
        json.writeFieldName(entry.getKey());
        raw(json, entry.getValue());
      }
      json.writeEndObject();
    } else {
      json.writeNull();
    }
  }

  /** JSON has no NaN or infinity; those go as text, as large integers do. */
  private static void finiteOrText(JsonGenerator json, double value) throws IOException {
    if (Double.isFinite(value)) {
      json.writeNumber(value);
    } else {
      json.writeString(Double.toString(value));
    }
  }

  private static void addCount(List<Tag> tags, String key, int count) {
    if (count > 0) {
      tags.add(new Tag(key, (long) count));
    }
  }

  private static long micros(long nanos) {
    return nanos / 1_000;
  }

  private static String hex(ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }

  private static String base64(ByteString bytes) {
    return BASE64.encodeToString(bytes.toByteArray());
  }
}
