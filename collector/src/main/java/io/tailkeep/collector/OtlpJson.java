package io.tailkeep.collector;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.UnaryOperator;

/**
 * The OTLP/JSON encoding: protobuf's JSON mapping (lowerCamelCase keys, 64-bit integers as strings,
 * enums as integers, unknown fields ignored) except that trace and span IDs are hex, not base64. The
 * protobuf library knows only base64, so IDs are rewritten in the JSON tree on the way in and out.
 */
final class OtlpJson {

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace().printingEnumsAsInts();

  private static final HexFormat HEX = HexFormat.of();

  private OtlpJson() {}

  /** Parses an OTLP/JSON export request; the exception's message names what is wrong. */
  static ExportTraceServiceRequest parseTraceRequest(Buffer json)
      throws InvalidProtocolBufferException {
    JsonObject root;
    try {
      root = new JsonObject(json);
    } catch (DecodeException e) {
      throw new InvalidProtocolBufferException("body is not a JSON object: " + e.getMessage());
    }
    try {
      rewriteIds(root, OtlpJson::hexToBase64);
    } catch (IllegalArgumentException e) {
      throw new InvalidProtocolBufferException(e.getMessage());
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    PARSER.merge(root.encode(), request);
    return request.build();
  }

  /** Writes any OTLP message as OTLP/JSON, with hex IDs. */
  static String print(MessageOrBuilder message) {
    try {
      JsonObject json = new JsonObject(PRINTER.print(message));
      rewriteIds(json, OtlpJson::base64ToHex);
      return json.encode();
    } catch (InvalidProtocolBufferException e) {
      // Only messages holding an Any of an unregistered type fail; OTLP has none.
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  /** Applies {@code convert} to every span's and link's IDs; messages name the offending field. */
  private static void rewriteIds(JsonObject request, UnaryOperator<String> convert) {
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
          rewriteId(span, "traceId", "trace_id", convert, spanPath);
          rewriteId(span, "spanId", "span_id", convert, spanPath);
          rewriteId(span, "parentSpanId", "parent_span_id", convert, spanPath);
          JsonArray links = arrayAt(span, "links");
          for (int l = 0; l < links.size(); l++) {
            JsonObject link = objectAt(links, l);
            String linkPath = spanPath + ".links[" + l + "]";
            rewriteId(link, "traceId", "trace_id", convert, linkPath);
            rewriteId(link, "spanId", "span_id", convert, linkPath);
          }
        }
      }
    }
  }

  private static void rewriteId(
      JsonObject owner,
      String camelKey,
      String snakeKey,
      UnaryOperator<String> convert,
      String path) {
    String key = key(owner, camelKey, snakeKey);
    // Anything but a string is left for the protobuf parser to refuse with its own message.
    if (owner.getValue(key) instanceof String id) {
      try {
        owner.put(key, convert.apply(id));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(path + "." + key + " " + e.getMessage(), e);
      }
    }
  }

  /** Receivers accept both spellings the protobuf JSON mapping allows; OTLP senders use camelCase. */
  private static String key(JsonObject object, String camelKey, String snakeKey) {
    return object.containsKey(camelKey) || !object.containsKey(snakeKey) ? camelKey : snakeKey;
  }

  // A wrong shape is skipped here, not reported: the protobuf parser then names it precisely.
  private static JsonArray arrayAt(JsonObject object, String key) {
    return object.getValue(key) instanceof JsonArray array ? array : new JsonArray();
  }

  private static JsonObject objectAt(JsonArray array, int index) {
    return array.getValue(index) instanceof JsonObject object ? object : new JsonObject();
  }

  private static String hexToBase64(String hex) {
    if (hex.length() % 2 != 0 || !isHex(hex)) {
      throw new IllegalArgumentException(
          "must be a hex string (OTLP/JSON writes IDs in hex), got " + hex.length() + " characters");
    }
    return Base64.getEncoder().encodeToString(HEX.parseHex(hex));
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

  private static String base64ToHex(String base64) {
    return HEX.formatHex(Base64.getDecoder().decode(base64));
  }
}
