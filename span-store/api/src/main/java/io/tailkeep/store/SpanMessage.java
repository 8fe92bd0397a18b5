package io.tailkeep.store;

import static io.tailkeep.store.wire.ProtoCursor.FIXED32;
import static io.tailkeep.store.wire.ProtoCursor.FIXED64;
import static io.tailkeep.store.wire.ProtoCursor.LEN;
import static io.tailkeep.store.wire.ProtoCursor.VARINT;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.tailkeep.store.wire.ProtoCursor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The fields of one OTLP {@code Span} message, read from its bytes at the wire level with
 * protobuf's semantics: the last of a repeated scalar field wins, a repeated message field merges,
 * a field of an unknown number or an unexpected wire type is skipped, strings must be UTF-8, and
 * messages nest at most {@value #MAX_DEPTH} deep (protobuf's own limit). The read views need every
 * field but no protobuf object: see {@link Attributes}.
 *
 * <p>The scalar fields are read at once; the attributes, events and links (most of a span's bytes)
 * on first use, in a second pass, so a view that only wants protobuf's own message ({@code
 * /api/v3}'s OTLP JSON) does not decode them twice.
 */
final class SpanMessage {

  /** Protobuf's default recursion limit, counted from the span. */
  static final int MAX_DEPTH = 100;

  // Field numbers of opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto.
  private static final int TRACE_ID = tag(1, LEN);
  private static final int SPAN_ID = tag(2, LEN);
  private static final int TRACE_STATE = tag(3, LEN);
  private static final int PARENT_SPAN_ID = tag(4, LEN);
  private static final int NAME = tag(5, LEN);
  private static final int KIND = tag(6, VARINT);
  private static final int START = tag(7, FIXED64);
  private static final int END = tag(8, FIXED64);
  private static final int ATTRIBUTES = tag(9, LEN);
  private static final int DROPPED_ATTRIBUTES = tag(10, VARINT);
  private static final int EVENTS = tag(11, LEN);
  private static final int DROPPED_EVENTS = tag(12, VARINT);
  private static final int LINKS = tag(13, LEN);
  private static final int DROPPED_LINKS = tag(14, VARINT);
  private static final int STATUS = tag(15, LEN);
  private static final int FLAGS = tag(16, FIXED32);
  private static final int STATUS_MESSAGE = tag(2, LEN);
  private static final int STATUS_CODE = tag(3, VARINT);
  private static final int EVENT_TIME = tag(1, FIXED64);
  private static final int EVENT_NAME = tag(2, LEN);
  private static final int EVENT_ATTRIBUTES = tag(3, LEN);
  private static final int EVENT_DROPPED_ATTRIBUTES = tag(4, VARINT);
  private static final int LINK_TRACE_ID = tag(1, LEN);
  private static final int LINK_SPAN_ID = tag(2, LEN);
  private static final int LINK_TRACE_STATE = tag(3, LEN);
  private static final int LINK_ATTRIBUTES = tag(4, LEN);
  private static final int LINK_DROPPED_ATTRIBUTES = tag(5, VARINT);
  private static final int LINK_FLAGS = tag(6, FIXED32);
  private static final int KEY_VALUE_KEY = tag(1, LEN);
  private static final int KEY_VALUE_VALUE = tag(2, LEN);
  private static final int LIST_VALUES = tag(1, LEN); // ArrayValue.values, KeyValueList.values
  private static final int ANY_STRING = tag(1, LEN);
  private static final int ANY_BOOL = tag(2, VARINT);
  private static final int ANY_INT = tag(3, VARINT);
  private static final int ANY_DOUBLE = tag(4, FIXED64);
  private static final int ANY_ARRAY = tag(5, LEN);
  private static final int ANY_KVLIST = tag(6, LEN);
  private static final int ANY_BYTES = tag(7, LEN);

  /** A span's attributes, events and links; final fields, so a racing first use publishes it whole. */
  static final class Repeated {
    static final Repeated NONE = new Repeated(Attributes.EMPTY, List.of(), List.of());

    final Attributes attributes;
    final List<OtlpSpan.Event> events;
    final List<OtlpSpan.Link> links;

    private Repeated(Attributes attributes, List<OtlpSpan.Event> events, List<OtlpSpan.Link> links) {
      this.attributes = attributes;
      this.events = events;
      this.links = links;
    }
  }

  /** The message's bytes: {@code buf[offset, offset + length)}. */
  final byte[] buf;
  final int offset;
  final int length;
  // Where each ID field's bytes are (the last of each, as protobuf keeps); -1 when absent.
  int traceIdAt = -1;
  int traceIdLength;
  int spanIdAt = -1;
  int spanIdLength;
  int parentAt = -1;
  int parentLength;
  String traceState = "";
  String name = "";
  int kind;
  long start;
  long end;
  int droppedAttributesCount;
  int droppedEventsCount;
  int droppedLinksCount;
  int statusCode;
  String statusMessage = "";
  int flags;
  private Repeated repeated; // null until first used

  /** Reads the span message in {@code buf[offset, offset + length)}, which must not change after. */
  SpanMessage(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
    this.buf = buf;
    this.offset = offset;
    this.length = length;
    boolean anyRepeated = false;
    ProtoCursor in = new ProtoCursor(buf, offset, length);
    while (in.hasMore()) {
      int tag = in.readTag();
      if (tag == TRACE_ID) {
        traceIdLength = in.readLength();
        traceIdAt = in.position();
        in.skipBytes(traceIdLength);
      } else if (tag == SPAN_ID) {
        spanIdLength = in.readLength();
        spanIdAt = in.position();
        in.skipBytes(spanIdLength);
      } else if (tag == TRACE_STATE) {
        traceState = in.readString();
      } else if (tag == PARENT_SPAN_ID) {
        parentLength = in.readLength();
        parentAt = in.position();
        in.skipBytes(parentLength);
      } else if (tag == NAME) {
        name = in.readString();
      } else if (tag == KIND) {
        kind = (int) in.readVarint();
      } else if (tag == START) {
        start = in.readFixed64();
      } else if (tag == END) {
        end = in.readFixed64();
      } else if (tag == DROPPED_ATTRIBUTES) {
        droppedAttributesCount = (int) in.readVarint();
      } else if (tag == DROPPED_EVENTS) {
        droppedEventsCount = (int) in.readVarint();
      } else if (tag == DROPPED_LINKS) {
        droppedLinksCount = (int) in.readVarint();
      } else if (tag == STATUS) {
        status(in);
      } else if (tag == FLAGS) {
        flags = in.readFixed32();
      } else {
        anyRepeated |= tag == ATTRIBUTES || tag == EVENTS || tag == LINKS;
        in.skipField(tag);
      }
    }
    if (!anyRepeated) {
      repeated = Repeated.NONE;
    }
  }

  /** The attributes, events and links, read on first use. */
  Repeated repeated() {
    Repeated read = repeated;
    if (read == null) {
      try {
        read = readRepeated();
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("not a valid OTLP span message: " + e.getMessage(), e);
      }
      repeated = read;
    }
    return read;
  }

  private Repeated readRepeated() throws InvalidProtocolBufferException {
    ProtoCursor in = new ProtoCursor(buf, offset, length);
    Attributes.Gathering attributes = new Attributes.Gathering();
    List<OtlpSpan.Event> events = null;
    List<OtlpSpan.Link> links = null;
    while (in.hasMore()) {
      int tag = in.readTag();
      if (tag == ATTRIBUTES) {
        keyValue(in, attributes, 1);
      } else if (tag == EVENTS) {
        events = events == null ? new ArrayList<>(2) : events;
        events.add(event(in));
      } else if (tag == LINKS) {
        links = links == null ? new ArrayList<>(2) : links;
        links.add(link(in));
      } else {
        in.skipField(tag);
      }
    }
    return new Repeated(
        attributes.done(),
        events == null ? List.of() : Collections.unmodifiableList(events),
        links == null ? List.of() : Collections.unmodifiableList(links));
  }

  private void status(ProtoCursor in) throws InvalidProtocolBufferException {
    int outer = in.pushLimit(in.readLength());
    while (in.hasMore()) {
      int tag = in.readTag();
      if (tag == STATUS_MESSAGE) {
        statusMessage = in.readString();
      } else if (tag == STATUS_CODE) {
        statusCode = (int) in.readVarint();
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(outer);
  }

  private static OtlpSpan.Event event(ProtoCursor in) throws InvalidProtocolBufferException {
    int outer = in.pushLimit(in.readLength());
    long time = 0;
    String name = "";
    Attributes.Gathering attributes = new Attributes.Gathering();
    int dropped = 0;
    while (in.hasMore()) {
      int tag = in.readTag();
      if (tag == EVENT_TIME) {
        time = in.readFixed64();
      } else if (tag == EVENT_NAME) {
        name = in.readString();
      } else if (tag == EVENT_ATTRIBUTES) {
        keyValue(in, attributes, 2);
      } else if (tag == EVENT_DROPPED_ATTRIBUTES) {
        dropped = (int) in.readVarint();
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(outer);
    return new OtlpSpan.Event(time, name, attributes.done(), dropped);
  }

  private static OtlpSpan.Link link(ProtoCursor in) throws InvalidProtocolBufferException {
    int outer = in.pushLimit(in.readLength());
    ByteString traceId = ByteString.EMPTY;
    ByteString spanId = ByteString.EMPTY;
    String traceState = "";
    Attributes.Gathering attributes = new Attributes.Gathering();
    int dropped = 0;
    int flags = 0;
    while (in.hasMore()) {
      int tag = in.readTag();
      if (tag == LINK_TRACE_ID) {
        traceId = UnsafeByteOperations.unsafeWrap(in.readBytes()); // a copy already
      } else if (tag == LINK_SPAN_ID) {
        spanId = UnsafeByteOperations.unsafeWrap(in.readBytes());
      } else if (tag == LINK_TRACE_STATE) {
        traceState = in.readString();
      } else if (tag == LINK_ATTRIBUTES) {
        keyValue(in, attributes, 2);
      } else if (tag == LINK_DROPPED_ATTRIBUTES) {
        dropped = (int) in.readVarint();
      } else if (tag == LINK_FLAGS) {
        flags = in.readFixed32();
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(outer);
    return new OtlpSpan.Link(traceId, spanId, traceState, flags, attributes.done(), dropped);
  }

  /** A {@code KeyValueList} message's values: the cursor spans the message. */
  static Attributes keyValueList(ProtoCursor in, int depth) throws InvalidProtocolBufferException {
    Attributes.Gathering into = new Attributes.Gathering();
    keyValueListInto(in, into, depth);
    return into.done();
  }

  private static void keyValueListInto(ProtoCursor in, Attributes.Gathering into, int depth)
      throws InvalidProtocolBufferException {
    while (in.hasMore()) {
      int tag = in.readTag();
      if (tag == LIST_VALUES) {
        keyValue(in, into, depth + 1);
      } else {
        in.skipField(tag);
      }
    }
  }

  /** One length-prefixed {@code KeyValue} message, {@code depth} messages below the span. */
  private static void keyValue(ProtoCursor in, Attributes.Gathering into, int depth)
      throws InvalidProtocolBufferException {
    checkDepth(depth);
    int outer = in.pushLimit(in.readLength());
    String key = "";
    Object value = Attributes.NO_VALUE;
    while (in.hasMore()) {
      int tag = in.readTag();
      if (tag == KEY_VALUE_KEY) {
        key = in.readString();
      } else if (tag == KEY_VALUE_VALUE) {
        value = anyValue(in, value, depth + 1);
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(outer);
    into.add(key, value);
  }

  /**
   * One length-prefixed {@code AnyValue} message merged into {@code value} (a repeated field
   * merges: the last value set wins, and an array or kvlist met again is appended to).
   */
  private static Object anyValue(ProtoCursor in, Object value, int depth) throws InvalidProtocolBufferException {
    checkDepth(depth);
    int outer = in.pushLimit(in.readLength());
    while (in.hasMore()) {
      int tag = in.readTag();
      if (tag == ANY_STRING) {
        value = in.readString();
      } else if (tag == ANY_BOOL) {
        value = in.readVarint() != 0;
      } else if (tag == ANY_INT) {
        value = in.readVarint();
      } else if (tag == ANY_DOUBLE) {
        value = Double.longBitsToDouble(in.readFixed64());
      } else if (tag == ANY_BYTES) {
        value = UnsafeByteOperations.unsafeWrap(in.readBytes());
      } else if (tag == ANY_ARRAY) {
        List<Object> elements = new ArrayList<>();
        if (value instanceof List<?> earlier) {
          elements.addAll(earlier);
        }
        int list = in.pushLimit(in.readLength());
        checkDepth(depth + 1);
        while (in.hasMore()) {
          int element = in.readTag();
          if (element == LIST_VALUES) {
            elements.add(anyValue(in, Attributes.NO_VALUE, depth + 2));
          } else {
            in.skipField(element);
          }
        }
        in.popLimit(list);
        value = Collections.unmodifiableList(elements);
      } else if (tag == ANY_KVLIST) {
        Attributes.Gathering entries = new Attributes.Gathering();
        if (value instanceof Attributes earlier) {
          entries.addAll(earlier);
        }
        int list = in.pushLimit(in.readLength());
        checkDepth(depth + 1);
        keyValueListInto(in, entries, depth + 1);
        in.popLimit(list);
        value = entries.done();
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(outer);
    return value;
  }

  private static void checkDepth(int depth) throws InvalidProtocolBufferException {
    if (depth > MAX_DEPTH) {
      throw new InvalidProtocolBufferException(
          "attribute values nested more than " + MAX_DEPTH + " messages deep");
    }
  }

  private static int tag(int field, int wireType) {
    return field << 3 | wireType;
  }
}
