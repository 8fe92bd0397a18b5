package io.tailkeep.store;

import java.util.HexFormat;

/** A 16-byte OTLP trace ID, never all zeros. */
public record TraceId(long high, long low) implements Comparable<TraceId> {

  public TraceId {
    if (high == 0 && low == 0) {
      throw new IllegalArgumentException("traceId must not be all zeros");
    }
  }

  /** Reads the 16 bytes of an OTLP {@code trace_id}; {@code field} names it in the error. */
  public static TraceId fromBytes(byte[] bytes, String field) {
    if (bytes == null || bytes.length != 16) {
      throw new IllegalArgumentException(
          field + " must be 16 bytes, got " + (bytes == null ? "none" : bytes.length));
    }
    return new TraceId(Bytes.readLong(bytes, 0), Bytes.readLong(bytes, 8));
  }

  public static TraceId fromBytes(byte[] bytes) {
    return fromBytes(bytes, "traceId");
  }

  /** Parses 32 hex characters (the form OTLP JSON, Jaeger and W3C traceparent use). */
  public static TraceId fromHex(String hex) {
    if (hex == null || hex.length() != 32 || !Bytes.isHex(hex)) {
      throw new IllegalArgumentException(
          "traceId must be 32 hex characters, got '" + Bytes.abbreviate(hex) + "'");
    }
    return fromBytes(HexFormat.of().parseHex(hex));
  }

  /**
   * Whether {@code hex} is a trace ID as people paste them: 1 to 32 hex digits (Jaeger and Zipkin
   * print 64-bit IDs as 16).
   */
  public static boolean isShortHex(String hex) {
    return hex != null && !hex.isEmpty() && hex.length() <= 32 && Bytes.isHex(hex);
  }

  /** Parses 1 to 32 hex digits, left-padded with zeros; see {@link #isShortHex}. */
  public static TraceId fromShortHex(String hex) {
    if (!isShortHex(hex)) {
      throw new IllegalArgumentException(
          "traceId must be 1 to 32 hex characters, got '" + Bytes.abbreviate(hex) + "'");
    }
    return fromHex("0".repeat(32 - hex.length()) + hex);
  }

  public byte[] toBytes() {
    byte[] bytes = new byte[16];
    Bytes.writeLong(bytes, 0, high);
    Bytes.writeLong(bytes, 8, low);
    return bytes;
  }

  public String toHex() {
    HexFormat hex = HexFormat.of();
    return hex.toHexDigits(high) + hex.toHexDigits(low);
  }

  @Override
  public int compareTo(TraceId other) {
    int c = Long.compareUnsigned(high, other.high);
    return c != 0 ? c : Long.compareUnsigned(low, other.low);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
