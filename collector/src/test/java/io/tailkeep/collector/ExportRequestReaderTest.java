package io.tailkeep.collector;

import static io.tailkeep.collector.TestRequests.request;
import static io.tailkeep.collector.TestRequests.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.HttpException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ExportRequestReaderTest {

  private static final ExportTraceServiceRequest REQUEST = request(span("a"), span("b"));
  private final ExportRequestReader reader = new ExportRequestReader(1 << 20);

  @Test
  void protobufBodyBytesComeBackAsTheyAre() throws Exception {
    byte[] body = REQUEST.toByteArray();

    assertThat(reader.readBytes("application/x-protobuf", null, Buffer.buffer(body))).isEqualTo(body);
    assertThat(reader.readBytes("application/protobuf", "gzip", Buffer.buffer(gzip(body))))
        .isEqualTo(body);
  }

  @Test
  void jsonBodyComesBackAsTheProtobufBytesOfTheSameRequest() throws Exception {
    byte[] json = OtlpJson.print(REQUEST).getBytes(StandardCharsets.UTF_8);

    byte[] plain = reader.readBytes("application/json", null, Buffer.buffer(json));
    byte[] gzipped = reader.readBytes("application/json", "gzip", Buffer.buffer(gzip(json)));

    assertThat(ExportTraceServiceRequest.parseFrom(plain)).isEqualTo(REQUEST);
    assertThat(gzipped).isEqualTo(plain);
    assertThat(reader.read("application/json", null, Buffer.buffer(json)).accepted())
        .extracting(span -> span.toOtlpSpan().span())
        .containsExactlyElementsOf(
            REQUEST.getResourceSpansList().stream()
                .flatMap(rs -> rs.getScopeSpansList().stream())
                .flatMap(ss -> ss.getSpansList().stream())
                .toList());
  }

  @Test
  void badJsonIs400NamingTheField() {
    Buffer body = Buffer.buffer("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"kind\":[]}]}]}]}");

    assertThatThrownBy(() -> reader.readBytes("application/json", null, body))
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(400);
              assertThat(e.getPayload())
                  .isEqualTo(
                      "body is not a valid OTLP/JSON ExportTraceServiceRequest:"
                          + " resourceSpans[0].scopeSpans[0].spans[0].kind must be a SpanKind name"
                          + " or number, got an array");
            });
  }

  @Test
  void protobufBytesAreCheckedOnlyWhenParsed() {
    Buffer garbage = Buffer.buffer(new byte[] {(byte) 0xff, 0x01});

    assertThat(reader.readBytes("application/x-protobuf", null, garbage)).hasSize(2);
    assertThatThrownBy(() -> reader.read("application/x-protobuf", null, garbage))
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> assertThat(e.getPayload())
                .startsWith("body is not a valid protobuf ExportTraceServiceRequest: "));
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(plain);
    }
    return out.toByteArray();
  }
}
