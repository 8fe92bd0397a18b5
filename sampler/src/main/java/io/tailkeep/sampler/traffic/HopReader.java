package io.tailkeep.sampler.traffic;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tailkeep.store.ErrorSpans;
import io.tailkeep.store.wire.ProtoCursor;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads from a span's bytes only what the service graph needs, in as few steps as a decision that
 * comes for every trace allows: first a span's kind, times and status, stepping over its
 * attributes, events and links whole; then, for the few spans that need them, one walk of the
 * attributes, for the HTTP status of a server span (the one error definition, {@link ErrorSpans})
 * or the peer attributes of a client span with no server child. {@code SpanFieldReader} reads a
 * span whole, matching every attribute key and decoding the name, which the span metrics' path
 * pays once on arrival; reading every span of a trace that way again at its decision cost the
 * service graph four times as much (bench/README.md, "Span metrics and the service graph").
 *
 * <p>The bytes were checked when they came in, so a failure here is a bug.
 */
final class HopReader {

  // Field numbers of opentelemetry/proto/trace/v1/trace.proto and common.proto.
  private static final int SPAN_KIND = 6;
  private static final int SPAN_START = 7;
  private static final int SPAN_END = 8;
  private static final int SPAN_ATTRIBUTES = 9;
  private static final int SPAN_STATUS = 15;
  private static final int STATUS_CODE = 3;
  private static final int KEY_VALUE_KEY = 1;
  private static final int KEY_VALUE_VALUE = 2;
  private static final int ANY_STRING = 1;
  private static final int ANY_INT = 3;
  private static final int ANY_DOUBLE = 4;

  private static final byte[][] HTTP_STATUS_KEYS =
      keys(List.of(ErrorSpans.HTTP_RESPONSE_STATUS, ErrorSpans.HTTP_STATUS_OLD));
  private static final byte[][] PEER_KEYS = keys(ServiceGraph.PEER_ATTRIBUTES);

  private HopReader() {}

  private static byte[][] keys(List<String> keys) {
    return keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
  }

  /** A span's kind, times and status code, read without looking into its attributes. */
  record Frame(int kind, long startNanos, long rawEndNanos, int statusCode) {

    /** End minus start; zero when the end is missing or before the start (as SpanFields). */
    long durationNanos() {
      return Math.max(startNanos, rawEndNanos) - startNanos;
    }
  }

  static Frame frame(byte[] span) {
    try {
      ProtoCursor in = new ProtoCursor(span);
      int kind = 0;
      long start = 0;
      long end = 0;
      int status = 0;
      while (in.hasMore()) {
        int tag = in.readTag();
        switch (tag) {
          case SPAN_KIND << 3 | ProtoCursor.VARINT -> kind = (int) in.readVarint();
          case SPAN_START << 3 | ProtoCursor.FIXED64 -> start = in.readFixed64();
          case SPAN_END << 3 | ProtoCursor.FIXED64 -> end = in.readFixed64();
          case SPAN_STATUS << 3 | ProtoCursor.LEN -> status = statusCode(in, status);
          default -> in.skipField(tag);
        }
      }
      return new Frame(kind, start, end, status);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("span bytes were checked on the way in: " + e.getMessage(), e);
    }
  }

  private static int statusCode(ProtoCursor in, int current) throws InvalidProtocolBufferException {
    int outer = in.pushLimit(in.readLength());
    int code = current; // a repeated status field merges: its last code wins
    while (in.hasMore()) {
      int tag = in.readTag();
      if (tag == (STATUS_CODE << 3 | ProtoCursor.VARINT)) {
        code = (int) in.readVarint();
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(outer);
    return code;
  }

  /** Whether a span is an error by the one definition; reads its attributes only when it must. */
  static boolean isError(byte[] span, Frame frame) {
    if (ErrorSpans.isError(frame.kind(), frame.statusCode(), 0)) {
      return true;
    }
    if (!ErrorSpans.isError(frame.kind(), frame.statusCode(), Long.MAX_VALUE)) {
      return false; // no HTTP status could make it one
    }
    Found found = new Found();
    attributes(span, HTTP_STATUS_KEYS, found);
    return ErrorSpans.isError(frame.kind(), frame.statusCode(), found.httpStatus);
  }

  /** The value of the first of {@link ServiceGraph#PEER_ATTRIBUTES} a span carries, or null. */
  static String peerName(byte[] span) {
    Found found = new Found();
    attributes(span, PEER_KEYS, found);
    return found.peer;
  }

  /** What one walk of the attributes found. */
  private static final class Found {
    /** The highest HTTP status among the matches, as SpanFieldReader keeps it. */
    long httpStatus;
    String peer;
    int peerRank = Integer.MAX_VALUE;
  }

  private static void attributes(byte[] span, byte[][] keys, Found found) {
    try {
      ProtoCursor in = new ProtoCursor(span);
      while (in.hasMore()) {
        int tag = in.readTag();
        if (tag == (SPAN_ATTRIBUTES << 3 | ProtoCursor.LEN)) {
          keyValue(in, keys, found);
        } else {
          in.skipField(tag);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("span bytes were checked on the way in: " + e.getMessage(), e);
    }
  }

  private static void keyValue(ProtoCursor in, byte[][] keys, Found found) throws InvalidProtocolBufferException {
    int outer = in.pushLimit(in.readLength());
    int match = -1;
    while (in.hasMore()) {
      int tag = in.readTag();
      if (tag == (KEY_VALUE_KEY << 3 | ProtoCursor.LEN)) {
        int length = in.readLength();
        match = match(in.buffer(), in.position(), length, keys);
        in.skipBytes(length);
      } else if (tag == (KEY_VALUE_VALUE << 3 | ProtoCursor.LEN) && match >= 0) {
        // Encoders write the key first; a value before its key is skipped, as SpanFieldReader does.
        int valueOuter = in.pushLimit(in.readLength());
        value(in, keys, match, found);
        in.popLimit(valueOuter);
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(outer);
  }

  /** An AnyValue: a string, whole number or double; arrays and lists are no status nor name. */
  private static void value(ProtoCursor in, byte[][] keys, int match, Found found)
      throws InvalidProtocolBufferException {
    while (in.hasMore()) {
      int tag = in.readTag();
      if (tag == (ANY_STRING << 3 | ProtoCursor.LEN)) {
        String text = in.readString();
        if (keys == PEER_KEYS) {
          if (match < found.peerRank && !text.isEmpty()) {
            found.peerRank = match;
            found.peer = text;
          }
        } else {
          found.httpStatus = Math.max(found.httpStatus, ErrorSpans.parseStatus(text));
        }
      } else if (tag == (ANY_INT << 3 | ProtoCursor.VARINT) && keys == HTTP_STATUS_KEYS) {
        found.httpStatus = Math.max(found.httpStatus, in.readVarint());
      } else if (tag == (ANY_DOUBLE << 3 | ProtoCursor.FIXED64) && keys == HTTP_STATUS_KEYS) {
        found.httpStatus = Math.max(found.httpStatus, (long) Double.longBitsToDouble(in.readFixed64()));
      } else {
        in.skipField(tag);
      }
    }
  }

  /** The index of the key equal to {@code buf[offset, offset + length)}, or -1. */
  private static int match(byte[] buf, int offset, int length, byte[][] keys) {
    for (int k = 0; k < keys.length; k++) {
      byte[] key = keys[k];
      if (key.length == length && equalsFromEnd(buf, offset, key)) {
        return k;
      }
    }
    return -1;
  }

  private static boolean equalsFromEnd(byte[] buf, int offset, byte[] key) {
    for (int i = key.length - 1; i >= 0; i--) {
      if (buf[offset + i] != key[i]) {
        return false;
      }
    }
    return true;
  }
}
