package io.tailkeep.collector;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads an OTLP/JSON {@code ExportTraceServiceRequest} and writes the same request as protobuf
 * bytes in one pass: Jackson's tokens go straight to the wire format, with no JSON tree and no
 * message objects on the way.
 *
 * <p>It reads what protobuf's {@code JsonFormat} (ignoring unknown fields) read before, after the
 * hex IDs were turned into base64: lowerCamelCase or proto field names; 64-bit integers as strings
 * or numbers; enums as names or numbers (an unknown name is dropped, an unknown number kept);
 * {@code null} as an absent field; trace and span IDs of spans and links in hex. Scalars are read
 * as JsonFormat read them from the re-encoded tree (a number in a string field is its text, a
 * fractional number is a double first), so a body gives the same request as before. Two
 * deliberate differences: a field given twice (the same key twice, or both spellings) is refused,
 * where the tree kept the last of two equal keys; and an ID that is a JSON number or boolean is
 * refused as not hex, where it used to be read as base64 text.
 *
 * <p>Fields are written in the order the body gives them, which protobuf parsers accept in any
 * order. Every failure is an {@link InvalidProtocolBufferException} naming the field's path, such
 * as {@code resourceSpans[0].scopeSpans[1].spans[2].traceId}.
 */
final class OtlpJsonReader {

  /** As protobuf's parsers: JsonFormat and {@code parseFrom} both refuse deeper messages. */
  static final int MAX_MESSAGE_DEPTH = 100;

  // Vert.x's own parser, which read these bodies before, allows comments; so does this one.
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS).build();

  private static final String HEX_PROBLEM = " must be a hex string (OTLP/JSON writes IDs in hex), got ";

  private enum Message {
    RESOURCE_SPANS, RESOURCE, ENTITY_REF, SCOPE_SPANS, SCOPE, SPAN, EVENT, LINK, STATUS,
    KEY_VALUE, ANY_VALUE, ARRAY_VALUE, KEY_VALUE_LIST
  }

  private enum IntegerType {
    INT32("a 32-bit integer", Integer.MIN_VALUE, Integer.MAX_VALUE),
    UINT32("an unsigned 32-bit integer", 0, 0xFFFF_FFFFL),
    INT64("a 64-bit integer", Long.MIN_VALUE, Long.MAX_VALUE),
    // Values from 2^63 up are read on the slow path; those below fit a long as they are.
    UINT64("an unsigned 64-bit integer", 0, Long.MAX_VALUE);

    final String description;
    final long min;
    final long max;

    IntegerType(String description, long min, long max) {
      this.description = description;
      this.min = min;
      this.max = max;
    }
  }

  private static final BigInteger MAX_UINT64 = new BigInteger("FFFFFFFFFFFFFFFF", 16);
  // JsonFormat's bounds for a double given as text: a little slack for printed values.
  private static final BigDecimal MORE_THAN_ONE = new BigDecimal(String.valueOf(1.0 + 1e-6));
  private static final BigDecimal MAX_DOUBLE =
      new BigDecimal(String.valueOf(Double.MAX_VALUE)).multiply(MORE_THAN_ONE);
  private static final BigDecimal MIN_DOUBLE =
      new BigDecimal(String.valueOf(-Double.MAX_VALUE)).multiply(MORE_THAN_ONE);

  private final JsonParser json;
  private final WireWriter out;
  private final FieldPath path = new FieldPath();
  private int depth;

  private OtlpJsonReader(JsonParser json, WireWriter out) {
    this.json = json;
    this.out = out;
  }

  /** The protobuf encoding of the request {@code body} holds; the exception names what is wrong. */
  static byte[] toProtobuf(Buffer body) throws InvalidProtocolBufferException {
    byte[] bytes = body.getBytes();
    return toProtobuf(bytes, 0, bytes.length);
  }

  static byte[] toProtobuf(byte[] body, int offset, int length)
      throws InvalidProtocolBufferException {
    try (JsonParser parser = JSON.createParser(body, offset, length)) {
      // Protobuf takes a third to a half of the space of the same request in JSON.
      OtlpJsonReader reader = new OtlpJsonReader(parser, new WireWriter(length / 2));
      reader.readRequest();
      return reader.out.toByteArray();
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (JsonProcessingException e) {
      throw new InvalidProtocolBufferException(
          "body is not a JSON object: " + e.getOriginalMessage() + at(e.getLocation()));
    } catch (IOException e) {
      throw new InvalidProtocolBufferException("body is not a JSON object: " + e.getMessage());
    }
  }

  private void readRequest() throws IOException {
    JsonToken first = json.nextToken();
    if (first != JsonToken.START_OBJECT) {
      throw new InvalidProtocolBufferException(
          "body is not a JSON object: it is " + (first == null ? "empty" : describe(first)));
    }
    long seen = 0;
    for (String key = json.nextFieldName(); key != null; key = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      int field =
          switch (key) {
            case "resourceSpans", "resource_spans" -> 1;
            default -> 0;
          };
      if (absent(field, token)) {
        continue;
      }
      seen = once(seen, field, key);
      repeatedMessages(1, key, token, Message.RESOURCE_SPANS);
    }
    if (json.nextToken() != null) {
      throw new InvalidProtocolBufferException(
          "body is not a JSON object: more follows its end" + at(json.currentTokenLocation()));
    }
  }

  private void readFields(Message message) throws IOException {
    switch (message) {
      case RESOURCE_SPANS -> readResourceSpans();
      case RESOURCE -> readResource();
      case ENTITY_REF -> readEntityRef();
      case SCOPE_SPANS -> readScopeSpans();
      case SCOPE -> readScope();
      case SPAN -> readSpan();
      case EVENT -> readEvent();
      case LINK -> readLink();
      case STATUS -> readStatus();
      case KEY_VALUE -> readKeyValue();
      case ANY_VALUE -> readAnyValue();
      case ARRAY_VALUE -> readValues(Message.ANY_VALUE);
      case KEY_VALUE_LIST -> readValues(Message.KEY_VALUE);
    }
  }

  private void readResourceSpans() throws IOException {
    long seen = 0;
    for (String key = json.nextFieldName(); key != null; key = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      int field =
          switch (key) {
            case "resource" -> 1;
            case "scopeSpans", "scope_spans" -> 2;
            case "schemaUrl", "schema_url" -> 3;
            default -> 0;
          };
      if (absent(field, token)) {
        continue;
      }
      seen = once(seen, field, key);
      switch (field) {
        case 1 -> message(1, key, token, Message.RESOURCE);
        case 2 -> repeatedMessages(2, key, token, Message.SCOPE_SPANS);
        default -> string(3, key, token, false);
      }
    }
  }

  private void readResource() throws IOException {
    long seen = 0;
    for (String key = json.nextFieldName(); key != null; key = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      int field =
          switch (key) {
            case "attributes" -> 1;
            case "droppedAttributesCount", "dropped_attributes_count" -> 2;
            case "entityRefs", "entity_refs" -> 3;
            default -> 0;
          };
      if (absent(field, token)) {
        continue;
      }
      seen = once(seen, field, key);
      switch (field) {
        case 1 -> repeatedMessages(1, key, token, Message.KEY_VALUE);
        case 2 -> uint32(2, key, token);
        default -> repeatedMessages(3, key, token, Message.ENTITY_REF);
      }
    }
  }

  private void readEntityRef() throws IOException {
    long seen = 0;
    for (String key = json.nextFieldName(); key != null; key = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      int field =
          switch (key) {
            case "schemaUrl", "schema_url" -> 1;
            case "type" -> 2;
            case "idKeys", "id_keys" -> 3;
            case "descriptionKeys", "description_keys" -> 4;
            default -> 0;
          };
      if (absent(field, token)) {
        continue;
      }
      seen = once(seen, field, key);
      if (field <= 2) {
        string(field, key, token, false);
      } else {
        repeatedStrings(field, key, token);
      }
    }
  }

  private void readScopeSpans() throws IOException {
    long seen = 0;
    for (String key = json.nextFieldName(); key != null; key = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      int field =
          switch (key) {
            case "scope" -> 1;
            case "spans" -> 2;
            case "schemaUrl", "schema_url" -> 3;
            default -> 0;
          };
      if (absent(field, token)) {
        continue;
      }
      seen = once(seen, field, key);
      switch (field) {
        case 1 -> message(1, key, token, Message.SCOPE);
        case 2 -> repeatedMessages(2, key, token, Message.SPAN);
        default -> string(3, key, token, false);
      }
    }
  }

  private void readScope() throws IOException {
    long seen = 0;
    for (String key = json.nextFieldName(); key != null; key = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      int field =
          switch (key) {
            case "name" -> 1;
            case "version" -> 2;
            case "attributes" -> 3;
            case "droppedAttributesCount", "dropped_attributes_count" -> 4;
            default -> 0;
          };
      if (absent(field, token)) {
        continue;
      }
      seen = once(seen, field, key);
      switch (field) {
        case 1, 2 -> string(field, key, token, false);
        case 3 -> repeatedMessages(3, key, token, Message.KEY_VALUE);
        default -> uint32(4, key, token);
      }
    }
  }

  private void readSpan() throws IOException {
    long seen = 0;
    for (String key = json.nextFieldName(); key != null; key = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      int field =
          switch (key) {
            case "traceId", "trace_id" -> 1;
            case "spanId", "span_id" -> 2;
            case "traceState", "trace_state" -> 3;
            case "parentSpanId", "parent_span_id" -> 4;
            case "name" -> 5;
            case "kind" -> 6;
            case "startTimeUnixNano", "start_time_unix_nano" -> 7;
            case "endTimeUnixNano", "end_time_unix_nano" -> 8;
            case "attributes" -> 9;
            case "droppedAttributesCount", "dropped_attributes_count" -> 10;
            case "events" -> 11;
            case "droppedEventsCount", "dropped_events_count" -> 12;
            case "links" -> 13;
            case "droppedLinksCount", "dropped_links_count" -> 14;
            case "status" -> 15;
            case "flags" -> 16;
            default -> 0;
          };
      if (absent(field, token)) {
        continue;
      }
      seen = once(seen, field, key);
      switch (field) {
        case 1, 2, 4 -> hexId(field, key, token);
        case 3, 5 -> string(field, key, token, false);
        case 6 -> spanKind(key, token);
        case 7, 8 -> fixed64(field, key, token);
        case 9 -> repeatedMessages(9, key, token, Message.KEY_VALUE);
        case 10, 12, 14 -> uint32(field, key, token);
        case 11 -> repeatedMessages(11, key, token, Message.EVENT);
        case 13 -> repeatedMessages(13, key, token, Message.LINK);
        case 15 -> message(15, key, token, Message.STATUS);
        default -> fixed32(16, key, token);
      }
    }
  }

  private void readEvent() throws IOException {
    long seen = 0;
    for (String key = json.nextFieldName(); key != null; key = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      int field =
          switch (key) {
            case "timeUnixNano", "time_unix_nano" -> 1;
            case "name" -> 2;
            case "attributes" -> 3;
            case "droppedAttributesCount", "dropped_attributes_count" -> 4;
            default -> 0;
          };
      if (absent(field, token)) {
        continue;
      }
      seen = once(seen, field, key);
      switch (field) {
        case 1 -> fixed64(1, key, token);
        case 2 -> string(2, key, token, false);
        case 3 -> repeatedMessages(3, key, token, Message.KEY_VALUE);
        default -> uint32(4, key, token);
      }
    }
  }

  private void readLink() throws IOException {
    long seen = 0;
    for (String key = json.nextFieldName(); key != null; key = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      int field =
          switch (key) {
            case "traceId", "trace_id" -> 1;
            case "spanId", "span_id" -> 2;
            case "traceState", "trace_state" -> 3;
            case "attributes" -> 4;
            case "droppedAttributesCount", "dropped_attributes_count" -> 5;
            case "flags" -> 6;
            default -> 0;
          };
      if (absent(field, token)) {
        continue;
      }
      seen = once(seen, field, key);
      switch (field) {
        case 1, 2 -> hexId(field, key, token);
        case 3 -> string(3, key, token, false);
        case 4 -> repeatedMessages(4, key, token, Message.KEY_VALUE);
        case 5 -> uint32(5, key, token);
        default -> fixed32(6, key, token);
      }
    }
  }

  private void readStatus() throws IOException {
    long seen = 0;
    for (String key = json.nextFieldName(); key != null; key = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      int field =
          switch (key) {
            case "message" -> 2;
            case "code" -> 3;
            default -> 0;
          };
      if (absent(field, token)) {
        continue;
      }
      seen = once(seen, field, key);
      if (field == 2) {
        string(2, key, token, false);
      } else {
        statusCode(key, token);
      }
    }
  }

  private void readKeyValue() throws IOException {
    long seen = 0;
    for (String key = json.nextFieldName(); key != null; key = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      int field =
          switch (key) {
            case "key" -> 1;
            case "value" -> 2;
            case "keyStrindex", "key_strindex" -> 3;
            default -> 0;
          };
      if (absent(field, token)) {
        continue;
      }
      seen = once(seen, field, key);
      switch (field) {
        case 1 -> string(1, key, token, false);
        case 2 -> message(2, key, token, Message.ANY_VALUE);
        default -> int32(3, key, token, false);
      }
    }
  }

  /** A oneof: every member given is written, even a default value, and at most one may be. */
  private void readAnyValue() throws IOException {
    String chosen = null;
    for (String key = json.nextFieldName(); key != null; key = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      int field =
          switch (key) {
            case "stringValue", "string_value" -> 1;
            case "boolValue", "bool_value" -> 2;
            case "intValue", "int_value" -> 3;
            case "doubleValue", "double_value" -> 4;
            case "arrayValue", "array_value" -> 5;
            case "kvlistValue", "kvlist_value" -> 6;
            case "bytesValue", "bytes_value" -> 7;
            case "stringValueStrindex", "string_value_strindex" -> 8;
            default -> 0;
          };
      if (absent(field, token)) {
        continue;
      }
      if (chosen != null) {
        throw invalid(
            path.render(null) + " has both " + chosen + " and " + key + "; an AnyValue holds one value");
      }
      chosen = key;
      switch (field) {
        case 1 -> string(1, key, token, true);
        case 2 -> out.bool(2, bool(key, token));
        case 3 -> out.int64(3, integer(key, token, IntegerType.INT64));
        case 4 -> out.double64(4, float64(key, token));
        case 5 -> message(5, key, token, Message.ARRAY_VALUE);
        case 6 -> message(6, key, token, Message.KEY_VALUE_LIST);
        case 7 -> out.bytes(7, base64(key, token));
        default -> int32(8, key, token, true);
      }
    }
  }

  /** ArrayValue and KeyValueList: one repeated field, {@code values}. */
  private void readValues(Message element) throws IOException {
    long seen = 0;
    for (String key = json.nextFieldName(); key != null; key = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      int field = key.equals("values") ? 1 : 0;
      if (absent(field, token)) {
        continue;
      }
      seen = once(seen, field, key);
      repeatedMessages(1, key, token, element);
    }
  }

  // ---- fields ----

  /** Unknown keys are skipped with their values; null means absent, as in JsonFormat. */
  private boolean absent(int field, JsonToken token) throws IOException {
    if (field == 0) {
      json.skipChildren();
      return true;
    }
    return token == JsonToken.VALUE_NULL;
  }

  private long once(long seen, int field, String key) throws InvalidProtocolBufferException {
    long bit = 1L << field;
    if ((seen & bit) != 0) {
      String other = otherSpelling(key);
      throw invalid(
          path.render(key)
              + " is given twice"
              + (other.equals(key) ? "" : " (as " + key + " or " + other + ")"));
    }
    return seen | bit;
  }

  private void message(int field, String key, JsonToken token, Message message)
      throws IOException {
    if (token != JsonToken.START_OBJECT) {
      throw invalid(path.render(key) + " must be a JSON object, got " + describe(token));
    }
    path.push(key);
    embedded(field, message);
    path.pop();
  }

  private void repeatedMessages(int field, String key, JsonToken token, Message message)
      throws IOException {
    if (token != JsonToken.START_ARRAY) {
      throw invalid(path.render(key) + " must be an array, got " + describe(token));
    }
    path.push(key);
    int index = 0;
    for (JsonToken element = json.nextToken(); element != JsonToken.END_ARRAY; element = json.nextToken()) {
      path.index(index++);
      if (element != JsonToken.START_OBJECT) {
        throw invalid(path.render(null) + " must be a JSON object, got " + describe(element));
      }
      embedded(field, message);
    }
    path.pop();
  }

  private void embedded(int field, Message message) throws IOException {
    if (depth == MAX_MESSAGE_DEPTH) {
      throw invalid(
          path.render(null) + " nests messages more than " + MAX_MESSAGE_DEPTH + " deep");
    }
    depth++;
    int start = out.beginMessage(field);
    readFields(message);
    out.endMessage(start);
    depth--;
  }

  private void repeatedStrings(int field, String key, JsonToken token) throws IOException {
    if (token != JsonToken.START_ARRAY) {
      throw invalid(path.render(key) + " must be an array, got " + describe(token));
    }
    path.push(key);
    int index = 0;
    for (JsonToken element = json.nextToken(); element != JsonToken.END_ARRAY; element = json.nextToken()) {
      path.index(index++);
      if (element == JsonToken.VALUE_NULL) {
        throw invalid(path.render(null) + " must be a string, got null");
      }
      string(field, null, element, true);
    }
    path.pop();
  }

  /** {@code always}: written even when empty (oneof members and repeated elements). */
  private void string(int field, String key, JsonToken token, boolean always) throws IOException {
    if (token == JsonToken.VALUE_STRING) {
      char[] chars = json.getTextCharacters();
      int offset = json.getTextOffset();
      int length = json.getTextLength();
      if (length > 0 || always) {
        out.string(field, chars, offset, length);
      }
    } else {
      String text = scalarText(key, token, "a string");
      out.string(field, text.toCharArray(), 0, text.length());
    }
  }

  private void hexId(int field, String key, JsonToken token) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      throw invalid(path.render(key) + HEX_PROBLEM + describe(token));
    }
    char[] chars = json.getTextCharacters();
    int offset = json.getTextOffset();
    int length = json.getTextLength();
    if (length % 2 != 0 || !isHex(chars, offset, length)) {
      throw invalid(path.render(key) + HEX_PROBLEM + length + " characters");
    }
    if (length > 0) {
      out.hexBytes(field, chars, offset, length);
    }
  }

  private void uint32(int field, String key, JsonToken token) throws IOException {
    long value = integer(key, token, IntegerType.UINT32);
    if (value != 0) {
      out.uint32(field, (int) value);
    }
  }

  private void int32(int field, String key, JsonToken token, boolean always) throws IOException {
    long value = integer(key, token, IntegerType.INT32);
    if (value != 0 || always) {
      out.int32(field, (int) value);
    }
  }

  private void fixed32(int field, String key, JsonToken token) throws IOException {
    long value = integer(key, token, IntegerType.UINT32);
    if (value != 0) {
      out.fixed32(field, (int) value);
    }
  }

  private void fixed64(int field, String key, JsonToken token) throws IOException {
    long value = integer(key, token, IntegerType.UINT64);
    if (value != 0) {
      out.fixed64(field, value);
    }
  }

  private void spanKind(String key, JsonToken token) throws IOException {
    String name = enumName(key, token, "a SpanKind");
    int value =
        name == null
            ? enumNumber()
            : switch (name) {
              case "SPAN_KIND_UNSPECIFIED" -> 0;
              case "SPAN_KIND_INTERNAL" -> 1;
              case "SPAN_KIND_SERVER" -> 2;
              case "SPAN_KIND_CLIENT" -> 3;
              case "SPAN_KIND_PRODUCER" -> 4;
              case "SPAN_KIND_CONSUMER" -> 5;
              default -> enumNumber(name);
            };
    if (value != 0) {
      out.int32(6, value);
    }
  }

  private void statusCode(String key, JsonToken token) throws IOException {
    String name = enumName(key, token, "a StatusCode");
    int value =
        name == null
            ? enumNumber()
            : switch (name) {
              case "STATUS_CODE_UNSET" -> 0;
              case "STATUS_CODE_OK" -> 1;
              case "STATUS_CODE_ERROR" -> 2;
              default -> enumNumber(name);
            };
    if (value != 0) {
      out.int32(3, value);
    }
  }

  /** The text to look up as an enum name, or null for a plain JSON integer. */
  private String enumName(String key, JsonToken token, String what) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT) {
      return null;
    }
    return scalarText(key, token, what + " name or number");
  }

  /**
   * A JSON integer as an enum number. Like JsonFormat with unknown fields ignored, any int32 is
   * kept (proto3 enums are open) and anything else leaves the field unset (0 is never written).
   */
  private int enumNumber() throws IOException {
    return json.getNumberType() == JsonParser.NumberType.INT ? json.getIntValue() : 0;
  }

  private static int enumNumber(String text) {
    try {
      return (int) parseInteger(text, IntegerType.INT32);
    } catch (NumberFormatException | ArithmeticException e) {
      return 0;
    }
  }

  /** An integer as JsonFormat reads it: a JSON integer, or text that is one (even "1e3", "5.0"). */
  private long integer(String key, JsonToken token, IntegerType type) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT) {
      JsonParser.NumberType numberType = json.getNumberType();
      if (numberType != JsonParser.NumberType.BIG_INTEGER) {
        long value = json.getLongValue();
        if (value < type.min || value > type.max) {
          throw invalid(path.render(key) + " must be " + type.description + ", got " + value);
        }
        return value;
      }
    } else if (token == JsonToken.VALUE_STRING) {
      long value = plainDecimal(json.getTextCharacters(), json.getTextOffset(), json.getTextLength());
      if (value != NOT_PLAIN && value >= type.min && value <= type.max) {
        return value;
      }
    }
    String text = scalarText(key, token, type.description);
    try {
      if (text.length() > MAX_NUMBER_TEXT) {
        throw new NumberFormatException("too long");
      }
      return parseInteger(text, type);
    } catch (NumberFormatException | ArithmeticException e) {
      throw invalid(path.render(key) + " must be " + type.description + ", got " + quote(token, text));
    }
  }

  private static final long NOT_PLAIN = Long.MIN_VALUE;

  /**
   * Numbers given as longer text are refused: Jackson refuses JSON numbers this long, and decimal
   * parsing of megabyte-long digit strings costs quadratic time.
   */
  private static final int MAX_NUMBER_TEXT = 1000;

  /**
   * The common case fast: an optional '-' and 1 to 19 ASCII digits that fit a long; anything else
   * is {@link #NOT_PLAIN} and takes the slow path.
   */
  private static long plainDecimal(char[] chars, int offset, int length) {
    boolean negative = length > 0 && chars[offset] == '-';
    int start = negative ? offset + 1 : offset;
    int end = offset + length;
    int digits = end - start;
    if (digits < 1 || digits > 19) {
      return NOT_PLAIN;
    }
    long value = 0;
    for (int i = start; i < end; i++) {
      int digit = chars[i] - '0';
      if (digit < 0 || digit > 9 || value > (Long.MAX_VALUE - digit) / 10) {
        return NOT_PLAIN;
      }
      value = value * 10 + digit;
    }
    return negative ? -value : value;
  }

  /** JsonFormat's rules for integer text, which also take exponents, fractions of zero and '+'. */
  private static long parseInteger(String text, IntegerType type) {
    switch (type) {
      case INT32:
        try {
          return Integer.parseInt(text);
        } catch (NumberFormatException e) {
          return new BigDecimal(text).intValueExact();
        }
      case INT64:
        try {
          return Long.parseLong(text);
        } catch (NumberFormatException e) {
          return new BigDecimal(text).longValueExact();
        }
      case UINT32:
        BigInteger uint32 = exactInteger(text);
        if (uint32.signum() < 0 || uint32.bitLength() > 32) {
          throw new ArithmeticException("out of range");
        }
        return uint32.longValue();
      default:
        BigInteger uint64 = exactInteger(text);
        if (uint64.signum() < 0 || uint64.compareTo(MAX_UINT64) > 0) {
          throw new ArithmeticException("out of range");
        }
        return uint64.longValue();
    }
  }

  /**
   * {@code new BigDecimal(text).toBigIntegerExact()}, without its cost for huge exponents
   * ("1e999999999" would build a billion-digit number): more than 20 integer digits is out of
   * any range here, and a fraction left after dropping trailing zeros is not an integer.
   */
  private static BigInteger exactInteger(String text) {
    BigDecimal value = new BigDecimal(text);
    if (value.signum() == 0) {
      return BigInteger.ZERO;
    }
    if ((long) value.precision() - value.scale() > 20) {
      throw new ArithmeticException("out of range");
    }
    BigDecimal integral = value.stripTrailingZeros();
    if (integral.scale() > 0) {
      throw new ArithmeticException("not an integer");
    }
    return integral.toBigIntegerExact();
  }

  private boolean bool(String key, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
      return token == JsonToken.VALUE_TRUE;
    }
    String text = scalarText(key, token, "true or false");
    if (text.equals("true") || text.equals("false")) {
      return text.equals("true");
    }
    throw invalid(path.render(key) + " must be true or false, got " + quote(token, text));
  }

  /** Doubles as JsonFormat reads them; never -0.0, which its decimal detour made 0.0. */
  private double float64(String key, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_FLOAT) {
      double value = json.getDoubleValue();
      return value == 0 ? 0.0 : value;
    }
    if (token == JsonToken.VALUE_NUMBER_INT
        && json.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      return json.getLongValue();
    }
    String text = scalarText(key, token, "a number");
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "Infinity":
        return Double.POSITIVE_INFINITY;
      case "-Infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        BigDecimal value;
        try {
          if (text.length() > MAX_NUMBER_TEXT) {
            throw new NumberFormatException("too long");
          }
          value = new BigDecimal(text);
        } catch (NumberFormatException e) {
          throw invalid(path.render(key) + " must be a number, got " + quote(token, text));
        }
        if (value.compareTo(MAX_DOUBLE) > 0 || value.compareTo(MIN_DOUBLE) < 0) {
          throw invalid(path.render(key) + " is out of range for a double: " + quote(token, text));
        }
        return value.doubleValue();
    }
  }

  /** Standard base64, or the URL-safe alphabet; padding optional (JsonFormat takes both). */
  private byte[] base64(String key, JsonToken token) throws IOException {
    String text = scalarText(key, token, "a base64 string");
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException notStandard) {
      try {
        return Base64.getUrlDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw invalid(path.render(key) + " must be base64 (" + e.getMessage() + ")");
      }
    }
  }

  /**
   * A scalar as JsonFormat saw it after Vert.x re-encoded the tree: a string as it is, an integer
   * in its decimal form, any other number as the double Vert.x held, true and false as words.
   */
  private String scalarText(String key, JsonToken token, String what) throws IOException {
    return switch (token) {
      case VALUE_STRING -> json.getText();
      case VALUE_NUMBER_INT -> json.getNumberValue().toString();
      case VALUE_NUMBER_FLOAT -> Double.toString(json.getDoubleValue());
      case VALUE_TRUE -> "true";
      case VALUE_FALSE -> "false";
      default -> throw invalid(path.render(key) + " must be " + what + ", got " + describe(token));
    };
  }

  // ---- helpers ----

  private static boolean isHex(char[] chars, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      char c = chars[i];
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE -> "true";
      case VALUE_FALSE -> "false";
      case VALUE_NULL -> "null";
      default -> token.asString() == null ? token.name() : token.asString();
    };
  }

  /** A value for a message: strings quoted and cut short, as bodies are not echoed whole. */
  private static String quote(JsonToken token, String text) {
    String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
    return token == JsonToken.VALUE_STRING ? '"' + shown + '"' : shown;
  }

  /** traceId for trace_id and the other way round. */
  private static String otherSpelling(String key) {
    StringBuilder other = new StringBuilder(key.length() + 4);
    if (key.indexOf('_') >= 0) {
      boolean upper = false;
      for (char c : key.toCharArray()) {
        if (c == '_') {
          upper = true;
        } else {
          other.append(upper ? Character.toUpperCase(c) : c);
          upper = false;
        }
      }
    } else {
      for (char c : key.toCharArray()) {
        if (Character.isUpperCase(c)) {
          other.append('_').append(Character.toLowerCase(c));
        } else {
          other.append(c);
        }
      }
    }
    return other.toString();
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 0
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static InvalidProtocolBufferException invalid(String message) {
    return new InvalidProtocolBufferException(message);
  }

  /**
   * Where the reader is, kept as references and ints so that it costs nothing until an error
   * names it: the keys of the enclosing fields, each with its array index (or -1).
   */
  private static final class FieldPath {
    private String[] keys = new String[16];
    private int[] indices = new int[16];
    private int size;

    void push(String key) {
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        indices = Arrays.copyOf(indices, size * 2);
      }
      keys[size] = key;
      indices[size] = -1;
      size++;
    }

    void index(int index) {
      indices[size - 1] = index;
    }

    void pop() {
      size--;
    }

    /** The path to {@code leaf} (a key of the innermost object), or to where the reader is. */
    String render(String leaf) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < size; i++) {
        if (i > 0) {
          text.append('.');
        }
        text.append(keys[i]);
        if (indices[i] >= 0) {
          text.append('[').append(indices[i]).append(']');
        }
      }
      if (leaf != null) {
        if (!text.isEmpty()) {
          text.append('.');
        }
        text.append(leaf);
      }
      return text.isEmpty() ? "the request" : text.toString();
    }
  }
}
