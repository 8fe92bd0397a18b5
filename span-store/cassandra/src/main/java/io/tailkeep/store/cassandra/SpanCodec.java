package io.tailkeep.store.cassandra;

/** The digest that tells apart two stored versions of one span ID. */
final class SpanCodec {
  private SpanCodec() {}

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
