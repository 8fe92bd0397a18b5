package io.tailkeep.collector;

import java.util.Arrays;

/**
 * Writes the protobuf wire format into one growing array, front to back. An embedded message is
 * opened before its fields are known and closed after: one byte is held for its length, and when
 * the length needs more, the message's bytes move up to make room (they are few, and move once per
 * enclosing message at most). Output is what protobuf's own encoder writes for the same fields in
 * the same order.
 */
final class WireWriter {

  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private byte[] buffer;
  private int position;

  WireWriter(int expectedBytes) {
    buffer = new byte[Math.max(64, expectedBytes)];
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buffer, position);
  }

  /** Starts an embedded message; pass what it returns to {@link #endMessage}. */
  int beginMessage(int field) {
    tag(field, LENGTH_DELIMITED);
    ensure(1);
    position++;
    return position;
  }

  void endMessage(int start) {
    int length = position - start;
    int lengthBytes = varintSize(length);
    if (lengthBytes > 1) {
      ensure(lengthBytes - 1);
      System.arraycopy(buffer, start, buffer, start + lengthBytes - 1, length);
      position += lengthBytes - 1;
    }
    writeVarintAt(start - 1, length);
  }

  void uint32(int field, int value) {
    tag(field, VARINT);
    varint(value & 0xFFFFFFFFL);
  }

  /** int32 and enums: negative values take ten bytes, sign-extended, as protobuf writes them. */
  void int32(int field, int value) {
    tag(field, VARINT);
    varint(value);
  }

  void int64(int field, long value) {
    tag(field, VARINT);
    varint(value);
  }

  void bool(int field, boolean value) {
    tag(field, VARINT);
    ensure(1);
    buffer[position++] = (byte) (value ? 1 : 0);
  }

  void fixed32(int field, int value) {
    tag(field, FIXED32);
    ensure(4);
    for (int i = 0; i < 4; i++) {
      buffer[position++] = (byte) (value >>> (8 * i));
    }
  }

  void fixed64(int field, long value) {
    tag(field, FIXED64);
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buffer[position++] = (byte) (value >>> (8 * i));
    }
  }

  void double64(int field, double value) {
    fixed64(field, Double.doubleToRawLongBits(value));
  }

  void bytes(int field, byte[] value) {
    tag(field, LENGTH_DELIMITED);
    varint(value.length);
    ensure(value.length);
    System.arraycopy(value, 0, buffer, position, value.length);
    position += value.length;
  }

  /**
   * Bytes given as hex digits (checked by the caller: an even count, each 0-9, a-f or A-F).
   */
  void hexBytes(int field, char[] hex, int offset, int length) {
    int count = length / 2;
    tag(field, LENGTH_DELIMITED);
    varint(count);
    ensure(count);
    for (int i = 0; i < count; i++) {
      char high = hex[offset + 2 * i];
      char low = hex[offset + 2 * i + 1];
      buffer[position++] = (byte) (hexDigit(high) << 4 | hexDigit(low));
    }
  }

  /**
   * A string as UTF-8. An unpaired surrogate becomes '?', as protobuf's encoder writes it (it falls
   * back to {@link String#getBytes}), so the bytes are the ones the message would be sent on with.
   */
  void string(int field, char[] chars, int offset, int length) {
    tag(field, LENGTH_DELIMITED);
    int end = offset + length;
    int utf8Length = 0;
    for (int i = offset; i < end; i++) {
      char c = chars[i];
      if (c < 0x80) {
        utf8Length++;
      } else if (c < 0x800) {
        utf8Length += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
        utf8Length += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        utf8Length++;
      } else {
        utf8Length += 3;
      }
    }
    varint(utf8Length);
    ensure(utf8Length);
    byte[] out = buffer;
    int p = position;
    for (int i = offset; i < end; i++) {
      char c = chars[i];
      if (c < 0x80) {
        out[p++] = (byte) c;
      } else if (c < 0x800) {
        out[p++] = (byte) (0xC0 | c >>> 6);
        out[p++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
        int codePoint = Character.toCodePoint(c, chars[++i]);
        out[p++] = (byte) (0xF0 | codePoint >>> 18);
        out[p++] = (byte) (0x80 | codePoint >>> 12 & 0x3F);
        out[p++] = (byte) (0x80 | codePoint >>> 6 & 0x3F);
        out[p++] = (byte) (0x80 | codePoint & 0x3F);
      } else if (Character.isSurrogate(c)) {
        out[p++] = '?';
      } else {
        out[p++] = (byte) (0xE0 | c >>> 12);
        out[p++] = (byte) (0x80 | c >>> 6 & 0x3F);
        out[p++] = (byte) (0x80 | c & 0x3F);
      }
    }
    position = p;
  }

  private static int hexDigit(char c) {
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
  }

  private void tag(int field, int wireType) {
    varint(field << 3 | wireType);
  }

  private void varint(long value) {
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      buffer[position++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buffer[position++] = (byte) value;
  }

  private void writeVarintAt(int at, int value) {
    while ((value & ~0x7F) != 0) {
      buffer[at++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buffer[at] = (byte) value;
  }

  private static int varintSize(int value) {
    return value < 1 << 7 ? 1 : value < 1 << 14 ? 2 : value < 1 << 21 ? 3 : value < 1 << 28 ? 4 : 5;
  }

  private void ensure(int more) {
    if (buffer.length - position < more) {
      long wanted = Math.max((long) buffer.length * 2, (long) position + more);
      if (wanted > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("protobuf output would exceed 2 GiB");
      }
      buffer = Arrays.copyOf(buffer, (int) wanted);
    }
  }
}
