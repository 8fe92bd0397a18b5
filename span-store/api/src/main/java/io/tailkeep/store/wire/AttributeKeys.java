package io.tailkeep.store.wire;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The attribute keys, and key prefixes, whose values a reader collects, matched against the UTF-8
 * bytes of each attribute's key in place, so keys nobody asked for cost no string. Keys are
 * numbered from 0, then prefixes after them: a match reports that number.
 */
public final class AttributeKeys {

  public static final AttributeKeys NONE = new AttributeKeys(List.of(), List.of());

  private final List<String> keys;
  private final List<String> prefixes;
  private final byte[][] keyBytes;
  private final byte[][] prefixBytes;
  private final int minKeyLength;
  /** The first bytes of every key and prefix: most attribute keys are ruled out by their first. */
  private final long[] firstBytes = new long[4];

  public AttributeKeys(List<String> keys, List<String> prefixes) {
    this.keys = List.copyOf(keys);
    this.prefixes = List.copyOf(prefixes);
    this.keyBytes = this.keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    this.prefixBytes =
        this.prefixes.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    int min = Integer.MAX_VALUE;
    for (byte[] k : keyBytes) {
      min = Math.min(min, k.length);
    }
    for (byte[] p : prefixBytes) {
      min = Math.min(min, p.length);
    }
    this.minKeyLength = min;
    for (byte[] k : keyBytes) {
      markFirst(k);
    }
    for (byte[] p : prefixBytes) {
      markFirst(p);
    }
  }

  private void markFirst(byte[] key) {
    if (key.length > 0) {
      int b = key[0] & 0xFF;
      firstBytes[b >>> 6] |= 1L << b;
    } else {
      java.util.Arrays.fill(firstBytes, -1L); // an empty prefix matches every key
    }
  }

  public boolean isEmpty() {
    return keyBytes.length == 0 && prefixBytes.length == 0;
  }

  /** How many numbers a match can report: keys, then prefixes. */
  public int size() {
    return keyBytes.length + prefixBytes.length;
  }

  public List<String> keys() {
    return keys;
  }

  public List<String> prefixes() {
    return prefixes;
  }

  /** The key, or prefix, a match number stands for. */
  public String text(int number) {
    return number < keys.size() ? keys.get(number) : prefixes.get(number - keys.size());
  }

  public boolean isPrefix(int number) {
    return number >= keys.size();
  }

  /**
   * Writes into {@code matches} the numbers of the keys and prefixes the key in {@code buf[offset,
   * offset + length)} matches, and returns how many; at most {@link #size()}.
   */
  int match(byte[] buf, int offset, int length, int[] matches) {
    if (length < minKeyLength) {
      return 0;
    }
    if (length > 0) {
      int first = buf[offset] & 0xFF;
      if ((firstBytes[first >>> 6] & (1L << first)) == 0) {
        return 0;
      }
    }
    int found = 0;
    for (int i = 0; i < keyBytes.length; i++) {
      byte[] key = keyBytes[i];
      // From the end: keys that share a namespace ("http.") differ at their end.
      if (key.length == length && endsEqual(buf, offset, key)) {
        matches[found++] = i;
        break; // keys are distinct
      }
    }
    for (int i = 0; i < prefixBytes.length; i++) {
      byte[] prefix = prefixBytes[i];
      if (prefix.length <= length && startsWith(buf, offset, prefix)) {
        matches[found++] = keyBytes.length + i;
      }
    }
    return found;
  }

  /** The number of the key (not prefix) {@code buf[offset, offset + length)} is, or -1. */
  int keyNumber(byte[] buf, int offset, int length) {
    if (length < minKeyLength || length == 0) {
      return -1;
    }
    int first = buf[offset] & 0xFF;
    if ((firstBytes[first >>> 6] & (1L << first)) == 0) {
      return -1;
    }
    for (int i = 0; i < keyBytes.length; i++) {
      byte[] key = keyBytes[i];
      if (key.length == length && endsEqual(buf, offset, key)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean endsEqual(byte[] buf, int offset, byte[] key) {
    for (int i = key.length - 1; i >= 0; i--) {
      if (buf[offset + i] != key[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(byte[] buf, int offset, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (buf[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
