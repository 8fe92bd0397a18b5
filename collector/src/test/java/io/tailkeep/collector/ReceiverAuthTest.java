package io.tailkeep.collector;

import static io.tailkeep.collector.TestRequests.request;
import static io.tailkeep.collector.TestRequests.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Both receivers with an authentication provider: the real SDK exporters with the token header get
 * in, without it or with a token lacking the {@code ingest} role they are refused with the
 * protocol's own status, and nothing reaches the sink.
 */
class ReceiverAuthTest {

  private static final String INGEST_TOKEN = "ingest-token-0123456789";
  private static final String READ_TOKEN = "read-token-0123456789";

  /** A provider as deploy's token file is one: tokens mapped to named users with roles. */
  private static final AuthenticationProvider TOKENS =
      new AuthenticationProvider() {
        private final Map<String, List<String>> users =
            Map.of(INGEST_TOKEN, List.of("app", "ingest"), READ_TOKEN, List.of("grafana", "read"));

        @Override
        public Future<User> authenticate(Credentials credentials) {
          List<String> user = AccessCheck.token(credentials).map(users::get).orElse(null);
          if (user == null) {
            return Future.failedFuture("unknown token");
          }
          User known = User.fromName(user.get(0));
          known.authorizations().put("test", RoleBasedAuthorization.create(user.get(1)));
          return Future.succeededFuture(known);
        }
      };

  private final RecordingSpanSink sink = new RecordingSpanSink();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private GrpcReceiver grpc;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (grpc != null) {
      grpc.close();
    }
    vertx.close().await();
  }

  // ---- OTLP/gRPC

  @Test
  void grpcSdkExporterWithAnIngestTokenGetsIn() throws Exception {
    startGrpc();

    SdkSpans.Sent sent = SdkSpans.sendThrough(grpcExporter("Bearer " + INGEST_TOKEN));

    SdkSpans.assertReceived(sink.spans(), sent);
  }

  @Test
  void grpcSdkExporterWithBasicAuthGetsIn() throws Exception {
    startGrpc();

    SdkSpans.Sent sent = SdkSpans.sendThrough(grpcExporter(basic("anyone", INGEST_TOKEN)));

    SdkSpans.assertReceived(sink.spans(), sent);
  }

  @Test
  void grpcSdkExporterWithoutTokenOrWithTheWrongRoleIsRefused() throws Exception {
    startGrpc();

    assertThat(exportOnce(grpcExporter(null)).isSuccess()).isFalse();
    assertThat(exportOnce(grpcExporter("Bearer not-a-token")).isSuccess()).isFalse();
    assertThat(exportOnce(grpcExporter("Bearer " + READ_TOKEN)).isSuccess()).isFalse();
    assertThat(sink.spans()).isEmpty();
  }

  @Test
  void grpcStatusesAreUnauthenticatedAndPermissionDenied() throws Exception {
    startGrpc();
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpc.port()).usePlaintext().build();

    StatusRuntimeException none = grpcRefusal(null);
    StatusRuntimeException unknown = grpcRefusal("Bearer wrong-token-0123456789");
    StatusRuntimeException readOnly = grpcRefusal("Bearer " + READ_TOKEN);

    assertThat(none.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
    assertThat(none.getStatus().getDescription()).contains("Bearer <token>");
    assertThat(unknown.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
    assertThat(unknown.getStatus().getDescription()).isEqualTo("unknown token");
    assertThat(readOnly.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
    assertThat(readOnly.getStatus().getDescription())
        .isEqualTo("token 'grafana' does not have the 'ingest' role");
    assertThat(sink.spans()).isEmpty();
    assertThat(refusedRequests("grpc", "unauthenticated")).isEqualTo(2);
    assertThat(refusedRequests("grpc", "permission_denied")).isEqualTo(1);
  }

  @Test
  void grpcWithoutAProviderTakesEveryCall() throws Exception {
    grpc = GrpcReceiver.onAddress("127.0.0.1", 0, sink, 1 << 20, registry).start();

    SdkSpans.Sent sent = SdkSpans.sendThrough(grpcExporter(null));

    SdkSpans.assertReceived(sink.spans(), sent);
  }

  // ---- OTLP/HTTP

  @Test
  void httpSdkExporterWithAnIngestTokenGetsIn() throws Exception {
    int port = startHttp();

    SdkSpans.Sent sent = SdkSpans.sendThrough(httpExporter(port, "Bearer " + INGEST_TOKEN));

    SdkSpans.assertReceived(sink.spans(), sent);
  }

  @Test
  void httpSdkExporterWithoutTokenOrWithTheWrongRoleIsRefused() throws Exception {
    int port = startHttp();

    assertThat(exportOnce(httpExporter(port, null)).isSuccess()).isFalse();
    assertThat(exportOnce(httpExporter(port, "Bearer " + READ_TOKEN)).isSuccess()).isFalse();
    assertThat(sink.spans()).isEmpty();
  }

  @Test
  void httpAnswers401And403AsGoogleRpcStatus() throws Exception {
    int port = startHttp();

    HttpResponse<byte[]> none = post(port, null);
    HttpResponse<byte[]> unknown = post(port, "Bearer wrong-token-0123456789");
    HttpResponse<byte[]> garbled = post(port, "Basic %%%");
    HttpResponse<byte[]> readOnly = post(port, basic("grafana", READ_TOKEN));
    HttpResponse<byte[]> ingest = post(port, basic("", INGEST_TOKEN));

    for (HttpResponse<byte[]> refused : List.of(none, unknown, garbled)) {
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"tailkeep\"");
      assertThat(Status.parseFrom(refused.body()).getCode()).isEqualTo(Code.UNAUTHENTICATED_VALUE);
    }
    assertThat(Status.parseFrom(unknown.body()).getMessage()).isEqualTo("unknown token");
    assertThat(readOnly.statusCode()).isEqualTo(403);
    Status forbidden = Status.parseFrom(readOnly.body());
    assertThat(forbidden.getCode()).isEqualTo(Code.PERMISSION_DENIED_VALUE);
    assertThat(forbidden.getMessage()).isEqualTo("token 'grafana' does not have the 'ingest' role");
    assertThat(ingest.statusCode()).isEqualTo(200);
    assertThat(sink.spans()).hasSize(1);
    assertThat(refusedRequests("http", "401")).isEqualTo(3);
    assertThat(refusedRequests("http", "403")).isEqualTo(1);
  }

  @Test
  void httpUnknownPathsAreRefusedBeforeTheyAreFound() throws Exception {
    int port = startHttp();

    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/no/such/path")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("authentication required");
  }

  // ---- helpers

  private void startGrpc() throws Exception {
    grpc =
        GrpcReceiver.onAddress("127.0.0.1", 0, sink, GrpcReceiver.DEFAULT_MAX_MESSAGE_BYTES, registry, TOKENS)
            .start();
  }

  private int startHttp() throws Exception {
    HttpReceiver receiver =
        new HttpReceiver(sink, "127.0.0.1", 0, HttpReceiver.DEFAULT_MAX_BODY_BYTES, registry, TOKENS);
    vertx.deployVerticle(receiver).await();
    return receiver.actualPort();
  }

  private OtlpGrpcSpanExporter grpcExporter(String authorization) {
    var builder = OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + grpc.port());
    if (authorization != null) {
      builder.addHeader("authorization", authorization);
    }
    return builder.build();
  }

  private static OtlpHttpSpanExporter httpExporter(int port, String authorization) {
    var builder =
        OtlpHttpSpanExporter.builder().setEndpoint("http://127.0.0.1:" + port + "/v1/traces");
    if (authorization != null) {
      builder.addHeader("Authorization", authorization);
    }
    return builder.build();
  }

  /** One export of one SDK-made span, without retries to wait through. */
  private static CompletableResultCode exportOnce(SpanExporter exporter) {
    try {
      return exporter
          .export(List.of(oneSpan()))
          .join(10, TimeUnit.SECONDS);
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  /** One span made by the SDK, caught before export. */
  private static SpanData oneSpan() {
    List<SpanData> made = new java.util.ArrayList<>();
    SpanExporter collecting =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(java.util.Collection<SpanData> spans) {
            made.addAll(spans);
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(collecting)).build()) {
      provider.get("io.tailkeep.test").spanBuilder("GET /cart").startSpan().end();
    }
    return made.get(0);
  }

  private StatusRuntimeException grpcRefusal(String authorization) {
    Metadata headers = new Metadata();
    if (authorization != null) {
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
    }
    TraceServiceGrpc.TraceServiceBlockingStub stub =
        TraceServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    return catchThrowableOfType(StatusRuntimeException.class, () -> stub.export(request(span("x"))));
  }

  private HttpResponse<byte[]> post(int port, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/traces"))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(request(span("x")).toByteArray()));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private double refusedRequests(String transport, String status) {
    var counter =
        registry
            .find("tailkeep.collector.requests.refused")
            .tags("transport", transport, "status", status)
            .counter();
    return counter == null ? 0 : counter.count();
  }
}
