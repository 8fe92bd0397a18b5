package io.tailkeep.store.wire;

/** Receives the values of the attributes a reader was asked for. */
@FunctionalInterface
public interface AttributeVisitor {

  /**
   * One value of an asked-for attribute.
   *
   * @param key the number of the key or prefix matched (see {@link AttributeKeys})
   * @param value a {@code String}, {@code Long}, {@code Double}, {@code Boolean} or {@code byte[]};
   *     null for a key-value list or an empty value (present, nothing to compare)
   * @param inArray whether the value is one element of an array attribute (each element is
   *     reported; an empty array is reported once as null)
   */
  void attribute(int key, Object value, boolean inArray);
}
