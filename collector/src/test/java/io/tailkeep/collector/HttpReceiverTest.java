package io.tailkeep.collector;

import static io.tailkeep.collector.TestRequests.SPAN_ID_HEX;
import static io.tailkeep.collector.TestRequests.TRACE_ID_HEX;
import static io.tailkeep.collector.TestRequests.attribute;
import static io.tailkeep.collector.TestRequests.bytes;
import static io.tailkeep.collector.TestRequests.request;
import static io.tailkeep.collector.TestRequests.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.tailkeep.store.OtlpSpan;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpReceiverTest {

  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";
  private static final int SMALL_LIMIT = 64 * 1024;

  private final RecordingSpanSink sink = new RecordingSpanSink();
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private HttpReceiver receiver;

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void sdkHttpExporterSpansArriveIntact() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(url("/v1/traces")).build();

    SdkSpans.Sent sent = SdkSpans.sendThrough(exporter);

    SdkSpans.assertReceived(sink.spans(), sent);
  }

  @Test
  void sdkHttpExporterWithGzipArrivesIntact() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(url("/v1/traces")).setCompression("gzip").build();

    SdkSpans.Sent sent = SdkSpans.sendThrough(exporter);

    SdkSpans.assertReceived(sink.spans(), sent);
  }

  @Test
  void otlpJsonWithHexIdsIsAcceptedAndAnsweredInJson() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);

    HttpResponse<byte[]> response =
        post(JSON + "; charset=utf-8", null, utf8(OtlpJsonTest.SPEC_STYLE_REQUEST));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue(JSON);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    OtlpSpan span = sink.spans().get(0);
    assertThat(span.traceId().toHex()).isEqualTo(TRACE_ID_HEX);
    assertThat(span.spanId().toHex()).isEqualTo(SPAN_ID_HEX);
    assertThat(span.serviceName()).isEqualTo("checkout");
    assertThat(span.attribute("http.route").orElseThrow().getStringValue()).isEqualTo("/cart");
  }

  @Test
  void otlpJsonPartialSuccessIsWrittenInOtlpJson() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);
    String json =
        OtlpJson.print(request(span("good"), span("short").setTraceId(bytes(4, 1))));

    HttpResponse<byte[]> response = post(JSON, null, utf8(json));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(new String(response.body(), StandardCharsets.UTF_8)))
        .isEqualTo(
            new JsonObject()
                .put(
                    "partialSuccess",
                    new JsonObject()
                        .put("rejectedSpans", "1")
                        .put(
                            "errorMessage",
                            "1 span rejected: span.trace_id must be 16 bytes, got 4"
                                + " (first: resource 0, scope 0, span 1)")));
    assertThat(sink.spans()).extracting(OtlpSpan::name).containsExactly("good");
  }

  @Test
  void badIdsGetPartialSuccessInProtobuf() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);
    ExportTraceServiceRequest request =
        request(span("good"), span("zero parent").setParentSpanId(bytes(8, 0)), span("fine"));

    HttpResponse<byte[]> response = post(PROTOBUF, null, request.toByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue(PROTOBUF);
    ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(response.body());
    assertThat(answer.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(answer.getPartialSuccess().getErrorMessage())
        .isEqualTo(
            "1 span rejected: span.parent_span_id must not be all zeros"
                + " (first: resource 0, scope 0, span 1)");
    assertThat(sink.spans()).extracting(OtlpSpan::name).containsExactly("good", "fine");
  }

  @Test
  void gzipBodyIsAccepted() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);

    HttpResponse<byte[]> response =
        post(PROTOBUF, "gzip", gzip(request(span("zipped")).toByteArray()));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(ExportTraceServiceResponse.parseFrom(response.body()).hasPartialSuccess()).isFalse();
    assertThat(sink.spans()).extracting(OtlpSpan::name).containsExactly("zipped");
  }

  @Test
  void gzipJsonIsAccepted() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);

    HttpResponse<byte[]> response = post(JSON, "GZIP", gzip(utf8(OtlpJsonTest.SPEC_STYLE_REQUEST)));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(sink.spans()).hasSize(1);
  }

  @Test
  void randomBytesAre400WithAStatusNamingTheProblem() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);
    byte[] garbage = new byte[512];
    new Random(42).nextBytes(garbage);

    HttpResponse<byte[]> response = post(PROTOBUF, null, garbage);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("content-type")).hasValue(PROTOBUF);
    Status status = Status.parseFrom(response.body());
    assertThat(status.getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
    assertThat(status.getMessage())
        .startsWith("body is not a valid protobuf ExportTraceServiceRequest: ");
    assertThat(sink.spans()).isEmpty();
  }

  @Test
  void brokenJsonIs400InJson() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);

    HttpResponse<byte[]> response = post(JSON, null, utf8("{\"resourceSpans\": [ {"));

    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject status = new JsonObject(new String(response.body(), StandardCharsets.UTF_8));
    assertThat(status.getInteger("code")).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
    assertThat(status.getString("message"))
        .startsWith("body is not a valid OTLP/JSON ExportTraceServiceRequest: body is not a JSON object");
    assertThat(status.getString("message")).doesNotContain("\tat ");
  }

  @Test
  void base64IdsInJsonAre400NamingTheField() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);
    String json =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"W46zcLdCmb/LmqoPSd8C4w==\"}]}]}]}";

    HttpResponse<byte[]> response = post(JSON, null, utf8(json));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(new String(response.body(), StandardCharsets.UTF_8)).getString("message"))
        .contains("resourceSpans[0].scopeSpans[0].spans[0].traceId must be a hex string");
  }

  @Test
  void corruptGzipIs400() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);

    HttpResponse<byte[]> response = post(PROTOBUF, "gzip", request(span("a")).toByteArray());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Status.parseFrom(response.body()).getMessage()).startsWith("body is not valid gzip");
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    start(SMALL_LIMIT);
    byte[] big = oversizedRequest();

    HttpResponse<byte[]> response = post(PROTOBUF, null, big);

    assertThat(response.statusCode()).isEqualTo(413);
    Status status = Status.parseFrom(response.body());
    assertThat(status.getCode()).isEqualTo(Code.RESOURCE_EXHAUSTED_VALUE);
    assertThat(status.getMessage()).isEqualTo("request body is larger than the limit of 65536 bytes");
    assertThat(sink.spans()).isEmpty();
  }

  @Test
  void oversizedChunkedBodyIs413() throws Exception {
    start(SMALL_LIMIT);
    byte[] big = oversizedRequest();
    HttpRequest chunked =
        HttpRequest.newBuilder(URI.create(url("/v1/traces")))
            .header("Content-Type", PROTOBUF)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
            .build();

    HttpResponse<byte[]> response = client.send(chunked, HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(sink.spans()).isEmpty();
  }

  @Test
  void bodyOversizedOnlyWhenDecompressedIs413() throws Exception {
    start(SMALL_LIMIT);
    byte[] big = oversizedRequest();
    byte[] compressed = gzip(big);
    assertThat(compressed.length).isLessThan(SMALL_LIMIT);

    HttpResponse<byte[]> response = post(PROTOBUF, "gzip", compressed);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(Status.parseFrom(response.body()).getMessage())
        .isEqualTo("decompressed body is larger than the limit of 65536 bytes");
    assertThat(sink.spans()).isEmpty();
  }

  @Test
  void fullSinkIs429WithRetryAfter() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);
    sink.answerWith(Admission.full("trace buffer is full", Duration.ofMillis(1500)));

    HttpResponse<byte[]> response = post(PROTOBUF, null, request(span("a")).toByteArray());

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("retry-after")).hasValue("2");
    Status status = Status.parseFrom(response.body());
    assertThat(status.getCode()).isEqualTo(Code.RESOURCE_EXHAUSTED_VALUE);
    assertThat(status.getMessage()).isEqualTo("trace buffer is full");
  }

  @Test
  void failingSinkIs503WithoutItsMessage() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);
    sink.failWith(new IllegalStateException("secret internals"));

    HttpResponse<byte[]> response = post(JSON, null, utf8(OtlpJsonTest.SPEC_STYLE_REQUEST));

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("retry-after")).hasValue("1");
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"code\":14,\"message\":\"span sink failed; retry later\"}");
  }

  @Test
  void anExportIsAnsweredWhenTheSinkSettlesItOnAnotherThread() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);
    CompletableFuture<Admission> settle = sink.answerLater();
    CompletableFuture.runAsync(
        () -> {
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          settle.complete(Admission.full("Kafka is slow", Duration.ofSeconds(3)));
        });

    HttpResponse<byte[]> response = post(PROTOBUF, null, request(span("a")).toByteArray());

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("retry-after")).hasValue("3");
    assertThat(Status.parseFrom(response.body()).getMessage()).isEqualTo("Kafka is slow");
    assertThat(sink.spans()).isEmpty();
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);

    HttpResponse<byte[]> response = post("text/plain", null, utf8("hello"));

    assertThat(response.statusCode()).isEqualTo(415);
    JsonObject status = new JsonObject(new String(response.body(), StandardCharsets.UTF_8));
    assertThat(status.getString("message"))
        .isEqualTo(
            "unsupported Content-Type 'text/plain';"
                + " OTLP/HTTP takes application/x-protobuf or application/json");
  }

  @Test
  void unsupportedContentEncodingIs415() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);

    HttpResponse<byte[]> response = post(PROTOBUF, "br", new byte[] {1, 2, 3});

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(Status.parseFrom(response.body()).getMessage())
        .isEqualTo("unsupported Content-Encoding 'br'; use gzip or none");
  }

  @Test
  void otherMethodIs405AndOtherPathIs404() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);

    HttpResponse<byte[]> get =
        client.send(
            HttpRequest.newBuilder(URI.create(url("/v1/traces"))).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> metrics =
        client.send(
            HttpRequest.newBuilder(URI.create(url("/v1/metrics")))
                .header("Content-Type", PROTOBUF)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0]))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
    assertThat(metrics.statusCode()).isEqualTo(404);
    assertThat(Status.parseFrom(metrics.body()).getMessage())
        .isEqualTo("no such path; OTLP/HTTP traces go to POST /v1/traces");
  }

  @Test
  void emptyBodyIsAnEmptySuccess() throws Exception {
    start(HttpReceiver.DEFAULT_MAX_BODY_BYTES);

    HttpResponse<byte[]> response = post(PROTOBUF, null, new byte[0]);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void settingsAreCheckedUpFront() {
    assertThatThrownBy(() -> new HttpReceiver(sink, "0.0.0.0", -1, 1024))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be 0..65535, got -1");
    assertThatThrownBy(() -> new HttpReceiver(sink, "0.0.0.0", 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBodyBytes must be positive, got 0");
  }

  private void start(int maxBodyBytes) throws Exception {
    receiver = new HttpReceiver(sink, "127.0.0.1", 0, maxBodyBytes);
    await(vertx.deployVerticle(receiver));
  }

  private String url(String path) {
    return "http://127.0.0.1:" + receiver.actualPort() + path;
  }

  private HttpResponse<byte[]> post(String contentType, String contentEncoding, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url("/v1/traces")))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentEncoding != null) {
      request.header("Content-Encoding", contentEncoding);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Larger than {@link #SMALL_LIMIT}, and compresses to far less. */
  private static byte[] oversizedRequest() {
    return request(span("big").addAttributes(attribute("payload", "x".repeat(SMALL_LIMIT))))
        .toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(plain);
    }
    return out.toByteArray();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
