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
    if (!TraceId.isShortHex(value)) {
      throw invalid(parameter, value, "is not a trace ID: expected 1 to 32 hex digits");
    }
    if (value.chars().allMatch(c -> c == '0')) {
      throw invalid(parameter, value, "is not a trace ID: it is all zeros");
    }
    return TraceId.fromShortHex(value);
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
}
