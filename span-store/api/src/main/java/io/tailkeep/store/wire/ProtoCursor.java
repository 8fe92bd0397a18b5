package io.tailkeep.store.wire;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Reads protobuf's wire format in place from a byte array, field by field, without building
 * messages: the reader Tailkeep uses to touch only the fields it needs and to find each span's
 * byte range. Every read checks bounds; malformed input throws {@link
 * InvalidProtocolBufferException} with a message saying what was wrong.
 */
public final class ProtoCursor {

  public static final int VARINT = 0;
  public static final int FIXED64 = 1;
  public static final int LEN = 2;
  public static final int START_GROUP = 3;
  public static final int END_GROUP = 4;
  public static final int FIXED32 = 5;

  private final byte[] buf;
  private int pos;
  private int limit;

  public ProtoCursor(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > buf.length) {
      throw new IndexOutOfBoundsException("range " + offset + "+" + length + " of " + buf.length);
    }
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
  }

  public ProtoCursor(byte[] buf) {
    this(buf, 0, buf.length);
  }

  public byte[] buffer() {
    return buf;
  }

  public int position() {
    return pos;
  }

  public boolean hasMore() {
    return pos < limit;
  }

  /** Narrows reading to the next {@code length} bytes; returns the old limit for {@link #popLimit}. */
  public int pushLimit(int length) {
    int old = limit;
    limit = pos + length;
    return old;
  }

  /** Restores the limit {@link #pushLimit} returned, after the nested message was read whole. */
  public void popLimit(int oldLimit) {
    limit = oldLimit;
  }

  /** The next field's tag (field number shifted left by 3, or'ed with its wire type). */
  public int readTag() throws InvalidProtocolBufferException {
    long tag = readVarint();
    if (tag >>> 3 == 0 || tag > 0xFFFFFFFFL) {
      throw new InvalidProtocolBufferException("invalid field tag " + tag + " at byte " + pos);
    }
    return (int) tag;
  }

  public static int fieldNumber(int tag) {
    return tag >>> 3;
  }

  public static int wireType(int tag) {
    return tag & 7;
  }

  public long readVarint() throws InvalidProtocolBufferException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw truncated();
      }
      byte b = buf[pos++];
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new InvalidProtocolBufferException("malformed varint at byte " + pos);
  }

  public long readFixed64() throws InvalidProtocolBufferException {
    if (limit - pos < 8) {
      throw truncated();
    }
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = (value << 8) | (buf[pos + i] & 0xFF);
    }
    pos += 8;
    return value;
  }

  public int readFixed32() throws InvalidProtocolBufferException {
    if (limit - pos < 4) {
      throw truncated();
    }
    int value = 0;
    for (int i = 3; i >= 0; i--) {
      value = (value << 8) | (buf[pos + i] & 0xFF);
    }
    pos += 4;
    return value;
  }

  /** Reads a length prefix and checks that many bytes follow; the cursor stays before them. */
  public int readLength() throws InvalidProtocolBufferException {
    long length = readVarint();
    if (length < 0 || length > limit - pos) {
      throw truncated();
    }
    return (int) length;
  }

  public void skipBytes(int length) {
    pos += length;
  }

  /** A length-delimited field's bytes as a new array. */
  public byte[] readBytes() throws InvalidProtocolBufferException {
    int length = readLength();
    byte[] copy = java.util.Arrays.copyOfRange(buf, pos, pos + length);
    pos += length;
    return copy;
  }

  /** A length-delimited field as UTF-8 text; invalid UTF-8 is refused as protobuf refuses it. */
  public String readString() throws InvalidProtocolBufferException {
    int length = readLength();
    String text = Utf8.decode(buf, pos, length);
    pos += length;
    return text;
  }

  /** Eight bytes of a 16-byte ID field read as a big-endian long. */
  public long longAt(int offset) {
    return longAt(buf, offset);
  }

  /** Eight bytes of an ID field in {@code buf} at {@code offset}, read as a big-endian long. */
  public static long longAt(byte[] buf, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (buf[offset + i] & 0xFF);
    }
    return value;
  }

  /** Skips the value of a field whose tag was just read. */
  public void skipField(int tag) throws InvalidProtocolBufferException {
    switch (wireType(tag)) {
      case VARINT -> readVarint();
      case FIXED64 -> skipChecked(8);
      case LEN -> skipBytes(readLength());
      case FIXED32 -> skipChecked(4);
      case START_GROUP -> skipGroup(fieldNumber(tag), 0);
      default -> throw new InvalidProtocolBufferException(
          "invalid wire type " + wireType(tag) + " for field " + fieldNumber(tag));
    }
  }

  private void skipChecked(int length) throws InvalidProtocolBufferException {
    if (limit - pos < length) {
      throw truncated();
    }
    pos += length;
  }

  private void skipGroup(int number, int depth) throws InvalidProtocolBufferException {
    if (depth > 100) {
      throw new InvalidProtocolBufferException("groups nested too deeply");
    }
    while (true) {
      if (!hasMore()) {
        throw truncated();
      }
      int tag = readTag();
      if (wireType(tag) == END_GROUP) {
        if (fieldNumber(tag) != number) {
          throw new InvalidProtocolBufferException("group " + number + " ended by " + fieldNumber(tag));
        }
        return;
      }
      if (wireType(tag) == START_GROUP) {
        skipGroup(fieldNumber(tag), depth + 1);
      } else {
        skipField(tag);
      }
    }
  }

  private InvalidProtocolBufferException truncated() {
    return new InvalidProtocolBufferException(
        "the message ended in the middle of a field (truncated, or a length runs past its end)");
  }
}
