package io.tailkeep.ui.jaeger;

import io.opentelemetry.proto.trace.v1.Span;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.testing.TestSpans;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.List;

/**
 * A two-span trace whose child sets every OTLP field ({@link TestSpans#everyField}), and the Jaeger
 * JSON it must become, written out as Jaeger's own fixtures are ({@code model/json}): key for key,
 * type for type.
 */
final class EveryFieldTrace {

  final TraceId traceId;
  final SpanId rootId;
  final SpanId childId;
  final long rootStartNanos;
  final OtlpSpan root;
  final OtlpSpan child;

  EveryFieldTrace(TestSpans testSpans, long rootStartNanos) {
    this.traceId = testSpans.newTraceId();
    this.rootId = testSpans.newSpanId();
    this.childId = testSpans.newSpanId();
    this.rootStartNanos = rootStartNanos;
    this.root =
        testSpans.span(traceId, rootId, null, "frontend", "GET /", rootStartNanos, 5_000_000);
    this.child = testSpans.everyField(traceId, childId, rootId, rootStartNanos + 1_000_000);
  }

  List<OtlpSpan> spans() {
    return List.of(child, root);
  }

  /** What GET /api/traces/{id} holds in {@code data[0]}. */
  JsonObject expectedJaegerTrace() {
    Span.Link link = child.span().getLinks(0);
    String json =
        """
        {
          "traceID": "{TRACE}",
          "spans": [
            {
              "traceID": "{TRACE}",
              "spanID": "{ROOT}",
              "operationName": "GET /",
              "references": [],
              "startTime": {ROOT_START},
              "duration": 5000,
              "tags": [
                {"key": "otel.scope.name", "type": "string", "value": "io.tailkeep.test"},
                {"key": "otel.scope.version", "type": "string", "value": "1.0"},
                {"key": "span.kind", "type": "string", "value": "server"}
              ],
              "logs": [],
              "processID": "p1",
              "warnings": null
            },
            {
              "traceID": "{TRACE}",
              "spanID": "{CHILD}",
              "flags": 1,
              "operationName": "GET /everything",
              "references": [
                {"refType": "CHILD_OF", "traceID": "{TRACE}", "spanID": "{ROOT}"},
                {"refType": "FOLLOWS_FROM", "traceID": "{LINK_TRACE}", "spanID": "{LINK_SPAN}"}
              ],
              "startTime": {CHILD_START},
              "duration": 1234,
              "tags": [
                {"key": "array", "type": "string", "value": "[\\"a\\",-7,true]"},
                {"key": "bool", "type": "bool", "value": true},
                {"key": "bytes", "type": "binary", "value": "AAH/"},
                {"key": "double", "type": "float64", "value": -0.125},
                {"key": "empty", "type": "string", "value": ""},
                {"key": "error", "type": "bool", "value": true},
                {"key": "int", "type": "int64", "value": "-9223372036854775808"},
                {"key": "map", "type": "string", "value": "{\\"nested.key\\":\\"nested value\\",\\"nested.double\\":2.5}"},
                {"key": "otel.dropped_attributes_count", "type": "int64", "value": 3},
                {"key": "otel.dropped_events_count", "type": "int64", "value": 4},
                {"key": "otel.dropped_links_count", "type": "int64", "value": 5},
                {"key": "otel.scope.name", "type": "string", "value": "io.tailkeep.everything"},
                {"key": "otel.scope.version", "type": "string", "value": "9.9.9"},
                {"key": "otel.status_code", "type": "string", "value": "ERROR"},
                {"key": "otel.status_description", "type": "string", "value": "it failed"},
                {"key": "span.kind", "type": "string", "value": "client"},
                {"key": "string", "type": "string", "value": "värde ✓"},
                {"key": "w3c.tracestate", "type": "string", "value": "vendor=value,other=1"}
              ],
              "logs": [
                {
                  "timestamp": {EVENT_TIME},
                  "fields": [
                    {"key": "event", "type": "string", "value": "exception"},
                    {"key": "exception.message", "type": "string", "value": "boom"},
                    {"key": "otel.dropped_attributes_count", "type": "int64", "value": 1}
                  ]
                }
              ],
              "processID": "p2",
              "warnings": null
            }
          ],
          "processes": {
            "p1": {"serviceName": "frontend", "tags": []},
            "p2": {
              "serviceName": "everything-service",
              "tags": [
                {"key": "host.cores", "type": "int64", "value": 2},
                {"key": "labels", "type": "string", "value": "[\\"a\\",-7,true]"}
              ]
            }
          },
          "warnings": null
        }
        """
            .replace("{LINK_TRACE}", HexFormat.of().formatHex(link.getTraceId().toByteArray()))
            .replace("{LINK_SPAN}", HexFormat.of().formatHex(link.getSpanId().toByteArray()))
            .replace("{TRACE}", traceId.toHex())
            .replace("{ROOT_START}", Long.toString(rootStartNanos / 1000))
            .replace("{CHILD_START}", Long.toString((rootStartNanos + 1_000_000) / 1000))
            .replace("{EVENT_TIME}", Long.toString((rootStartNanos + 1_000_010) / 1000))
            .replace("{ROOT}", rootId.toHex())
            .replace("{CHILD}", childId.toHex());
    return new JsonObject(json);
  }
}
