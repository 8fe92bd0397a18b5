package io.tailkeep.query;

/**
 * A request parameter that cannot be used: rendered as a 400 naming the parameter and the value.
 * Carries no stack trace; it is an answer to the caller, not a fault.
 */
final class InvalidParameterException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_VALUE_LENGTH = 256;

  private final String parameter;
  private final String value;

  InvalidParameterException(String parameter, String value, String message) {
    super(message, null, false, false);
    this.parameter = parameter;
    this.value = value;
  }

  String parameter() {
    return parameter;
  }

  /** The value as given, shortened so a huge input does not come back whole. */
  String value() {
    return abbreviate(value);
  }

  static String abbreviate(String s) {
    if (s == null) {
      return null;
    }
    return s.length() <= MAX_VALUE_LENGTH ? s : s.substring(0, MAX_VALUE_LENGTH) + "...";
  }
}
