package io.tailkeep.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
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
   * Writes the document {@code body} writes as the answer of {@code response} (status 200, JSON),
   * sent in chunks of {@value #CHUNK_BYTES} bytes as they fill, so the client receives the first
   * part while the rest is written; an answer that fits one chunk goes whole, with its length.
   * Called off the event loop: each chunk is handed to {@code context}, which sends it.
   *
   * <p>If {@code body} fails before any chunk went out, nothing is sent and the failure is thrown
   * for the caller's error answer; after, the connection is reset, so the client sees a broken
   * answer rather than a short one that parses.
   *
   * @param pretty indented as Vert.x's {@code encodePrettily} indents
   */
  public static void stream(Context context, HttpServerResponse response, boolean pretty, Body body) {
    ChunkedOutput out = new ChunkedOutput(context, response);
    try {
      // Not closed on failure: closing would end the open arrays and objects, a short document.
      JsonGenerator json = FACTORY.createGenerator(out);
      if (pretty) {
        json.useDefaultPrettyPrinter();
      }
      body.writeTo(json);
      json.close();
    } catch (IOException | RuntimeException e) {
      if (out.abort()) {
        throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
      }
      return;
    }
    out.finish();
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

  /** Bytes gathered before a chunk of a streamed answer is sent. */
  static final int CHUNK_BYTES = 64 * 1024;

  /** Gathers a streamed answer's bytes and hands each full chunk to the response's context. */
  private static final class ChunkedOutput extends OutputStream {
    private final Context context;
    private final HttpServerResponse response;
    private Buffer chunk = Buffer.buffer(CHUNK_BYTES + 8192);
    private boolean sent;

    ChunkedOutput(Context context, HttpServerResponse response) {
      this.context = context;
      this.response = response;
    }

    @Override
    public void write(int b) {
      chunk.appendByte((byte) b);
      sendIfFull();
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      chunk.appendBytes(bytes, offset, length);
      sendIfFull();
    }

    private void sendIfFull() {
      if (chunk.length() < CHUNK_BYTES) {
        return;
      }
      Buffer full = chunk;
      chunk = Buffer.buffer(CHUNK_BYTES + 8192);
      boolean first = !sent;
      sent = true;
      context.runOnContext(
          v -> {
            if (first) {
              response
                  .setStatusCode(200)
                  .putHeader(HttpHeaders.CONTENT_TYPE, ApiJson.CONTENT_TYPE)
                  .setChunked(true);
            }
            response.write(full);
          });
    }

    /** The last bytes, and the end of the answer. */
    void finish() {
      Buffer last = chunk;
      boolean whole = !sent;
      context.runOnContext(
          v -> {
            if (whole) {
              ApiJson.send(response, 200, last);
            } else {
              response.end(last);
            }
          });
    }

    /** Gives up the answer; true when nothing was sent, so the caller may still answer. */
    boolean abort() {
      if (!sent) {
        return true;
      }
      context.runOnContext(v -> response.reset());
      return false;
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
