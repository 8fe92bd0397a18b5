package io.tailkeep.sampler.rules;

import io.tailkeep.sampler.traffic.ServiceGraph;
import io.tailkeep.store.wire.AttributeKeys;
import io.tailkeep.store.wire.SpanFieldReader;
import java.util.List;
import java.util.Set;

/**
 * The attribute keys and key prefixes a trace summary records values for, with the reader that
 * picks exactly those out of span bytes. One per rule set, shared by its summaries.
 */
final class TrackedKeys {

  private final AttributeKeys keys;
  private final SpanFieldReader reader;

  TrackedKeys(Set<String> keys, List<String> prefixes) {
    this.keys = new AttributeKeys(List.copyOf(keys), prefixes);
    // The buffer notes the service graph's calls from these fields too: their peers come with them.
    this.reader = new SpanFieldReader(this.keys, ServiceGraph.PEER_KEYS);
  }

  Set<String> keys() {
    return Set.copyOf(keys.keys());
  }

  List<String> prefixes() {
    return keys.prefixes();
  }

  boolean isEmpty() {
    return keys.isEmpty();
  }

  AttributeKeys attributeKeys() {
    return keys;
  }

  SpanFieldReader reader() {
    return reader;
  }

  /** The number {@link AttributeKeys} reports for this key or prefix; -1 when it is not tracked. */
  int numberOf(AttributeSelector selector) {
    int index = selector.isPrefix() ? keys.prefixes().indexOf(selector.text()) : keys.keys().indexOf(selector.text());
    if (index < 0) {
      return -1;
    }
    return selector.isPrefix() ? keys.keys().size() + index : index;
  }
}
