package io.tailkeep.collector;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tailkeep.store.wire.ExportRequestScanner.ScannedRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The benchmark's way into the collector's package-private OTLP/JSON code (this class sits in the
 * collector's package, in the bench module only), and the JsonFormat path that the streaming
 * reader replaced, as it was, to measure against. Not a product API.
 */
public final class OtlpJsonPaths {

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final HexFormat HEX = HexFormat.of();
  private static final int NO_LIMIT = Integer.MAX_VALUE;

  private OtlpJsonPaths() {}

  /** OTLP/JSON as the collector writes it (hex IDs, integer enums, string 64-bit integers). */
  public static String print(MessageOrBuilder message) {
    return OtlpJson.print(message);
  }

  /** The streaming reader: OTLP/JSON to protobuf bytes. */
  public static byte[] streamingBytes(byte[] json) throws InvalidProtocolBufferException {
    return OtlpJsonReader.toProtobuf(json, 0, json.length);
  }

  /** What the HTTP receiver does with a JSON body now: the streaming reader, then the wire-level one. */
  public static ScannedRequest receiverRead(byte[] json) {
    return new ExportRequestReader(NO_LIMIT).read("application/json", null, Buffer.buffer(json));
  }

  /**
   * The path before: a Vert.x tree, hex IDs rewritten to base64 in it, the tree encoded again and
   * parsed by JsonFormat. (IDs are assumed well-formed hex here; the benchmark's are.)
   */
  public static ExportTraceServiceRequest jsonFormatRead(byte[] json)
      throws InvalidProtocolBufferException {
    JsonObject root = new JsonObject(Buffer.buffer(json));
    for (Object resourceSpans : array(root, "resourceSpans")) {
      for (Object scopeSpans : array((JsonObject) resourceSpans, "scopeSpans")) {
        for (Object span : array((JsonObject) scopeSpans, "spans")) {
          JsonObject spanObject = (JsonObject) span;
          toBase64(spanObject, "traceId");
          toBase64(spanObject, "spanId");
          toBase64(spanObject, "parentSpanId");
          for (Object link : array(spanObject, "links")) {
            toBase64((JsonObject) link, "traceId");
            toBase64((JsonObject) link, "spanId");
          }
        }
      }
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    PARSER.merge(root.encode(), request);
    return request.build();
  }

  private static JsonArray array(JsonObject owner, String key) {
    JsonArray array = owner.getJsonArray(key);
    return array == null ? new JsonArray() : array;
  }

  private static void toBase64(JsonObject owner, String key) {
    if (owner.getValue(key) instanceof String hex) {
      owner.put(key, Base64.getEncoder().encodeToString(HEX.parseHex(hex)));
    }
  }
}
