package io.tailkeep.sampler.rules;

/**
 * A value written in the rules file for equals, not_equals or in. A number matches an attribute
 * with the same numeric value (int, double, or text that reads as a number); a boolean matches a
 * boolean attribute; and any value matches an attribute whose text form is the same text, so
 * {@code equals: "500"} and {@code equals: 500} both match an int attribute 500.
 */
record ExpectedValue(String text, Double number, Boolean bool) {

  boolean matches(Object actual) {
    if (number != null) {
      Double actualNumber = AttributeValues.numberOf(actual);
      if (actualNumber != null && actualNumber.doubleValue() == number.doubleValue()) {
        return true;
      }
    }
    if (bool != null && actual instanceof Boolean actualBool) {
      return actualBool.equals(bool);
    }
    return AttributeValues.textOf(actual).equals(text);
  }
}
