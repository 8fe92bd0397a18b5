package io.tailkeep.store.wire;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Strings decoded from UTF-8 bytes, handed out again while they are recent: a fixed table of
 * slots picked by a hash of the bytes, each holding the last text decoded there. The few span
 * names and peer names a system has (a few hundred, against millions of spans) then cost no new
 * string a span, and equal texts are mostly the same instance, which makes the {@code equals} of
 * the maps they go into end at the reference. A fixed size, so it holds at most {@link #SIZE}
 * strings whatever the texts; texts that share a slot are decoded each time, as without it.
 * Thread-safe: an entry's fields are final, and losing a racing write costs one decode.
 */
final class RecentStrings {

  static final int SIZE = 2048;

  /** Longer texts (a SQL statement as a span name) are rarely repeated: decoded without the table. */
  static final int MAX_LENGTH = 128;

  private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SIZE);

  private record Entry(byte[] utf8, String text) {}

  /** The text of {@code buf[offset, offset + length)}, which must be checked UTF-8 or is checked now. */
  String text(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
    if (length > MAX_LENGTH) {
      return Utf8.decode(buf, offset, length);
    }
    int hash = length;
    for (int i = offset, end = offset + length; i < end; i++) {
      hash = 31 * hash + buf[i];
    }
    int slot = (hash * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(SIZE));
    Entry known = slots.getPlain(slot);
    if (known != null && Arrays.equals(buf, offset, offset + length, known.utf8, 0, known.utf8.length)) {
      return known.text;
    }
    String text = Utf8.decode(buf, offset, length);
    slots.setRelease(slot, new Entry(Arrays.copyOfRange(buf, offset, offset + length), text));
    return text;
  }
}
