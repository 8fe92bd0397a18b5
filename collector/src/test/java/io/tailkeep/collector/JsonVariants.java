package io.tailkeep.collector;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The same OTLP/JSON request written the other ways senders may write it: proto field names,
 * enum names, 64-bit integers as JSON numbers, 32-bit ones as strings, unknown fields, explicit
 * nulls, keys in another order, indentation. Each transform edits a Vert.x tree in place.
 */
final class JsonVariants {

  /** Holds a number's JSON text as it is, so no conversion rounds it. */
  record RawNumber(String text) {}

  private static final Set<String> INT64_KEYS =
      Set.of("startTimeUnixNano", "endTimeUnixNano", "timeUnixNano", "intValue");
  private static final Set<String> UINT32_KEYS =
      Set.of(
          "droppedAttributesCount", "droppedEventsCount", "droppedLinksCount", "flags",
          "keyStrindex", "stringValueStrindex");
  private static final List<String> ANY_VALUE_KEYS =
      List.of(
          "stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue",
          "bytesValue", "stringValueStrindex");
  private static final List<String> SPAN_OPTIONAL_KEYS =
      List.of("traceState", "parentSpanId", "status", "events", "links", "attributes", "kind");

  private JsonVariants() {}

  /** 64-bit integers (written as strings by the printer) as JSON numbers. */
  static void int64AsNumbers(Object json) {
    eachObject(json, object -> {
      for (String key : List.copyOf(object.fieldNames())) {
        if (INT64_KEYS.contains(key) && object.getValue(key) instanceof String text) {
          object.put(key, new RawNumber(new BigInteger(text).toString()));
        }
      }
    });
  }

  /** 32-bit integers (written as numbers by the printer) as strings. */
  static void int32AsStrings(Object json) {
    eachObject(json, object -> {
      for (String key : List.copyOf(object.fieldNames())) {
        if (UINT32_KEYS.contains(key) && object.getValue(key) instanceof Number number) {
          object.put(key, number.toString());
        }
      }
    });
  }

  /** Span kinds and status codes by name where the number has one. */
  static void enumNames(Object json) {
    eachObject(json, object -> {
      if (object.getValue("kind") instanceof Number kind
          && Span.SpanKind.forNumber(kind.intValue()) != null) {
        object.put("kind", Span.SpanKind.forNumber(kind.intValue()).name());
      }
      if (object.getValue("code") instanceof Number code
          && Status.StatusCode.forNumber(code.intValue()) != null) {
        object.put("code", Status.StatusCode.forNumber(code.intValue()).name());
      }
    });
  }

  /** Every key in the proto file's spelling: resource_spans, trace_id, ... */
  static Object snakeCase(Object json) {
    if (json instanceof JsonObject object) {
      JsonObject renamed = new JsonObject();
      for (Map.Entry<String, Object> field : object) {
        renamed.put(snake(field.getKey()), snakeCase(field.getValue()));
      }
      return renamed;
    }
    if (json instanceof JsonArray array) {
      JsonArray renamed = new JsonArray();
      array.forEach(value -> renamed.add(snakeCase(value)));
      return renamed;
    }
    return json;
  }

  /** A field the reader does not know in every object, holding any JSON at all. */
  static void unknownFields(Object json, SplittableRandom random) {
    eachObject(json, object -> object.put("futureField" + random.nextInt(100), anyJson(random, 3)));
  }

  /** Explicit nulls for absent fields, and for an AnyValue's other oneof members. */
  static void explicitNulls(Object json) {
    eachObject(json, object -> {
      if (ANY_VALUE_KEYS.stream().anyMatch(object::containsKey)) {
        ANY_VALUE_KEYS.forEach(key -> object.getMap().putIfAbsent(key, null));
      }
      if (object.containsKey("spanId") && object.containsKey("name")) {
        SPAN_OPTIONAL_KEYS.forEach(key -> object.getMap().putIfAbsent(key, null));
      }
    });
  }

  /** Keys in a random order in every object. */
  static Object shuffledKeys(Object json, SplittableRandom random) {
    if (json instanceof JsonObject object) {
      List<String> keys = new ArrayList<>(object.fieldNames());
      for (int i = keys.size() - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        keys.set(i, keys.set(j, keys.get(i)));
      }
      JsonObject shuffled = new JsonObject();
      keys.forEach(key -> shuffled.put(key, shuffledKeys(object.getValue(key), random)));
      return shuffled;
    }
    if (json instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(value -> copy.add(shuffledKeys(value, random)));
      return copy;
    }
    return json;
  }

  /** The tree as JSON text; numbers as they are held (no rounding through double). */
  static String write(Object json, boolean pretty) {
    StringWriter text = new StringWriter();
    try (JsonGenerator generator = new JsonFactory().createGenerator(text)) {
      if (pretty) {
        generator.useDefaultPrettyPrinter();
      }
      write(generator, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static void write(JsonGenerator generator, Object json) throws IOException {
    if (json instanceof JsonObject object) {
      generator.writeStartObject();
      for (Map.Entry<String, Object> field : object) {
        generator.writeFieldName(field.getKey());
        write(generator, field.getValue());
      }
      generator.writeEndObject();
    } else if (json instanceof JsonArray array) {
      generator.writeStartArray();
      for (Object value : array) {
        write(generator, value);
      }
      generator.writeEndArray();
    } else if (json instanceof RawNumber number) {
      generator.writeNumber(number.text());
    } else if (json instanceof Number number) {
      generator.writeNumber(number.toString());
    } else if (json instanceof String string) {
      generator.writeString(string);
    } else if (json instanceof Boolean bool) {
      generator.writeBoolean(bool);
    } else if (json == null) {
      generator.writeNull();
    } else {
      throw new IllegalArgumentException("not JSON: " + json.getClass());
    }
  }

  private static Object anyJson(SplittableRandom random, int depth) {
    int kind = random.nextInt(depth > 0 ? 8 : 6);
    return switch (kind) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> new RawNumber(Long.toString(random.nextLong()));
      case 3 -> new RawNumber(Double.toString(random.nextDouble() * 1e10));
      case 4 -> "text \"" + random.nextInt() + "\" \u00e9";
      case 5 -> "";
      case 6 -> {
        JsonObject object = new JsonObject();
        for (int i = random.nextInt(4); i > 0; i--) {
          // Known names inside an unknown field must be skipped with it.
          object.put(i == 1 ? "traceId" : "k" + i, anyJson(random, depth - 1));
        }
        yield object;
      }
      default -> {
        JsonArray array = new JsonArray();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(anyJson(random, depth - 1));
        }
        yield array;
      }
    };
  }

  private static String snake(String camel) {
    StringBuilder snake = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        snake.append('_').append(Character.toLowerCase(c));
      } else {
        snake.append(c);
      }
    }
    return snake.toString();
  }

  private interface ObjectVisitor {
    void visit(JsonObject object);
  }

  private static void eachObject(Object json, ObjectVisitor visitor) {
    if (json instanceof JsonObject object) {
      // Children as they were before the visit: what a visitor adds is not visited again.
      List<String> keys = List.copyOf(object.fieldNames());
      visitor.visit(object);
      for (String key : keys) {
        eachObject(object.getValue(key), visitor);
      }
    } else if (json instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        eachObject(array.getValue(i), visitor);
      }
    }
  }
}
