package io.tailkeep.collector;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.SplittableRandom;

/**
 * Export requests with every field of every message set now and then, to random values at the
 * edges of their types: empty and unicode strings, unsigned values past 2^63, enum numbers no name
 * has, NaN and infinities, nested arrays and key-value lists, empty repeated fields.
 */
final class RandomRequests {

  private static final String[] PIECES = {
    "a", "Z", "0", " ", "/", "\"", "\\", "\n", "\t", "\u0000", "\u001f", "\u007f", "\u00e9",
    "\u4e2d", "\ud83d\ude00", "\u2028", "\uffff", "service.name", "GET /cart"
  };
  private static final double[] DOUBLES = {
    0.0, 1.0, -1.5, 0.1, 1e-300, 4.9e-324, Double.MAX_VALUE, -Double.MAX_VALUE, 1e21, 123456.789,
    Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY
  };
  private static final long[] LONGS = {
    0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1_700_000_000_123_456_789L, 4_294_967_295L
  };

  private final SplittableRandom random;

  RandomRequests(long seed) {
    this.random = new SplittableRandom(seed);
  }

  ExportTraceServiceRequest next() {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (int r = random.nextInt(4); r > 0; r--) {
      ResourceSpans.Builder resourceSpans = request.addResourceSpansBuilder();
      if (chance(0.8)) {
        resourceSpans.setResource(resource());
      }
      if (chance(0.5)) {
        resourceSpans.setSchemaUrl(text());
      }
      for (int s = random.nextInt(4); s > 0; s--) {
        ScopeSpans.Builder scopeSpans = resourceSpans.addScopeSpansBuilder();
        if (chance(0.8)) {
          scopeSpans.setScope(scope());
        }
        if (chance(0.5)) {
          scopeSpans.setSchemaUrl(text());
        }
        for (int i = random.nextInt(5); i > 0; i--) {
          scopeSpans.addSpans(span());
        }
      }
    }
    return request.build();
  }

  private Resource resource() {
    Resource.Builder resource = Resource.newBuilder();
    for (int i = random.nextInt(5); i > 0; i--) {
      resource.addAttributes(keyValue(3));
    }
    resource.setDroppedAttributesCount(uint32());
    for (int i = random.nextInt(3); i > 0; i--) {
      EntityRef.Builder ref = resource.addEntityRefsBuilder().setSchemaUrl(text()).setType(text());
      for (int k = random.nextInt(3); k > 0; k--) {
        ref.addIdKeys(text());
      }
      for (int k = random.nextInt(3); k > 0; k--) {
        ref.addDescriptionKeys(text());
      }
    }
    return resource.build();
  }

  private InstrumentationScope scope() {
    InstrumentationScope.Builder scope =
        InstrumentationScope.newBuilder().setName(text()).setVersion(text());
    for (int i = random.nextInt(3); i > 0; i--) {
      scope.addAttributes(keyValue(2));
    }
    return scope.setDroppedAttributesCount(uint32()).build();
  }

  private Span span() {
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(id(16))
            .setSpanId(id(8))
            .setTraceState(text())
            .setParentSpanId(id(8))
            .setFlags(uint32())
            .setName(text())
            .setKindValue(enumNumber(5))
            .setStartTimeUnixNano(long64())
            .setEndTimeUnixNano(long64())
            .setDroppedAttributesCount(uint32())
            .setDroppedEventsCount(uint32())
            .setDroppedLinksCount(uint32());
    for (int i = random.nextInt(6); i > 0; i--) {
      span.addAttributes(keyValue(3));
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      Span.Event.Builder event =
          span.addEventsBuilder().setTimeUnixNano(long64()).setName(text());
      for (int a = random.nextInt(3); a > 0; a--) {
        event.addAttributes(keyValue(2));
      }
      event.setDroppedAttributesCount(uint32());
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      Span.Link.Builder link =
          span.addLinksBuilder().setTraceId(id(16)).setSpanId(id(8)).setTraceState(text());
      for (int a = random.nextInt(3); a > 0; a--) {
        link.addAttributes(keyValue(2));
      }
      link.setDroppedAttributesCount(uint32()).setFlags(uint32());
    }
    if (chance(0.5)) {
      span.setStatus(Status.newBuilder().setMessage(text()).setCodeValue(enumNumber(2)));
    }
    return span.build();
  }

  private KeyValue keyValue(int depth) {
    KeyValue.Builder keyValue = KeyValue.newBuilder().setKey(text());
    if (chance(0.9)) {
      keyValue.setValue(anyValue(depth));
    }
    if (chance(0.1)) {
      keyValue.setKeyStrindex(random.nextInt());
    }
    return keyValue.build();
  }

  private AnyValue anyValue(int depth) {
    AnyValue.Builder value = AnyValue.newBuilder();
    switch (random.nextInt(depth > 0 ? 10 : 8)) {
      case 0 -> value.setStringValue(text());
      case 1 -> value.setBoolValue(random.nextBoolean());
      case 2 -> value.setIntValue(long64());
      case 3 -> value.setDoubleValue(chance(0.5) ? DOUBLES[random.nextInt(DOUBLES.length)] : random.nextDouble() * 1e6);
      case 4 -> value.setBytesValue(bytes(random.nextInt(12)));
      case 5 -> value.setStringValueStrindex(random.nextInt());
      case 6 -> value.setStringValue("");
      case 7 -> {} // no value at all
      case 8 -> {
        ArrayValue.Builder array = ArrayValue.newBuilder();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.addValues(anyValue(depth - 1));
        }
        value.setArrayValue(array);
      }
      default -> {
        KeyValueList.Builder list = KeyValueList.newBuilder();
        for (int i = random.nextInt(4); i > 0; i--) {
          list.addValues(keyValue(depth - 1));
        }
        value.setKvlistValue(list);
      }
    }
    return value.build();
  }

  private String text() {
    if (chance(0.2)) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(1, 6); i > 0; i--) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return text.toString();
  }

  /** Mostly the size OTLP wants; sometimes empty or of a wrong size, which the reader passes on. */
  private ByteString id(int size) {
    int roll = random.nextInt(10);
    return roll == 0 ? ByteString.EMPTY : bytes(roll == 1 ? random.nextInt(1, 20) : size);
  }

  private ByteString bytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  private int uint32() {
    int roll = random.nextInt(4);
    return roll == 0 ? 0 : roll == 1 ? -1 : random.nextInt();
  }

  private long long64() {
    return chance(0.5) ? LONGS[random.nextInt(LONGS.length)] : random.nextLong();
  }

  /** A named value mostly; sometimes a number no name has, even a negative one. */
  private int enumNumber(int highest) {
    int roll = random.nextInt(10);
    return roll == 0 ? 99 : roll == 1 ? -1 : random.nextInt(highest + 1);
  }

  private boolean chance(double p) {
    return random.nextDouble() < p;
  }
}
