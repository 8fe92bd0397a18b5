package io.tailkeep.store.cassandra;

import io.tailkeep.store.wire.AttributeKeys;
import io.tailkeep.store.wire.SpanFieldReader;
import java.util.List;
import java.util.Set;

/** Which attribute values go into the tag index: allow-listed keys, scalar values, short ones. */
final class TagPolicy {
  private final Set<String> keys;
  private final int maxValueLength;
  private final SpanFieldReader reader;

  TagPolicy(Set<String> keys, int maxValueLength) {
    this.keys = keys;
    this.maxValueLength = maxValueLength;
    this.reader = new SpanFieldReader(new AttributeKeys(List.copyOf(keys), List.of()));
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

  /** Reads the allow-listed keys' values from span bytes. */
  SpanFieldReader reader() {
    return reader;
  }

  /**
   * A value {@link SpanFieldReader} read, as search text; null when it is not indexed (arrays,
   * maps and bytes are stored, not indexed; nor are values longer than the limit).
   */
  String indexedText(Object value) {
    String text =
        value instanceof String s ? s
        : value instanceof Boolean || value instanceof Long || value instanceof Double ? value.toString()
        : null;
    return text == null || text.length() > maxValueLength ? null : text;
  }
}
