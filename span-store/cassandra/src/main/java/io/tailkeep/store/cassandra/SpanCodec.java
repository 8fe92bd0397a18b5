package io.tailkeep.store.cassandra;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tailkeep.proto.store.v1.StoredSpan;
import io.tailkeep.store.OtlpSpan;
import java.nio.ByteBuffer;

/** OtlpSpan to and from the stored envelope; the OTLP messages go through untouched. */
final class SpanCodec {
  private SpanCodec() {}

  static byte[] encode(OtlpSpan span) {
    return StoredSpan.newBuilder()
        .setResource(span.resource())
        .setResourceSchemaUrl(span.resourceSchemaUrl())
        .setScope(span.scope())
        .setScopeSchemaUrl(span.scopeSchemaUrl())
        .setSpan(span.span())
        .build()
        .toByteArray();
  }

  static OtlpSpan decode(ByteBuffer bytes) {
    try {
      StoredSpan stored = StoredSpan.parseFrom(bytes.duplicate());
      return new OtlpSpan(
          stored.getResource(),
          stored.getResourceSchemaUrl(),
          stored.getScope(),
          stored.getScopeSchemaUrl(),
          stored.getSpan());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored span is not a valid StoredSpan envelope", e);
    }
  }

  /** A 64-bit FNV-1a of the encoded span: equal spans get equal digests, so retries overwrite. */
  static long digest(byte[] encoded) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : encoded) {
      hash ^= b & 0xFF;
      hash *= 0x100000001b3L;
    }
    return hash;
  }
}
