package io.tailkeep.store.memory;

import io.opentelemetry.proto.common.v1.AnyValue;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Which attribute values are searchable as tags: allow-listed keys, scalar values, short ones. */
final class TagPolicy {
  private final Set<String> keys;
  private final int maxValueLength;

  TagPolicy(Set<String> keys, int maxValueLength) {
    this.keys = Set.copyOf(keys);
    this.maxValueLength = maxValueLength;
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
    return text == null || text.length() > maxValueLength ? Optional.empty() : Optional.of(text);
  }

  /**
   * Refuses a search on a key that is not indexed, or on a value too long to be, naming the key:
   * such a search could only ever find nothing.
   */
  void checkSearchable(Map<String, String> tags) {
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      if (!keys.contains(tag.getKey())) {
        throw new IllegalArgumentException(
            "tags: key '" + tag.getKey() + "' is not indexed; indexed keys are "
                + keys.stream().sorted().toList());
      }
      if (tag.getValue().length() > maxValueLength) {
        throw new IllegalArgumentException(
            "tags: value of '" + tag.getKey() + "' is longer than " + maxValueLength
                + " characters, the longest indexed");
      }
    }
  }
}
