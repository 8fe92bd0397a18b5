package io.tailkeep.collector;

import static io.tailkeep.collector.TestRequests.request;
import static io.tailkeep.collector.TestRequests.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The receivers' limits against clients that open too many connections, send nothing, send
 * slowly or announce a body over the limit. Each of these failed before the limits existed: the
 * extra connections were served, the silent gRPC sockets stayed open for good, the slow request
 * held its buffer until the client gave up, and the call slots of a connection were unbounded.
 */
class ReceiverLimitsTest {

  private static final Duration SHORT = Duration.ofMillis(500);

  private final RecordingSpanSink sink = new RecordingSpanSink();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Vertx vertx = Vertx.vertx();
  private final List<Socket> sockets = new ArrayList<>();
  private GrpcReceiver grpc;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : sockets) {
      socket.close();
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (grpc != null) {
      grpc.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBodyAnnouncedOverTheLimitIsRefusedBeforeItIsSent() throws Exception {
    int port = startHttp(ReceiverLimits.DEFAULTS, 1024);
    Socket socket = connect(port);
    send(socket, "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
        + "Content-Length: 1000000000\r\n\r\n");

    // No byte of the body was sent, and the answer comes anyway.
    assertThat(statusLine(socket)).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
  }

  @Test
  void aBodyThatArrivesTooSlowlyIsAnswered408AndItsConnectionClosed() throws Exception {
    int port = startHttp(ReceiverLimits.DEFAULTS.withReadTimeout(SHORT), 1 << 20);
    Socket socket = connect(port);
    send(socket, "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
        + "Content-Length: 1000\r\n\r\n" + "x".repeat(10));
    long start = System.nanoTime();

    assertThat(statusLine(socket)).isEqualTo("HTTP/1.1 408 Request Timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(SHORT.dividedBy(2));
    assertThat(closedByServer(socket, Duration.ofSeconds(5))).isTrue();
    assertThat(registry.get("tailkeep.collector.requests.refused").tag("status", "408").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void httpConnectionsPastTheCapAreClosedOnArrival() throws Exception {
    int port = startHttp(ReceiverLimits.DEFAULTS.withMaxConnections(3), 1 << 20);
    List<Socket> admitted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Socket socket = connect(port);
      send(socket, "GET /v1/traces HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(statusLine(socket)).isEqualTo("HTTP/1.1 405 Method Not Allowed");
      admitted.add(socket);
    }
    Socket fourth = connect(port);
    send(fourth, "GET /v1/traces HTTP/1.1\r\nHost: x\r\n\r\n");

    assertThat(closedByServer(fourth, Duration.ofSeconds(5))).isTrue();
    assertThat(refusedConnections("otlp_http")).isEqualTo(1.0);
    for (Socket socket : admitted) {
      assertThat(closedByServer(socket, Duration.ofMillis(200))).isFalse();
    }
    // One closes, and its place is free again.
    admitted.get(0).close();
    awaitOpenConnections("otlp_http", 2);
    Socket another = connect(port);
    send(another, "GET /v1/traces HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(statusLine(another)).isEqualTo("HTTP/1.1 405 Method Not Allowed");
  }

  @Test
  void grpcConnectionsPastTheCapAreClosedOnArrival() throws Exception {
    int port = startGrpc(ReceiverLimits.DEFAULTS.withMaxConnections(3));
    for (int i = 0; i < 3; i++) {
      connect(port);
    }
    Socket fourth = connect(port);

    assertThat(closedByServer(fourth, Duration.ofSeconds(5))).isTrue();
    assertThat(refusedConnections("otlp_grpc")).isEqualTo(1.0);
    assertThat(registry.get("tailkeep.receiver.connections").tag("port", "otlp_grpc").gauge().value())
        .isEqualTo(3.0);
  }

  @Test
  void aGrpcConnectionThatNeverSendsAByteIsClosedAfterTheIdleTimeout() throws Exception {
    int port = startGrpc(ReceiverLimits.DEFAULTS.withIdleTimeout(SHORT));
    Socket silent = connect(port);

    assertThat(closedByServer(silent, Duration.ofSeconds(10))).isTrue();
    awaitOpenConnections("otlp_grpc", 0);
  }

  @Test
  void aGrpcRequestThatDoesNotArriveWithinTheReadTimeoutHasItsStreamReset() throws Exception {
    int port = startGrpc(ReceiverLimits.DEFAULTS.withReadTimeout(SHORT));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();

    Status status = headersOnly(channel).get(10, TimeUnit.SECONDS);

    assertThat(status.getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(registry.get("tailkeep.collector.requests.refused").tag("status", "cancelled")
        .counter().count()).isEqualTo(1.0);
    // The connection serves the next export.
    ExportTraceServiceResponse answer = TraceServiceGrpc.newBlockingStub(channel)
        .export(request(span("after")));
    assertThat(answer.hasPartialSuccess()).isFalse();
    assertThat(sink.spans()).hasSize(1);
  }

  @Test
  void aGrpcConnectionRunsNoMoreCallsAtOnceThanItsStreamCap() throws Exception {
    int port = startGrpc(new ReceiverLimits(100, 1, Duration.ofSeconds(60), SHORT));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    long start = System.nanoTime();

    CompletableFuture<Status> first = headersOnly(channel);
    CompletableFuture<Status> second = headersOnly(channel);

    assertThat(first.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(second.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
    // The second call's stream could open only once the first had ended: two read timeouts in all.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(SHORT.multipliedBy(2));
  }

  @Test
  void limitsAreCheckedUpFront() {
    assertThatThrownBy(() -> ReceiverLimits.DEFAULTS.withMaxConnections(0))
        .hasMessage("maxConnections must be at least 1, got 0");
    assertThatThrownBy(() -> ReceiverLimits.DEFAULTS.withReadTimeout(Duration.ZERO))
        .hasMessage("readTimeout must be at least 1 ms, got PT0S");
  }

  /** Starts an export call that sends its headers and never its message; completes with its status. */
  private static CompletableFuture<Status> headersOnly(ManagedChannel channel) {
    // Described as client-streaming, so the client sends the headers at once: for a unary call it
    // holds them back to send with the message. The server goes by the method's name only.
    ClientCall<ExportTraceServiceRequest, ExportTraceServiceResponse> call =
        channel.newCall(
            TraceServiceGrpc.getExportMethod().toBuilder()
                .setType(MethodDescriptor.MethodType.CLIENT_STREAMING)
                .build(),
            CallOptions.DEFAULT);
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    call.request(1);
    return closed;
  }

  private int startHttp(ReceiverLimits limits, int maxBodyBytes) throws Exception {
    HttpReceiver receiver = new HttpReceiver(
        sink, new HttpServerOptions().setHost("127.0.0.1").setPort(0), maxBodyBytes, registry, null,
        limits);
    await(vertx.deployVerticle(receiver));
    return receiver.actualPort();
  }

  private int startGrpc(ReceiverLimits limits) throws IOException {
    grpc = GrpcReceiver.onAddress("127.0.0.1", 0, sink, 1 << 20, registry, null, null, limits).start();
    return grpc.port();
  }

  private double refusedConnections(String port) {
    return registry.get("tailkeep.receiver.connections.refused").tag("port", port).counter().count();
  }

  private void awaitOpenConnections(String port, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    double open;
    do {
      open = registry.get("tailkeep.receiver.connections").tag("port", port).gauge().value();
      if (open == expected) {
        return;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    assertThat(open).as("connections open on %s", port).isEqualTo(expected);
  }

  private Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    sockets.add(socket);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** The first line of the server's answer, read within 10 s. */
  private static String statusLine(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    InputStream in = socket.getInputStream();
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  /** Whether the server closes {@code socket} within {@code wait}, skipping what it sends first. */
  private static boolean closedByServer(Socket socket, Duration wait) throws IOException {
    socket.setSoTimeout((int) wait.toMillis());
    try {
      InputStream in = socket.getInputStream();
      byte[] skipped = new byte[4096];
      while (in.read(skipped) != -1) {
        // what was answered before the close
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
