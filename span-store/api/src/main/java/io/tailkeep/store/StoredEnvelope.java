package io.tailkeep.store;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tailkeep.proto.store.v1.StoredSpan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The stored form of a span, {@code StoredSpan} in {@code stored_span.proto}: composed from the
 * exporter's resource, scope and span bytes by concatenation (its embedded messages are
 * wire-compatible with {@code bytes}), and decoded once when read.
 */
public final class StoredEnvelope {

  private static final int RESOURCE = 1;
  private static final int RESOURCE_SCHEMA_URL = 2;
  private static final int SCOPE = 3;
  private static final int SCOPE_SCHEMA_URL = 4;
  private static final int SPAN = 5;

  private StoredEnvelope() {}

  static byte[] prefix(byte[] resource, String resourceSchemaUrl, byte[] scope, String scopeSchemaUrl) {
    int size =
        CodedOutputStream.computeByteArraySize(RESOURCE, resource)
            + (resourceSchemaUrl.isEmpty() ? 0 : CodedOutputStream.computeStringSize(RESOURCE_SCHEMA_URL, resourceSchemaUrl))
            + CodedOutputStream.computeByteArraySize(SCOPE, scope)
            + (scopeSchemaUrl.isEmpty() ? 0 : CodedOutputStream.computeStringSize(SCOPE_SCHEMA_URL, scopeSchemaUrl));
    byte[] out = new byte[size];
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    try {
      coded.writeByteArray(RESOURCE, resource);
      if (!resourceSchemaUrl.isEmpty()) {
        coded.writeString(RESOURCE_SCHEMA_URL, resourceSchemaUrl);
      }
      coded.writeByteArray(SCOPE, scope);
      if (!scopeSchemaUrl.isEmpty()) {
        coded.writeString(SCOPE_SCHEMA_URL, scopeSchemaUrl);
      }
      coded.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The stored bytes of a span: its origin's prefix, then the span as the exporter sent it. */
  public static byte[] encode(WireSpan span) {
    byte[] prefix = span.origin().envelopePrefix();
    byte[] bytes = span.bytes();
    int header = 1 + CodedOutputStream.computeUInt32SizeNoTag(bytes.length);
    byte[] out = new byte[prefix.length + header + bytes.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    int pos = prefix.length;
    out[pos++] = (byte) (SPAN << 3 | 2);
    int length = bytes.length;
    while ((length & ~0x7F) != 0) {
      out[pos++] = (byte) ((length & 0x7F) | 0x80);
      length >>>= 7;
    }
    out[pos++] = (byte) length;
    System.arraycopy(bytes, 0, out, pos, bytes.length);
    return out;
  }

  /** Parses stored bytes back into the OTLP messages, every field as written (unknown ones too). */
  public static OtlpSpan decode(ByteBuffer stored) {
    try {
      StoredSpan parsed = StoredSpan.parseFrom(stored.duplicate());
      return new OtlpSpan(
          parsed.getResource(),
          parsed.getResourceSchemaUrl(),
          parsed.getScope(),
          parsed.getScopeSchemaUrl(),
          parsed.getSpan());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored span is not a valid StoredSpan envelope", e);
    }
  }
}
