package io.tailkeep.store.cassandra;

/**
 * Bounds the names that become index and summary keys: service names, span names and tag values.
 * Cassandra refuses a partition key over 64 KiB, so a span named with a whole SQL statement would be
 * refused, and retried forever by the sampler's store queue; and clustering and collection values
 * that large bloat every index partition and summary row that holds them. The stored span keeps the
 * full name; only its keys are cut, and a search cuts the names it asks for the same way.
 */
final class IndexKeys {
  /**
   * The longest key, in bytes of UTF-8: far above any real service or span name, far below
   * Cassandra's 64 KiB.
   */
  static final int MAX_UTF8_BYTES = 1024;

  private IndexKeys() {}

  /**
   * The longest prefix of {@code value} that takes at most {@link #MAX_UTF8_BYTES} in UTF-8, cut
   * between code points (never inside a surrogate pair); {@code value} itself when it fits.
   */
  static String bounded(String value) {
    if (value == null || value.length() <= MAX_UTF8_BYTES / 3) {
      return value; // no char takes more than 3 bytes (a surrogate pair takes 4 for its 2)
    }
    int bytes = 0;
    for (int i = 0; i < value.length(); ) {
      char c = value.charAt(i);
      int chars = 1;
      int size;
      if (c < 0x80) {
        size = 1;
      } else if (c < 0x800) {
        size = 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        size = 4;
        chars = 2;
      } else {
        size = 3; // a lone surrogate is counted as 3, more than it encodes to, so never cut late
      }
      if (bytes + size > MAX_UTF8_BYTES) {
        return value.substring(0, i);
      }
      bytes += size;
      i += chars;
    }
    return value;
  }

  /** Whether {@code value} is short enough to be a key as it is. */
  static boolean fits(String value) {
    return bounded(value).length() == value.length();
  }
}
