package io.tailkeep.sampler.rules;

import java.util.List;
import java.util.Set;

/** The attribute keys and key prefixes a trace summary records values for. */
record TrackedKeys(Set<String> keys, List<String> prefixes) {

  TrackedKeys {
    keys = Set.copyOf(keys);
    prefixes = List.copyOf(prefixes);
  }

  boolean isEmpty() {
    return keys.isEmpty() && prefixes.isEmpty();
  }
}
