package io.tailkeep.store.wire;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.charset.StandardCharsets;

/** UTF-8 checks as protobuf makes them for proto3 strings, ASCII first since most text is. */
final class Utf8 {
  private Utf8() {}

  static String decode(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
    check(buf, offset, length);
    return new String(buf, offset, length, StandardCharsets.UTF_8);
  }

  static void check(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
    int end = offset + length;
    int i = offset;
    while (i < end && buf[i] >= 0) {
      i++;
    }
    if (i < end && !UnsafeByteOperations.unsafeWrap(buf, i, end - i).isValidUtf8()) {
      throw new InvalidProtocolBufferException("a string field holds invalid UTF-8");
    }
  }
}
