package io.tailkeep.store.wire;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.HashMap;
import java.util.Map;

/**
 * Which fields of a message hold text and which hold messages, taken from the generated
 * descriptors, so a span's bytes can be checked as protobuf's parser checks them (UTF-8 in every
 * string, nested messages well formed) without building objects. Whatever passes here parses.
 */
public final class MessageShape {

  /** protobuf's own default recursion limit. */
  private static final int MAX_DEPTH = 100;

  private static final byte OTHER = 0;
  private static final byte STRING = 1;
  private static final byte MESSAGE = 2;

  private final byte[] kinds;
  private final MessageShape[] messages;

  private MessageShape(int maxField) {
    this.kinds = new byte[maxField + 1];
    this.messages = new MessageShape[maxField + 1];
  }

  /** The shape of a generated message type and of every message type it holds. */
  public static MessageShape of(Descriptor descriptor) {
    return of(descriptor, new HashMap<>());
  }

  private static MessageShape of(Descriptor descriptor, Map<Descriptor, MessageShape> done) {
    MessageShape known = done.get(descriptor);
    if (known != null) {
      return known;
    }
    int max = 0;
    for (FieldDescriptor field : descriptor.getFields()) {
      max = Math.max(max, field.getNumber());
    }
    MessageShape shape = new MessageShape(max);
    done.put(descriptor, shape); // before the fields: AnyValue holds itself
    for (FieldDescriptor field : descriptor.getFields()) {
      int n = field.getNumber();
      switch (field.getType()) {
        case STRING -> shape.kinds[n] = STRING;
        case MESSAGE -> {
          shape.kinds[n] = MESSAGE;
          shape.messages[n] = of(field.getMessageType(), done);
        }
        default -> shape.kinds[n] = OTHER;
      }
    }
    return shape;
  }

  /** Checks the message in the cursor's current limit, leaving the cursor at its end. */
  public void check(ProtoCursor in) throws InvalidProtocolBufferException {
    check(in, 0);
  }

  private void check(ProtoCursor in, int depth) throws InvalidProtocolBufferException {
    if (depth > MAX_DEPTH) {
      throw new InvalidProtocolBufferException("messages nested more than " + MAX_DEPTH + " deep");
    }
    while (in.hasMore()) {
      int tag = in.readTag();
      checkField(in, tag, depth);
    }
  }

  /** Checks one field whose tag was just read. */
  public void checkField(ProtoCursor in, int tag) throws InvalidProtocolBufferException {
    checkField(in, tag, 0);
  }

  private void checkField(ProtoCursor in, int tag, int depth) throws InvalidProtocolBufferException {
    int number = ProtoCursor.fieldNumber(tag);
    byte kind = number < kinds.length ? kinds[number] : OTHER;
    // A known field sent with another wire type is an unknown field to protobuf: skipped, kept.
    if (kind == OTHER || ProtoCursor.wireType(tag) != ProtoCursor.LEN) {
      in.skipField(tag);
      return;
    }
    int length = in.readLength();
    if (kind == STRING) {
      Utf8.check(in.buffer(), in.position(), length);
      in.skipBytes(length);
      return;
    }
    int outer = in.pushLimit(length);
    messages[number].check(in, depth + 1);
    in.popLimit(outer);
  }

  /** The shape of the message held in field {@code number}. */
  public MessageShape field(int number) {
    return messages[number];
  }
}
