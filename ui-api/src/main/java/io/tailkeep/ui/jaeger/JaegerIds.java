package io.tailkeep.ui.jaeger;

import io.tailkeep.store.TraceId;

/** Trace IDs as Jaeger's API takes them, and the messages for bad parameters. */
final class JaegerIds {

  private JaegerIds() {}

  /**
   * Parses a trace ID as Jaeger does: 1 to 32 hex digits, either case, shorter ones left-padded
   * with zeros (so a 64-bit ID written as 16 digits is found too). All zeros is not an ID.
   *
   * @param parameter named in the error
   * @throws IllegalArgumentException naming the parameter and the value
   */
  static TraceId traceId(String parameter, String value) {
    if (value == null || value.isEmpty() || value.length() > 32 || !isHex(value)) {
      throw invalid(parameter, value, "is not a trace ID: expected 1 to 32 hex digits");
    }
    String padded = "0".repeat(32 - value.length()) + value;
    long high = Long.parseUnsignedLong(padded, 0, 16, 16);
    long low = Long.parseUnsignedLong(padded, 16, 32, 16);
    if (high == 0 && low == 0) {
      throw invalid(parameter, value, "is not a trace ID: it is all zeros");
    }
    return new TraceId(high, low);
  }

  /** An error naming the parameter and (shortened) value; rendered as 400. */
  static IllegalArgumentException invalid(String parameter, String value, String problem) {
    return new IllegalArgumentException(
        "invalid parameter '" + parameter + "': '" + abbreviate(value) + "' " + problem);
  }

  /** Keeps messages short when the bad value is huge; user input is echoed, never a payload. */
  static String abbreviate(String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= 100 ? value : value.substring(0, 100) + "...";
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
}
