package io.tailkeep.sampler.rules;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values of the tracked attribute keys seen on some spans (span and resource attributes alike).
 * A key that was seen has an entry even when its value is empty, so {@code exists} can answer.
 *
 * <p>Values are kept as {@code String}, {@code Long}, {@code Double} or {@code Boolean}; the
 * elements of an array attribute are recorded one by one; bytes as base64 (as OTLP JSON writes
 * them); a key-value list only counts as present.
 */
final class CollectedAttributes {

  private final Map<String, DistinctValues<Object>> byKey = new HashMap<>(4);
  private final Map<String, DistinctValues<Object>> byPrefix = new HashMap<>(2);

  void collect(List<KeyValue> attributes, TrackedKeys tracked) {
    for (KeyValue attribute : attributes) {
      String key = attribute.getKey();
      if (tracked.keys().contains(key)) {
        addValue(byKey.computeIfAbsent(key, k -> new DistinctValues<>()), attribute.getValue());
      }
      for (String prefix : tracked.prefixes()) {
        if (key.startsWith(prefix)) {
          addValue(
              byPrefix.computeIfAbsent(prefix, p -> new DistinctValues<>()), attribute.getValue());
        }
      }
    }
  }

  /** The values recorded for this key or prefix, or null when no span had it. */
  DistinctValues<Object> values(AttributeSelector selector) {
    return selector.isPrefix() ? byPrefix.get(selector.text()) : byKey.get(selector.text());
  }

  Set<String> keysHeld() {
    return Set.copyOf(byKey.keySet());
  }

  Set<String> prefixesHeld() {
    return Set.copyOf(byPrefix.keySet());
  }

  private static void addValue(DistinctValues<Object> into, AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE -> into.add(value.getStringValue());
      case INT_VALUE -> into.add(value.getIntValue());
      case DOUBLE_VALUE -> into.add(value.getDoubleValue());
      case BOOL_VALUE -> into.add(value.getBoolValue());
      case BYTES_VALUE ->
          into.add(Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        for (AnyValue element : value.getArrayValue().getValuesList()) {
          addValue(into, element);
        }
      }
      default -> {
        // A key-value list or an empty value: present, with nothing to compare.
      }
    }
  }
}
