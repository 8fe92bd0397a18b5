package io.tailkeep.collector;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How OTLP/JSON requests were read before {@link OtlpJsonReader}: a Vert.x JSON tree, hex IDs
 * rewritten to base64 in it, the tree encoded again and parsed by protobuf's {@code JsonFormat}.
 * Kept unchanged as the reference the streaming reader is held to.
 */
final class JsonFormatReference {

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final HexFormat HEX = HexFormat.of();

  private JsonFormatReference() {}

  static ExportTraceServiceRequest parse(String json) throws InvalidProtocolBufferException {
    return parse(Buffer.buffer(json));
  }

  static ExportTraceServiceRequest parse(Buffer json) throws InvalidProtocolBufferException {
    JsonObject root;
    try {
      root = new JsonObject(json);
    } catch (DecodeException e) {
      throw new InvalidProtocolBufferException("body is not a JSON object: " + e.getMessage());
    }
    try {
      rewriteIds(root);
    } catch (IllegalArgumentException e) {
      throw new InvalidProtocolBufferException(e.getMessage());
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    PARSER.merge(root.encode(), request);
    return request.build();
  }

  private static void rewriteIds(JsonObject request) {
    String resourceKey = key(request, "resourceSpans", "resource_spans");
    JsonArray resources = arrayAt(request, resourceKey);
    for (int r = 0; r < resources.size(); r++) {
      JsonObject resource = objectAt(resources, r);
      String scopeKey = key(resource, "scopeSpans", "scope_spans");
      JsonArray scopes = arrayAt(resource, scopeKey);
      for (int s = 0; s < scopes.size(); s++) {
        JsonArray spans = arrayAt(objectAt(scopes, s), "spans");
        for (int i = 0; i < spans.size(); i++) {
          String spanPath =
              resourceKey + "[" + r + "]." + scopeKey + "[" + s + "].spans[" + i + "]";
          JsonObject span = objectAt(spans, i);
          rewriteId(span, "traceId", "trace_id", spanPath);
          rewriteId(span, "spanId", "span_id", spanPath);
          rewriteId(span, "parentSpanId", "parent_span_id", spanPath);
          JsonArray links = arrayAt(span, "links");
          for (int l = 0; l < links.size(); l++) {
            JsonObject link = objectAt(links, l);
            String linkPath = spanPath + ".links[" + l + "]";
            rewriteId(link, "traceId", "trace_id", linkPath);
            rewriteId(link, "spanId", "span_id", linkPath);
          }
        }
      }
    }
  }

  private static void rewriteId(JsonObject owner, String camelKey, String snakeKey, String path) {
    String key = key(owner, camelKey, snakeKey);
    if (owner.getValue(key) instanceof String id) {
      if (id.length() % 2 != 0 || !isHex(id)) {
        throw new IllegalArgumentException(
            path + "." + key + " must be a hex string (OTLP/JSON writes IDs in hex), got "
                + id.length() + " characters");
      }
      owner.put(key, Base64.getEncoder().encodeToString(HEX.parseHex(id)));
    }
  }

  private static String key(JsonObject object, String camelKey, String snakeKey) {
    return object.containsKey(camelKey) || !object.containsKey(snakeKey) ? camelKey : snakeKey;
  }

  private static JsonArray arrayAt(JsonObject object, String key) {
    return object.getValue(key) instanceof JsonArray array ? array : new JsonArray();
  }

  private static JsonObject objectAt(JsonArray array, int index) {
    return array.getValue(index) instanceof JsonObject object ? object : new JsonObject();
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }
}
