package io.tailkeep.sampler.rules;

/** How a recorded attribute value reads as text and as a number. */
final class AttributeValues {

  private AttributeValues() {}

  static String textOf(Object value) {
    return String.valueOf(value);
  }

  /** The value as a number: ints and doubles, and text such as "503" that reads as one. */
  static Double numberOf(Object value) {
    if (value instanceof Long l) {
      return l.doubleValue();
    }
    if (value instanceof Double d) {
      return d;
    }
    if (value instanceof String s && !s.isEmpty() && s.length() < 40) {
      try {
        double parsed = Double.parseDouble(s.trim());
        return Double.isNaN(parsed) ? null : parsed;
      } catch (NumberFormatException notANumber) {
        return null;
      }
    }
    return null;
  }
}
