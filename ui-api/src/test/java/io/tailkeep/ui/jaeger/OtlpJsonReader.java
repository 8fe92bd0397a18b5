package io.tailkeep.ui.jaeger;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.tailkeep.store.OtlpSpan;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** Reads OTLP/JSON back as a client would: hex IDs to protobuf's base64, then protobuf's parser. */
final class OtlpJsonReader {

  private OtlpJsonReader() {}

  static TracesData parse(String json) {
    JsonObject root = new JsonObject(json);
    for (Object resourceSpans : array(root, "resourceSpans")) {
      for (Object scopeSpans : array((JsonObject) resourceSpans, "scopeSpans")) {
        for (Object span : array((JsonObject) scopeSpans, "spans")) {
          JsonObject s = (JsonObject) span;
          hexToBase64(s, "traceId");
          hexToBase64(s, "spanId");
          hexToBase64(s, "parentSpanId");
          for (Object link : array(s, "links")) {
            hexToBase64((JsonObject) link, "traceId");
            hexToBase64((JsonObject) link, "spanId");
          }
        }
      }
    }
    TracesData.Builder data = TracesData.newBuilder();
    try {
      JsonFormat.parser().merge(root.encode(), data);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not OTLP/JSON: " + e.getMessage(), e);
    }
    return data.build();
  }

  /** Every span with its resource and scope, as the store holds them. */
  static List<OtlpSpan> spans(TracesData data) {
    List<OtlpSpan> spans = new ArrayList<>();
    for (ResourceSpans resourceSpans : data.getResourceSpansList()) {
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          spans.add(
              new OtlpSpan(
                  resourceSpans.getResource(),
                  resourceSpans.getSchemaUrl(),
                  scopeSpans.getScope(),
                  scopeSpans.getSchemaUrl(),
                  span));
        }
      }
    }
    return spans;
  }

  private static JsonArray array(JsonObject object, String key) {
    JsonArray array = object.getJsonArray(key);
    return array == null ? new JsonArray() : array;
  }

  private static void hexToBase64(JsonObject object, String key) {
    String hex = object.getString(key);
    if (hex != null) {
      object.put(key, Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex)));
    }
  }
}
