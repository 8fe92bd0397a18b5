package io.tailkeep.sampler.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The distinct values one fact took across a trace's spans, up to a cap so that a trace with
 * thousands of differently named spans cannot grow its summary without bound. Values past the cap
 * are not recorded; conditions then see only the first {@link #MAX} of them.
 */
final class DistinctValues<T> {

  static final int MAX = 64;

  // A list, not a set: typical traces have a handful of values, and a scan beats hashing there.
  private final List<T> values = new ArrayList<>(2);
  private boolean overflowed;

  void add(T value) {
    if (values.contains(value)) {
      return;
    }
    if (values.size() >= MAX) {
      overflowed = true;
      return;
    }
    values.add(value);
  }

  boolean anyMatch(Predicate<? super T> test) {
    for (T value : values) {
      if (test.test(value)) {
        return true;
      }
    }
    return false;
  }

  List<T> values() {
    return List.copyOf(values);
  }

  boolean overflowed() {
    return overflowed;
  }
}
