package io.tailkeep.sampler.rules;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The distinct values one fact took across a trace's spans, up to a cap so that a trace with
 * thousands of differently named spans cannot grow its summary without bound. Values past the cap
 * are not recorded; conditions then see only the first {@link #MAX} of them.
 */
final class DistinctValues<T> {

  static final int MAX = 64;

  // An array scanned, not a set: typical traces have a handful of values, and a scan beats hashing
  // there. Not an ArrayList: a buffered trace holds several of these, and each object more is one
  // more for a young collection to copy.
  private Object[] values = new Object[2];
  private int size;
  private boolean overflowed;

  void add(T value) {
    for (int i = 0; i < size; i++) {
      if (Objects.equals(values[i], value)) {
        return;
      }
    }
    if (size >= MAX) {
      overflowed = true;
      return;
    }
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
  }

  @SuppressWarnings("unchecked")
  boolean anyMatch(Predicate<? super T> test) {
    for (int i = 0; i < size; i++) {
      if (test.test((T) values[i])) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  List<T> values() {
    return (List<T>) List.of(Arrays.copyOf(values, size));
  }

  boolean overflowed() {
    return overflowed;
  }
}
