package io.tailkeep.sampler.rules;

import io.tailkeep.store.wire.AttributeVisitor;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

/**
 * The values of the tracked attribute keys seen on some spans (span and resource attributes alike),
 * by the number {@link io.tailkeep.store.wire.AttributeKeys} gives each key and prefix. A key that
 * was seen has an entry even when its value is empty, so {@code exists} can answer.
 *
 * <p>Values are kept as {@code String}, {@code Long}, {@code Double} or {@code Boolean}; the
 * elements of an array attribute are recorded one by one; bytes as base64 (as OTLP JSON writes
 * them); a key-value list only counts as present.
 */
final class CollectedAttributes implements AttributeVisitor {

  private final TrackedKeys tracked;
  private DistinctValues<Object>[] byNumber;

  CollectedAttributes(TrackedKeys tracked) {
    this.tracked = tracked;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void attribute(int key, Object value, boolean inArray) {
    if (byNumber == null) {
      byNumber = new DistinctValues[tracked.attributeKeys().size()];
    }
    DistinctValues<Object> values = byNumber[key];
    if (values == null) {
      values = new DistinctValues<>();
      byNumber[key] = values;
    }
    if (value instanceof byte[] bytes) {
      values.add(Base64.getEncoder().encodeToString(bytes));
    } else if (value != null) {
      values.add(value);
    }
  }

  /** The values recorded for this key or prefix, or null when no span had it. */
  DistinctValues<Object> values(AttributeSelector selector) {
    int number = tracked.numberOf(selector);
    return number < 0 || byNumber == null ? null : byNumber[number];
  }

  Set<String> keysHeld() {
    return held(false);
  }

  Set<String> prefixesHeld() {
    return held(true);
  }

  private Set<String> held(boolean prefixes) {
    Set<String> held = new HashSet<>();
    if (byNumber != null) {
      for (int i = 0; i < byNumber.length; i++) {
        if (byNumber[i] != null && tracked.attributeKeys().isPrefix(i) == prefixes) {
          held.add(tracked.attributeKeys().text(i));
        }
      }
    }
    return Set.copyOf(held);
  }
}
