package io.tailkeep.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * JSON written with Jackson's streaming generator straight into a response {@link Buffer}: no
 * {@link JsonObject} tree per span, so a large trace costs one pass over its spans. The output is
 * what Vert.x's own encoder writes for the same values (Vert.x encodes through the same generator).
 */
public final class StreamingJson {
  /** A huge trace's buffer grows as it is written rather than being reserved whole up front. */
  private static final int MAX_FIRST_BUFFER = 16 << 20;

  /**
   * Characters outside the Basic Multilingual Plane (emoji, say) as UTF-8, as {@code encode()}
   * writes them, rather than the escaped surrogate pairs Jackson's byte output writes by default.
   */
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  /** Writes one JSON document. */
  @FunctionalInterface
  public interface Body {
    void writeTo(JsonGenerator json) throws IOException;
  }

  private StreamingJson() {}

  /**
   * The document {@code body} writes, as a buffer.
   *
   * @param expectedBytes a guess of the size, to spare the buffer's regrowth (up to 16 MiB)
   * @param pretty indented as Vert.x's {@code encodePrettily} indents
   */
  public static Buffer write(long expectedBytes, boolean pretty, Body body) {
    Buffer buffer = Buffer.buffer((int) Math.max(64, Math.min(expectedBytes, MAX_FIRST_BUFFER)));
    try (JsonGenerator json = FACTORY.createGenerator(new BufferOutput(buffer))) {
      if (pretty) {
        json.useDefaultPrettyPrinter();
      }
      body.writeTo(json);
    } catch (IOException e) {
      // Only the sink can fail, and appending to a buffer does not.
      throw new UncheckedIOException(e);
    }
    return buffer;
  }

  /**
   * Writes a small Vert.x JSON value (object, array, string, number, boolean or null) as Vert.x
   * would encode it: for headers and other parts that are not per span.
   */
  static void writeValue(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof String s) {
      json.writeString(s);
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof Integer i) {
      json.writeNumber(i);
    } else if (value instanceof Long l) {
      json.writeNumber(l);
    } else if (value instanceof Double d) {
      json.writeNumber(d);
    } else if (value instanceof Float f) {
      json.writeNumber(f);
    } else if (value instanceof JsonObject object) {
      json.writeStartObject();
      for (Map.Entry<String, Object> entry : object) {
        json.writeFieldName(entry.getKey());
        writeValue(json, entry.getValue());
      }
      json.writeEndObject();
    } else if (value instanceof JsonArray array) {
      json.writeStartArray();
      for (Object element : array) {
        writeValue(json, element);
      }
      json.writeEndArray();
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }
  }

  /** Jackson flushes its own 8 KB chunks here. */
  private static final class BufferOutput extends OutputStream {
    private final Buffer buffer;

    BufferOutput(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      buffer.appendBytes(bytes, offset, length);
    }
  }
}
