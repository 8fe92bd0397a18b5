package io.tailkeep.store.cassandra;

import io.opentelemetry.proto.common.v1.AnyValue;
import java.util.Optional;
import java.util.Set;

/**
 * Which attribute values go into the tag index: allow-listed keys, scalar values, short ones (at
 * most {@code maxValueLength} characters and {@link IndexKeys#MAX_UTF8_BYTES} of UTF-8). A longer
 * value is stored with its span but not indexed, rather than cut: a cut value would match others.
 */
final class TagPolicy {
  private final Set<String> keys;
  private final int maxValueLength;

  TagPolicy(Set<String> keys, int maxValueLength) {
    this.keys = keys;
    this.maxValueLength = maxValueLength;
  }

  boolean indexes(String key) {
    return keys.contains(key);
  }

  Set<String> keys() {
    return keys;
  }

  int maxValueLength() {
    return maxValueLength;
  }

  /** Whether a value of an indexed key this long is indexed, and so can be searched for. */
  boolean indexesValue(String text) {
    return text.length() <= maxValueLength && IndexKeys.fits(text);
  }

  /** The value as search text, or empty when it is not indexed. */
  Optional<String> indexedValue(String key, AnyValue value) {
    if (!keys.contains(key)) {
      return Optional.empty();
    }
    String text =
        switch (value.getValueCase()) {
          case STRING_VALUE -> value.getStringValue();
          case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
          case INT_VALUE -> Long.toString(value.getIntValue());
          case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
          default -> null; // arrays, maps and bytes are stored, not indexed
        };
    return text == null || !indexesValue(text) ? Optional.empty() : Optional.of(text);
  }
}
