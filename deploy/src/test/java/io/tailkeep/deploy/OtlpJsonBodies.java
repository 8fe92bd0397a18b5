package io.tailkeep.deploy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** OTLP/JSON request bodies as an exporter sends them, for tests that post by hand. */
final class OtlpJsonBodies {

  private OtlpJsonBodies() {}

  /** Protobuf's JSON mapping with hex trace and span IDs, as OTLP/JSON specifies. */
  static byte[] of(ExportTraceServiceRequest request) {
    JsonObject json;
    try {
      json = new JsonObject(JsonFormat.printer().print(request));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("cannot print " + request, e);
    }
    for (JsonObject resourceSpans : objects(json, "resourceSpans")) {
      for (JsonObject scopeSpans : objects(resourceSpans, "scopeSpans")) {
        for (JsonObject span : objects(scopeSpans, "spans")) {
          hexIds(span);
          objects(span, "links").forEach(OtlpJsonBodies::hexIds);
        }
      }
    }
    return json.encode().getBytes(StandardCharsets.UTF_8);
  }

  private static List<JsonObject> objects(JsonObject owner, String key) {
    return owner.getJsonArray(key, new JsonArray()).stream().map(JsonObject.class::cast).toList();
  }

  private static void hexIds(JsonObject object) {
    for (String key : List.of("traceId", "spanId", "parentSpanId")) {
      String base64 = object.getString(key);
      if (base64 != null) {
        object.put(key, HexFormat.of().formatHex(Base64.getDecoder().decode(base64)));
      }
    }
  }
}
