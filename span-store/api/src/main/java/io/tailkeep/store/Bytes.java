package io.tailkeep.store;

/** Big-endian longs in byte arrays, as OTLP lays out IDs. */
final class Bytes {
  private Bytes() {}

  static long readLong(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[offset + i] & 0xFF);
    }
    return value;
  }

  static void writeLong(byte[] bytes, int offset, long value) {
    for (int i = 7; i >= 0; i--) {
      bytes[offset + i] = (byte) value;
      value >>>= 8;
    }
  }

  /** ASCII hex digits only: Character.digit also takes Unicode digits, which HexFormat refuses. */
  static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }

  /** Keeps error messages short when the bad value is huge. */
  static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
