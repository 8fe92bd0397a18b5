package io.tailkeep.store;

/**
 * The check shared by the names of rules and sampler nodes. Cassandra clusters decisions and counts
 * by them, and a clustering value has a size limit, so they are bounded here, before any I/O.
 */
public final class SamplingNames {
  private SamplingNames() {}

  public static void check(String value, String field) {
    if (value == null) {
      throw new NullPointerException(field);
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    if (value.length() > StoredDecision.MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          field + " must be at most " + StoredDecision.MAX_NAME_LENGTH + " characters, got "
              + value.length() + ": '" + Bytes.abbreviate(value) + "'");
    }
  }
}
