package io.tailkeep.collector;

import com.google.protobuf.Message;
import io.vertx.core.buffer.Buffer;
import java.util.Locale;

/** The two OTLP/HTTP encodings; a response uses the one its request came in. */
enum OtlpMediaType {
  PROTOBUF("application/x-protobuf"),
  JSON("application/json");

  private final String contentType;

  OtlpMediaType(String contentType) {
    this.contentType = contentType;
  }

  String contentType() {
    return contentType;
  }

  /** The encoding a {@code Content-Type} header names (parameters ignored), or null if neither. */
  static OtlpMediaType fromContentType(String header) {
    if (header == null) {
      return null;
    }
    int semicolon = header.indexOf(';');
    String mediaType =
        (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    return switch (mediaType) {
      // application/protobuf is the registered name; some senders use it.
      case "application/x-protobuf", "application/protobuf" -> PROTOBUF;
      case "application/json" -> JSON;
      default -> null;
    };
  }

  Buffer encode(Message message) {
    return this == PROTOBUF
        ? Buffer.buffer(message.toByteArray())
        : Buffer.buffer(OtlpJson.print(message));
  }
}
