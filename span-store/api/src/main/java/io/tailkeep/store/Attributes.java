package io.tailkeep.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.tailkeep.store.wire.ProtoCursor;
import java.util.Arrays;
import java.util.List;

/**
 * OTLP attributes (a list of {@code KeyValue}) as the read views use them: keys and values in
 * arrays, in the order sent, a repeated key kept as sent. Decoded from the span's bytes without
 * protobuf messages ({@link SpanMessage}): a 1 000-span trace has tens of thousands of attributes,
 * and building a {@code KeyValue} and an {@code AnyValue} through their builders for each was most
 * of its decoding time.
 *
 * <p>A value is one of: {@link String}, {@link Boolean}, {@link Long} (int), {@link Double},
 * {@link com.google.protobuf.ByteString} (bytes), an unmodifiable {@link List} of values (array),
 * {@link Attributes} (kvlist), or {@link #NO_VALUE} for an {@code AnyValue} with none set.
 */
public final class Attributes {

  public static final Attributes EMPTY = new Attributes(new String[0], new Object[0], 0);

  /** The value of an {@code AnyValue} that has none of its fields set. */
  public static final Object NO_VALUE =
      new Object() {
        @Override
        public String toString() {
          return "(no value)";
        }
      };

  private final String[] keys;
  private final Object[] values;
  private final int size;

  Attributes(String[] keys, Object[] values, int size) {
    this.keys = keys;
    this.values = values;
    this.size = size;
  }

  /** Protobuf's attribute messages in this form (resources and scopes, decoded once each). */
  public static Attributes of(List<KeyValue> attributes) {
    if (attributes.isEmpty()) {
      return EMPTY;
    }
    byte[] encoded = KeyValueList.newBuilder().addAllValues(attributes).build().toByteArray();
    try {
      return SpanMessage.keyValueList(new ProtoCursor(encoded), 0);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("protobuf encoded attributes that do not decode", e);
    }
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public String key(int index) {
    return keys[index];
  }

  public Object value(int index) {
    return values[index];
  }

  /** The first value of {@code key}; null when there is none. */
  public Object get(String key) {
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return values[i];
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attributes other
        && Arrays.equals(keys, 0, size, other.keys, 0, other.size)
        && Arrays.equals(values, 0, size, other.values, 0, other.size);
  }

  @Override
  public int hashCode() {
    int hash = 1;
    for (int i = 0; i < size; i++) {
      hash = 31 * (31 * hash + keys[i].hashCode()) + values[i].hashCode();
    }
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("{");
    for (int i = 0; i < size; i++) {
      text.append(i == 0 ? "" : ", ").append(keys[i]).append('=').append(values[i]);
    }
    return text.append('}').toString();
  }

  /** Gathers attributes as a message's fields are met, then hands them over without copying. */
  static final class Gathering {
    private String[] keys;
    private Object[] values;
    private int size;

    void add(String key, Object value) {
      if (keys == null) {
        keys = new String[8];
        values = new Object[8];
      } else if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size] = value;
      size++;
    }

    /** Adds the other's attributes after these (a repeated kvlist field merges, as protobuf's does). */
    void addAll(Attributes other) {
      for (int i = 0; i < other.size; i++) {
        add(other.keys[i], other.values[i]);
      }
    }

    Attributes done() {
      return size == 0 ? EMPTY : new Attributes(keys, values, size);
    }
  }
}
