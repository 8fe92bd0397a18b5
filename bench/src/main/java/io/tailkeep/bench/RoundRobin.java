package io.tailkeep.bench;

import java.util.List;

/** A micro-benchmark's inputs, taken in turn so that no single one stays in the caches. */
final class RoundRobin<T> {

  private final List<T> items;
  private int next;

  RoundRobin(List<T> items) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException("a round needs at least one item");
    }
    this.items = List.copyOf(items);
  }

  T next() {
    T item = items.get(next);
    next = next + 1 == items.size() ? 0 : next + 1;
    return item;
  }

  /** Whether the next item is the first again: a round has just ended (or not yet begun). */
  boolean atStart() {
    return next == 0;
  }

  int size() {
    return items.size();
  }
}
