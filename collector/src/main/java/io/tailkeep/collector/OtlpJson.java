package io.tailkeep.collector;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes OTLP/JSON: protobuf's JSON mapping (lowerCamelCase keys, 64-bit integers as strings, enums
 * as integers) except that trace and span IDs are hex, not base64. The protobuf library knows only
 * base64, so IDs are rewritten in the JSON tree on the way out. Used for responses, which are small;
 * requests are read by {@link OtlpJsonReader}.
 */
final class OtlpJson {

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace().printingEnumsAsInts();

  private static final HexFormat HEX = HexFormat.of();

  private OtlpJson() {}

  /** Writes any OTLP message as OTLP/JSON, with hex IDs. */
  static String print(MessageOrBuilder message) {
    try {
      JsonObject json = new JsonObject(PRINTER.print(message));
      rewriteIds(json);
      return json.encode();
    } catch (InvalidProtocolBufferException e) {
      // Only messages holding an Any of an unregistered type fail; OTLP has none.
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  /** The printer writes camelCase keys and base64 IDs; OTLP/JSON wants hex for these. */
  private static void rewriteIds(JsonObject request) {
    for (JsonObject resourceSpans : objects(request, "resourceSpans")) {
      for (JsonObject scopeSpans : objects(resourceSpans, "scopeSpans")) {
        for (JsonObject span : objects(scopeSpans, "spans")) {
          toHex(span, "traceId");
          toHex(span, "spanId");
          toHex(span, "parentSpanId");
          for (JsonObject link : objects(span, "links")) {
            toHex(link, "traceId");
            toHex(link, "spanId");
          }
        }
      }
    }
  }

  private static void toHex(JsonObject owner, String key) {
    if (owner.getValue(key) instanceof String base64) {
      owner.put(key, HEX.formatHex(Base64.getDecoder().decode(base64)));
    }
  }

  /** The objects of an array field; none when the field is absent (the printer omits empty ones). */
  private static List<JsonObject> objects(JsonObject owner, String key) {
    JsonArray array = owner.getJsonArray(key);
    if (array == null) {
      return List.of();
    }
    List<JsonObject> objects = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      objects.add(array.getJsonObject(i));
    }
    return objects;
  }
}
