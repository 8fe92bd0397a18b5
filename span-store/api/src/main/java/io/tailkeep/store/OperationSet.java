package io.tailkeep.store;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.BatchSummary.ServiceOperation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Distinct (service, name, kind) operations in arrival order, in flat arrays: no object per
 * operation. A buffered trace holds one for its whole wait, and with an object and a hash-set
 * entry per operation a young collection copied about two objects per buffered span. Scanned
 * while short; indexed by an open-addressed table of positions once it grows, so a trace with
 * thousands of operations stays linear.
 *
 * <p>Not thread-safe.
 */
final class OperationSet {

  /** Heap per operation: two references, its kind, its table slots and the arrays' spare room. */
  static final int ENTRY_BYTES = 24;
  private static final int SCAN_LIMIT = 16;

  private String[] services = new String[4];
  private String[] names = new String[4];
  private byte[] kinds = new byte[4];
  private int size;
  /** Positions + 1 by hash (0: empty), made past {@link #SCAN_LIMIT} entries; half full at most. */
  private int[] table;

  /** Adds the operation unless present; returns whether it was added. */
  boolean add(String service, String name, int kind) {
    int hash = hash(service, name, kind);
    if (table == null) {
      for (int i = 0; i < size; i++) {
        if (matches(i, service, name, kind)) {
          return false;
        }
      }
    } else {
      int mask = table.length - 1;
      for (int slot = hash & mask; table[slot] != 0; slot = (slot + 1) & mask) {
        if (matches(table[slot] - 1, service, name, kind)) {
          return false;
        }
      }
    }
    if (size == services.length) {
      services = Arrays.copyOf(services, size * 2);
      names = Arrays.copyOf(names, size * 2);
      kinds = Arrays.copyOf(kinds, size * 2);
    }
    services[size] = service;
    names[size] = name;
    kinds[size] = (byte) kind;
    size++;
    if (table != null && size * 2 <= table.length) {
      place(size - 1, hash);
    } else if (size > SCAN_LIMIT) {
      rebuildTable();
    }
    return true;
  }

  int size() {
    return size;
  }

  /** The operations in arrival order, as records made on each call (stores read them once). */
  List<ServiceOperation> toList() {
    List<ServiceOperation> operations = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      SpanKind kind = SpanKind.forNumber(kinds[i]);
      operations.add(new ServiceOperation(
          services[i], names[i], kind == null ? SpanKind.SPAN_KIND_UNSPECIFIED : kind));
    }
    return Collections.unmodifiableList(operations);
  }

  private boolean matches(int i, String service, String name, int kind) {
    return kinds[i] == (byte) kind && services[i].equals(service) && names[i].equals(name);
  }

  private void rebuildTable() {
    table = new int[Integer.highestOneBit(size * 4)];
    for (int i = 0; i < size; i++) {
      place(i, hash(services[i], names[i], kinds[i]));
    }
  }

  private void place(int position, int hash) {
    int mask = table.length - 1;
    int slot = hash & mask;
    while (table[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    table[slot] = position + 1;
  }

  private static int hash(String service, String name, int kind) {
    int h = (service.hashCode() * 31 + name.hashCode()) * 31 + (byte) kind;
    return h ^ (h >>> 16);
  }
}
