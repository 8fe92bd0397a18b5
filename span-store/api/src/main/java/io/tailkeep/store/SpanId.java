package io.tailkeep.store;

import java.util.HexFormat;

/** An 8-byte OTLP span ID, never all zeros. */
public record SpanId(long value) {

  public SpanId {
    if (value == 0) {
      throw new IllegalArgumentException("spanId must not be all zeros");
    }
  }

  /** Reads the 8 bytes of an OTLP {@code span_id}; {@code field} names it in the error. */
  public static SpanId fromBytes(byte[] bytes, String field) {
    if (bytes == null || bytes.length != 8) {
      throw new IllegalArgumentException(
          field + " must be 8 bytes, got " + (bytes == null ? "none" : bytes.length));
    }
    long value = Bytes.readLong(bytes, 0);
    if (value == 0) {
      throw new IllegalArgumentException(field + " must not be all zeros");
    }
    return new SpanId(value);
  }

  public static SpanId fromBytes(byte[] bytes) {
    return fromBytes(bytes, "spanId");
  }

  public static SpanId fromHex(String hex) {
    if (hex == null || hex.length() != 16 || !Bytes.isHex(hex)) {
      throw new IllegalArgumentException(
          "spanId must be 16 hex characters, got '" + Bytes.abbreviate(hex) + "'");
    }
    return fromBytes(HexFormat.of().parseHex(hex), "spanId");
  }

  public byte[] toBytes() {
    byte[] bytes = new byte[8];
    Bytes.writeLong(bytes, 0, value);
    return bytes;
  }

  public String toHex() {
    return HexFormat.of().toHexDigits(value); // big-endian, as the bytes: no byte array in between
  }

  @Override
  public String toString() {
    return toHex();
  }
}
