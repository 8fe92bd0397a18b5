package io.tailkeep.collector;

import static io.tailkeep.collector.TestRequests.attribute;
import static io.tailkeep.collector.TestRequests.bytes;
import static io.tailkeep.collector.TestRequests.request;
import static io.tailkeep.collector.TestRequests.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GrpcReceiverTest {

  private final RecordingSpanSink sink = new RecordingSpanSink();
  private GrpcReceiver receiver;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void sdkGrpcExporterSpansArriveIntact() throws IOException {
    startOnFreePort(GrpcReceiver.DEFAULT_MAX_MESSAGE_BYTES);
    OtlpGrpcSpanExporter exporter =
        OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + receiver.port()).build();

    SdkSpans.Sent sent = SdkSpans.sendThrough(exporter);

    SdkSpans.assertReceived(sink.spans(), sent);
  }

  @Test
  void sdkGrpcExporterWithGzipArrivesIntact() throws IOException {
    startOnFreePort(GrpcReceiver.DEFAULT_MAX_MESSAGE_BYTES);
    OtlpGrpcSpanExporter exporter =
        OtlpGrpcSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + receiver.port())
            .setCompression("gzip")
            .build();

    SdkSpans.Sent sent = SdkSpans.sendThrough(exporter);

    SdkSpans.assertReceived(sink.spans(), sent);
  }

  @Test
  void badIdsAreReportedAsPartialSuccess() throws IOException {
    startInProcess();
    ExportTraceServiceRequest request =
        request(
            span("good"),
            span("short trace").setTraceId(bytes(4, 1)),
            span("zero span").setSpanId(bytes(8, 0)));

    ExportTraceServiceResponse response = TraceServiceGrpc.newBlockingStub(channel).export(request);

    assertThat(sink.spans()).extracting(span -> span.name()).containsExactly("good");
    assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
    assertThat(response.getPartialSuccess().getErrorMessage())
        .isEqualTo(
            "2 spans rejected: span.trace_id must be 16 bytes, got 4"
                + " (first: resource 0, scope 0, span 1)");
  }

  @Test
  void allValidGetsAnEmptyResponse() throws IOException {
    startInProcess();

    ExportTraceServiceResponse response =
        TraceServiceGrpc.newBlockingStub(channel).export(request(span("good")));

    assertThat(response.hasPartialSuccess()).isFalse();
    assertThat(sink.spans()).hasSize(1);
  }

  @Test
  void randomBytesAreInvalidArgument() throws IOException {
    startOnFreePort(GrpcReceiver.DEFAULT_MAX_MESSAGE_BYTES);
    byte[] garbage = new byte[512];
    new Random(42).nextBytes(garbage);
    MethodDescriptor<byte[], byte[]> rawExport =
        TraceServiceGrpc.getExportMethod().toBuilder(RAW, RAW).build();

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(channel, rawExport, CallOptions.DEFAULT, garbage));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .startsWith("message is not a valid ExportTraceServiceRequest: ");
    assertThat(sink.spans()).isEmpty();
  }

  @Test
  void oversizedMessageIsResourceExhausted() throws IOException {
    startOnFreePort(64 * 1024);
    ExportTraceServiceRequest big =
        request(span("big").addAttributes(attribute("payload", "x".repeat(100 * 1024))));

    assertThatThrownBy(() -> TraceServiceGrpc.newBlockingStub(channel).export(big))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(sink.spans()).isEmpty();
  }

  @Test
  void oversizedAfterDecompressionIsResourceExhaustedToo() throws IOException {
    startOnFreePort(64 * 1024);
    ExportTraceServiceRequest big =
        request(span("big").addAttributes(attribute("payload", "x".repeat(100 * 1024))));

    assertThatThrownBy(
            () -> TraceServiceGrpc.newBlockingStub(channel).withCompression("gzip").export(big))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getStatus().getDescription()).contains("exceeds maximum size 65536");
            });
    assertThat(sink.spans()).isEmpty();
  }

  @Test
  void fullSinkIsResourceExhaustedWithRetryInfo() throws IOException {
    startInProcess();
    sink.answerWith(Admission.full("trace buffer is full", Duration.ofMillis(1500)));

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> TraceServiceGrpc.newBlockingStub(channel).export(request(span("a"))));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).isEqualTo("trace buffer is full");
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertThat(status.getDetailsList()).hasSize(1);
    RetryInfo retryInfo = status.getDetails(0).unpack(RetryInfo.class);
    assertThat(retryInfo.getRetryDelay().getSeconds()).isEqualTo(1);
    assertThat(retryInfo.getRetryDelay().getNanos()).isEqualTo(500_000_000);
    assertThat(sink.spans()).isEmpty();
  }

  @Test
  void failingSinkIsUnavailable() throws IOException {
    startInProcess();
    sink.failWith(new IllegalStateException("boom"));

    assertThatThrownBy(() -> TraceServiceGrpc.newBlockingStub(channel).export(request(span("a"))))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).doesNotContain("boom");
            });
  }

  @Test
  void anExportIsAnsweredOnlyWhenTheSinkSettlesIt() throws Exception {
    startInProcess();
    CompletableFuture<Admission> settle = sink.answerLater();

    var answer = TraceServiceGrpc.newFutureStub(channel).export(request(span("a")));
    Thread.sleep(200);
    assertThat(answer.isDone()).isFalse();
    CompletableFuture.runAsync(() -> settle.complete(Admission.accept()));

    assertThat(answer.get(10, TimeUnit.SECONDS).hasPartialSuccess()).isFalse();
    assertThat(sink.spans()).extracting(span -> span.name()).containsExactly("a");
  }

  @Test
  void aSinkWhoseAnswerFailsIsUnavailable() throws IOException {
    startInProcess();
    sink.answerLater().completeExceptionally(new IllegalStateException("broker gone"));

    assertThatThrownBy(() -> TraceServiceGrpc.newBlockingStub(channel).export(request(span("a"))))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).doesNotContain("broker gone");
            });
    assertThat(sink.spans()).isEmpty();
  }

  @Test
  void settingsAreCheckedUpFront() {
    assertThatThrownBy(() -> GrpcReceiver.onPort(0, sink, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxMessageBytes must be positive, got 0");
    assertThatThrownBy(() -> GrpcReceiver.onPort(70000, sink, 1024))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be 0..65535, got 70000");
  }

  private void startOnFreePort(int maxMessageBytes) throws IOException {
    receiver = GrpcReceiver.onPort(0, sink, maxMessageBytes).start();
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", receiver.port()).usePlaintext().build();
  }

  private void startInProcess() throws IOException {
    String name = InProcessServerBuilder.generateName();
    receiver =
        new GrpcReceiver(
                InProcessServerBuilder.forName(name).directExecutor(),
                sink,
                GrpcReceiver.DEFAULT_MAX_MESSAGE_BYTES)
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  /** Sends bytes as they are, so the server's parser sees what a broken client would send. */
  private static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
}
