package io.tailkeep.ui.jaeger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * JSON written with Jackson's streaming generator straight into a {@link Buffer}: no {@link
 * JsonObject} tree per span. Vert.x encodes its own JSON through the same generator, so the text is
 * what {@code encode()} (or, indented, {@code encodePrettily()}) writes for the same values.
 */
final class JsonOutput {
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
  interface Body {
    void writeTo(JsonGenerator json) throws IOException;
  }

  private JsonOutput() {}

  /**
   * The document {@code body} writes.
   *
   * @param expectedBytes a guess of the size, to spare the buffer's regrowth (up to 16 MiB)
   * @param pretty indented as {@code encodePrettily()} indents
   */
  static Buffer write(long expectedBytes, boolean pretty, Body body) {
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
