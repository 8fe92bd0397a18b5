package io.tailkeep.store.wire;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tailkeep.store.ErrorSpans;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanOrigin;
import io.tailkeep.store.WireSpan;
import java.util.List;

/**
 * Reads from a span's bytes what a trace summary needs (name, kind, status, the HTTP status for the
 * error definition) and the values of the attributes {@link AttributeKeys} asks for, skipping
 * everything else. The bytes were checked when they came in, so a failure here is a bug.
 *
 * <p><b>A call's peer.</b> Given peer keys, the reader also names the server a CLIENT span calls
 * ({@link SpanFields#peer()}), in the same pass over the attributes: the value of the
 * first-ranked peer key the span carries as a non-empty string outside an array (the first such
 * value of that key; a value written before its key is not taken). Picked here, while the span's
 * bytes are in the CPU's caches: a second pass for it cost 8 % of the ingest threads' CPU
 * (bench/README.md, issue 16). Spans of other kinds pay nothing for it, as encoders write the kind
 * (field 6) before the attributes (field 9); a span that writes them the other way round is
 * compared against the peer keys too, in case it turns out a CLIENT span.
 *
 * <p>Span names and peer names come from a table of recent strings ({@link RecentStrings}): the
 * same few hundred names repeat over millions of spans.
 */
public final class SpanFieldReader {

  // Field numbers of opentelemetry/proto/trace/v1/trace.proto and common.proto.
  private static final int SPAN_NAME = 5;
  private static final int SPAN_KIND = 6;
  private static final int SPAN_START = 7;
  private static final int SPAN_END = 8;
  private static final int SPAN_ATTRIBUTES = 9;
  private static final int SPAN_STATUS = 15;
  private static final int STATUS_CODE = 3;
  private static final int RESOURCE_ATTRIBUTES = 1;
  private static final int KEY_VALUE_KEY = 1;
  private static final int KEY_VALUE_VALUE = 2;
  private static final int ANY_STRING = 1;
  private static final int ANY_BOOL = 2;
  private static final int ANY_INT = 3;
  private static final int ANY_DOUBLE = 4;
  private static final int ANY_ARRAY = 5;
  private static final int ANY_KVLIST = 6;
  private static final int ANY_BYTES = 7;
  private static final int ARRAY_VALUES = 1;

  private static final AttributeKeys HTTP_STATUS =
      new AttributeKeys(List.of(ErrorSpans.HTTP_RESPONSE_STATUS, ErrorSpans.HTTP_STATUS_OLD), List.of());
  private static final AttributeKeys SERVICE_NAME = new AttributeKeys(List.of("service.name"), List.of());
  private static final int KIND_CLIENT = 3;
  private static final RecentStrings TEXTS = new RecentStrings();

  private final AttributeKeys keys;
  /** Ranked by number; null: no peer is read. */
  private final AttributeKeys peerKeys;

  /** Thread-safe: each read keeps its own state. */
  public SpanFieldReader(AttributeKeys keys) {
    this(keys, null);
  }

  /**
   * A reader that also names a CLIENT span's peer from {@code peerKeys}, the first-ranked (lowest
   * number) present winning; keys only, no prefixes.
   */
  public SpanFieldReader(AttributeKeys keys, AttributeKeys peerKeys) {
    if (peerKeys != null && !peerKeys.prefixes().isEmpty()) {
      throw new IllegalArgumentException("peer keys are keys, not prefixes: " + peerKeys.prefixes());
    }
    this.keys = keys;
    this.peerKeys = peerKeys;
  }

  public AttributeKeys keys() {
    return keys;
  }

  /** The span's fields; {@code visitor} gets the asked-for attribute values (null if none asked). */
  public SpanFields read(WireSpan span, AttributeVisitor visitor) {
    try {
      return new Read(visitor).span(span.bytes());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("span bytes were checked on the way in: " + e.getMessage(), e);
    }
  }

  public SpanFields read(WireSpan span) {
    return read(span, null);
  }

  /**
   * Reports the asked-for attributes of a span's resource. Spans of one resource share their
   * origin, so what was found is kept on it and the resource is read once per reader, not per
   * span.
   */
  public void readResourceAttributes(SpanOrigin origin, AttributeVisitor visitor) {
    if (keys.isEmpty() || visitor == null) {
      return;
    }
    Found found = (Found) origin.resourceAttributes(keys);
    if (found == null) {
      found = new Found();
      readResourceAttributes(origin.resource(), found);
      origin.rememberResourceAttributes(keys, found);
    }
    found.replay(visitor);
  }

  /** The attribute values one read found, to report again. */
  private static final class Found implements AttributeVisitor {
    private final java.util.List<Object[]> values = new java.util.ArrayList<>(2);

    @Override
    public void attribute(int key, Object value, boolean inArray) {
      values.add(new Object[] {key, value, inArray});
    }

    void replay(AttributeVisitor visitor) {
      for (Object[] v : values) {
        visitor.attribute((Integer) v[0], v[1], (Boolean) v[2]);
      }
    }
  }

  /** Reports the asked-for attributes of an encoded {@code Resource}. */
  public void readResourceAttributes(byte[] resource, AttributeVisitor visitor) {
    if (keys.isEmpty() || visitor == null) {
      return;
    }
    try {
      Read read = new Read(visitor);
      ProtoCursor in = new ProtoCursor(resource);
      while (in.hasMore()) {
        int tag = in.readTag();
        if (tag == (RESOURCE_ATTRIBUTES << 3 | ProtoCursor.LEN)) {
          read.keyValue(in, false);
        } else {
          in.skipField(tag);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("resource bytes were checked on the way in: " + e.getMessage(), e);
    }
  }

  /** The {@code service.name} of an encoded resource, or {@value OtlpSpan#UNKNOWN_SERVICE}. */
  public static String serviceName(byte[] resource) {
    String[] found = new String[1];
    new SpanFieldReader(SERVICE_NAME)
        .readResourceAttributes(
            resource,
            (key, value, inArray) -> {
              if (!inArray && value instanceof String name && !name.isEmpty()) {
                found[0] = name;
              }
            });
    return found[0] != null ? found[0] : OtlpSpan.UNKNOWN_SERVICE;
  }

  /** One read's state. */
  private final class Read {
    private final AttributeVisitor visitor;
    private final int[] matches;
    private long httpStatus;
    private boolean kindSeen;
    private int kind;
    /** The peer found so far: its key's rank (MAX_VALUE while none), its text's place. */
    private int peerRank = Integer.MAX_VALUE;
    private int peerOffset;
    private int peerLength;
    /** The string an AnyValue ended with, outside an array: its place, -1 if it ended otherwise. */
    private int textOffset;
    private int textLength;

    Read(AttributeVisitor visitor) {
      this.visitor = keys.isEmpty() ? null : visitor;
      this.matches = new int[keys.size()];
    }

    SpanFields span(byte[] bytes) throws InvalidProtocolBufferException {
      ProtoCursor in = new ProtoCursor(bytes);
      String name = "";
      int statusCode = 0;
      long start = 0;
      long end = 0;
      while (in.hasMore()) {
        int tag = in.readTag();
        switch (tag) {
          case SPAN_NAME << 3 | ProtoCursor.LEN -> name = text(in);
          case SPAN_KIND << 3 | ProtoCursor.VARINT -> {
            kind = (int) in.readVarint();
            kindSeen = true;
          }
          case SPAN_START << 3 | ProtoCursor.FIXED64 -> start = in.readFixed64();
          case SPAN_END << 3 | ProtoCursor.FIXED64 -> end = in.readFixed64();
          case SPAN_ATTRIBUTES << 3 | ProtoCursor.LEN -> keyValue(in, true);
          case SPAN_STATUS << 3 | ProtoCursor.LEN -> statusCode = statusCode(in, statusCode);
          default -> in.skipField(tag);
        }
      }
      return new SpanFields(name, kind, statusCode, httpStatus, start, end, peer(bytes));
    }

    private String peer(byte[] bytes) throws InvalidProtocolBufferException {
      if (peerKeys == null || kind != KIND_CLIENT) {
        return null;
      }
      return peerRank == Integer.MAX_VALUE ? "" : TEXTS.text(bytes, peerOffset, peerLength);
    }

    /** A peer key's rank if the span may be a CLIENT one and it outranks the peer found so far, else -1. */
    private int peerRank(byte[] buf, int offset, int length) {
      if (peerKeys == null || (kindSeen && kind != KIND_CLIENT)) {
        return -1;
      }
      int rank = peerKeys.keyNumber(buf, offset, length);
      return rank < peerRank ? rank : -1;
    }

    private int statusCode(ProtoCursor in, int current) throws InvalidProtocolBufferException {
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

    /** One KeyValue: matches its key in place, and reads its value only when asked for. */
    void keyValue(ProtoCursor in, boolean spanAttribute) throws InvalidProtocolBufferException {
      int outer = in.pushLimit(in.readLength());
      int found = 0;
      boolean http = false;
      int peer = -1;
      while (in.hasMore()) {
        int tag = in.readTag();
        if (tag == (KEY_VALUE_KEY << 3 | ProtoCursor.LEN)) {
          int keyLength = in.readLength();
          found = visitor == null ? 0 : keys.match(in.buffer(), in.position(), keyLength, matches);
          http = spanAttribute && HTTP_STATUS.keyNumber(in.buffer(), in.position(), keyLength) >= 0;
          peer = spanAttribute ? peerRank(in.buffer(), in.position(), keyLength) : -1;
          in.skipBytes(keyLength);
        } else if (tag == (KEY_VALUE_VALUE << 3 | ProtoCursor.LEN) && (found > 0 || http || peer >= 0)) {
          // Encoders write the key first; a value before its key is skipped as not asked for.
          int valueOuter = in.pushLimit(in.readLength());
          anyValue(in, found, http, false);
          in.popLimit(valueOuter);
          if (peer >= 0 && textOffset >= 0 && textLength > 0) {
            peerRank = peer;
            peerOffset = textOffset;
            peerLength = textLength;
            peer = -1; // this key has its value: a repeated value field does not replace it
          }
        } else {
          in.skipField(tag);
        }
      }
      in.popLimit(outer);
    }

    /** Reads an AnyValue up to the limit, reporting it to the first {@code found} matches. */
    private void anyValue(ProtoCursor in, int found, boolean http, boolean inArray)
        throws InvalidProtocolBufferException {
      Object value = null;
      boolean array = false;
      int text = -1;
      int length = 0;
      while (in.hasMore()) {
        int tag = in.readTag();
        text = -1;
        switch (tag) {
          case ANY_STRING << 3 | ProtoCursor.LEN -> {
            length = in.readLength();
            text = in.position();
            value = found > 0 || http ? Utf8.decode(in.buffer(), text, length) : null;
            in.skipBytes(length);
          }
          case ANY_BOOL << 3 | ProtoCursor.VARINT -> value = in.readVarint() != 0;
          case ANY_INT << 3 | ProtoCursor.VARINT -> value = in.readVarint();
          case ANY_DOUBLE << 3 | ProtoCursor.FIXED64 -> value = Double.longBitsToDouble(in.readFixed64());
          case ANY_BYTES << 3 | ProtoCursor.LEN -> value = in.readBytes();
          case ANY_ARRAY << 3 | ProtoCursor.LEN -> {
            array = true; // an array's values are no single value, nor is what follows it
            if (found == 0) {
              in.skipField(tag);
            } else {
              array(in, found);
            }
            value = null;
          }
          default -> {
            in.skipField(tag); // a key-value list: present, nothing to compare
            value = null;
          }
        }
      }
      if (!inArray) {
        textOffset = array ? -1 : text;
        textLength = length;
      }
      if (http && !inArray && !array) {
        httpStatus = Math.max(httpStatus, httpStatus(value));
      }
      if (!array) {
        for (int i = 0; i < found; i++) {
          visitor.attribute(matches[i], value, inArray);
        }
      }
    }

    private void array(ProtoCursor in, int found) throws InvalidProtocolBufferException {
      int outer = in.pushLimit(in.readLength());
      boolean any = false;
      while (in.hasMore()) {
        int tag = in.readTag();
        if (tag == (ARRAY_VALUES << 3 | ProtoCursor.LEN)) {
          int elementOuter = in.pushLimit(in.readLength());
          anyValue(in, found, false, true);
          in.popLimit(elementOuter);
          any = true;
        } else {
          in.skipField(tag);
        }
      }
      in.popLimit(outer);
      if (!any) {
        for (int i = 0; i < found; i++) {
          visitor.attribute(matches[i], null, true);
        }
      }
    }
  }

  private static String text(ProtoCursor in) throws InvalidProtocolBufferException {
    int length = in.readLength();
    String text = TEXTS.text(in.buffer(), in.position(), length);
    in.skipBytes(length);
    return text;
  }

  private static long httpStatus(Object value) {
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof Double d) {
      return d.longValue();
    }
    if (value instanceof String s) {
      return ErrorSpans.parseStatus(s);
    }
    return 0;
  }
}
