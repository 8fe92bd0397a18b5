package io.tailkeep.sampler.traffic;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.ProtoCursor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Finds the name a CLIENT span's {@link ServiceGraph#PEER_ATTRIBUTES} give its server, in one pass
 * over the span's attributes that only compares key bytes and decodes no value but the winner's.
 * Made for the moment a span arrives, while its bytes are still in the CPU's caches: read again at
 * the decision, seconds later, they cost several times as much (bench/README.md, issue 16).
 *
 * <p>Same answer as reading the span with a {@code SpanFieldReader} for those keys: the value of the
 * earliest-ranked key the span carries as a non-empty string outside an array, the first such value
 * of that key; a value written before its key is not taken. The few names peers have ({@code
 * postgresql}, {@code redis}, hosts) are handed out from a small table of recent ones, so a span
 * costs no new string and the edge lookup reuses the string's hash.
 */
final class PeerNames {

  // Field numbers of opentelemetry/proto/trace/v1/trace.proto and common.proto.
  private static final int SPAN_ATTRIBUTES_TAG = 9 << 3 | ProtoCursor.LEN;
  private static final int KEY_TAG = 1 << 3 | ProtoCursor.LEN;
  private static final int VALUE_TAG = 2 << 3 | ProtoCursor.LEN;
  private static final int STRING_VALUE_TAG = 1 << 3 | ProtoCursor.LEN;
  private static final int ARRAY_VALUE_TAG = 5 << 3 | ProtoCursor.LEN;

  private static final byte[][] KEYS =
      ServiceGraph.PEER_ATTRIBUTES.stream()
          .map(key -> key.getBytes(StandardCharsets.UTF_8))
          .toArray(byte[][]::new);

  /** Recent names by a hash of their bytes: a fixed size, so it holds at most this many. */
  static final int TABLE_SIZE = 256;

  private static final AtomicReferenceArray<Name> TABLE = new AtomicReferenceArray<>(TABLE_SIZE);

  private record Name(byte[] utf8, String text) {}

  private PeerNames() {}

  /** The peer the span's attributes name, or "" when it carries none of them. */
  static String of(WireSpan span) {
    byte[] bytes = span.bytes();
    try {
      return of(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("span bytes were checked on the way in: " + e.getMessage(), e);
    }
  }

  static String of(byte[] bytes) throws InvalidProtocolBufferException {
    ProtoCursor in = new ProtoCursor(bytes);
    int bestRank = KEYS.length;
    int bestOffset = 0;
    int bestLength = 0;
    while (in.hasMore() && bestRank > 0) {
      int tag = in.readTag();
      if (tag != SPAN_ATTRIBUTES_TAG) {
        in.skipField(tag);
        continue;
      }
      int outer = in.pushLimit(in.readLength());
      int rank = -1; // the key of this KeyValue, if it is a peer key ranked before the best so far
      while (in.hasMore()) {
        int field = in.readTag();
        if (field == KEY_TAG) {
          int length = in.readLength();
          rank = rankOf(bytes, in.position(), length, bestRank);
          in.skipBytes(length);
        } else if (field == VALUE_TAG && rank >= 0) {
          int valueLimit = in.pushLimit(in.readLength());
          int textOffset = -1;
          int textLength = 0;
          boolean array = false; // an array's values are not the span's peer, nor is what follows it
          while (in.hasMore()) { // an AnyValue: its last field is its value
            int valueTag = in.readTag();
            if (valueTag == STRING_VALUE_TAG) {
              textLength = in.readLength();
              textOffset = in.position();
              in.skipBytes(textLength);
            } else {
              array |= valueTag == ARRAY_VALUE_TAG;
              in.skipField(valueTag);
              textOffset = -1;
            }
          }
          in.popLimit(valueLimit);
          if (!array && textOffset >= 0 && textLength > 0) {
            bestRank = rank;
            bestOffset = textOffset;
            bestLength = textLength;
            rank = -1; // this key has its value: a repeated value field does not replace it
          }
        } else {
          in.skipField(field);
        }
      }
      in.popLimit(outer);
    }
    return bestRank == KEYS.length ? "" : name(bytes, bestOffset, bestLength);
  }

  /** The key's rank among the peer attributes if below {@code below}, else -1. */
  private static int rankOf(byte[] bytes, int offset, int length, int below) {
    for (int rank = 0; rank < below; rank++) {
      byte[] key = KEYS[rank];
      if (key.length == length && Arrays.equals(bytes, offset, offset + length, key, 0, length)) {
        return rank;
      }
    }
    return -1;
  }

  /** The text of these UTF-8 bytes, from the table when it has it. */
  private static String name(byte[] bytes, int offset, int length) {
    int hash = length;
    for (int i = offset, end = offset + length; i < end; i++) {
      hash = 31 * hash + bytes[i];
    }
    int slot = (hash * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(TABLE_SIZE));
    Name known = TABLE.getPlain(slot);
    if (known != null && Arrays.equals(bytes, offset, offset + length, known.utf8, 0, known.utf8.length)) {
      return known.text;
    }
    byte[] utf8 = Arrays.copyOfRange(bytes, offset, offset + length);
    String text = new String(utf8, StandardCharsets.UTF_8);
    TABLE.setRelease(slot, new Name(utf8, text)); // a racing thread's name may win: both are right
    return text;
  }
}
