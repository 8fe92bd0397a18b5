package io.tailkeep.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Distinct values in arrival order, small on the heap: a list scanned while short (a trace has a
 * handful of services and span names), indexed by a hash set only once it grows, so a trace with
 * thousands of names stays linear. A buffered trace holds one (its services) for its whole wait.
 */
final class DistinctList<T> {

  private static final int SCAN_LIMIT = 16;

  private final List<T> values = new ArrayList<>(4);
  private Set<T> index;

  /** Adds the value unless present; returns whether it was added. */
  boolean add(T value) {
    if (index != null) {
      if (!index.add(value)) {
        return false;
      }
    } else if (values.contains(value)) {
      return false;
    } else if (values.size() == SCAN_LIMIT) {
      index = new HashSet<>(values);
      index.add(value);
    }
    values.add(value);
    return true;
  }

  int size() {
    return values.size();
  }

  List<T> view() {
    return Collections.unmodifiableList(values);
  }
}
