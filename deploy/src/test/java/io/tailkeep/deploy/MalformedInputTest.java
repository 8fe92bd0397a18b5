package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tailkeep.store.TraceId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Broken exporters against the running server: what they get back, what is stored, what is counted.
 * Requests are made by hand (java.net.http and a raw gRPC call), since a real SDK never sends these.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedInputTest {

  static final String KEYSPACE = "e2e_malformed_input";
  static final int MAX_MESSAGE_BYTES = 64 * 1024;
  static final String PROTOBUF = "application/x-protobuf";
  static final MethodDescriptor.Marshaller<byte[]> RAW =
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
  static final MethodDescriptor<byte[], byte[]> RAW_EXPORT =
      TraceServiceGrpc.getExportMethod().toBuilder(RAW, RAW).build();

  private final Random random = new Random(42);
  private TailkeepServer server;
  private HttpClient http;
  private ManagedChannel channel;

  @BeforeAll
  void start() {
    server =
        TestServers.start(
            TestServers.builder(
                    TestStores.open(KEYSPACE), TestServers.QUICK_DECISIONS, TestServers.QUICK_RETRIES)
                .maxMessageBytes(MAX_MESSAGE_BYTES));
    http = HttpClient.newHttpClient();
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void randomBytesOverHttpAreABadRequest() throws Exception {
    HttpResponse<byte[]> response = post(randomBytes(512));

    assertThat(response.statusCode()).isEqualTo(400);
    com.google.rpc.Status status = com.google.rpc.Status.parseFrom(response.body());
    assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.INVALID_ARGUMENT_VALUE);
    assertThat(scrape().value("tailkeep_collector_requests_refused_total", "transport", "http", "status", "400"))
        .isEqualTo(1.0);
  }

  @Test
  void randomBytesOverGrpcAreInvalidArgument() {
    byte[] garbage = randomBytes(512);
    StatusRuntimeException refused =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(channel, RAW_EXPORT, CallOptions.DEFAULT, garbage));

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(
            scrape()
                .value(
                    "tailkeep_collector_requests_refused_total",
                    "transport", "grpc",
                    "status", "invalid_argument"))
        .isEqualTo(1.0);
  }

  @Test
  void aSpanWithAnAllZeroTraceIdIsRejectedAndTheGoodOnesAreStored() throws Exception {
    StoredTraces stored = new StoredTraces(server.store().reader());
    SentTrace overHttp = goodErrorTrace();
    HttpResponse<byte[]> response = post(requestWithOneBadSpan(overHttp).toByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertOnlyTheBadSpanRejected(ExportTraceServiceResponse.parseFrom(response.body()));

    SentTrace overGrpc = goodErrorTrace();
    ExportTraceServiceResponse grpcResponse =
        TraceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .export(requestWithOneBadSpan(overGrpc));
    assertOnlyTheBadSpanRejected(grpcResponse);

    stored.awaitComplete(overHttp, Duration.ofSeconds(30));
    stored.awaitComplete(overGrpc, Duration.ofSeconds(30));
    PrometheusScrape scrape = scrape();
    for (String transport : new String[] {"http", "grpc"}) {
      assertThat(
              scrape.value(
                  "tailkeep_collector_spans_refused_total", "transport", transport, "reason", "invalid_id"))
          .as("spans refused over %s", transport)
          .isEqualTo(1.0);
      assertThat(scrape.value("tailkeep_collector_spans_received_total", "transport", transport))
          .isEqualTo(3.0);
      assertThat(scrape.value("tailkeep_collector_spans_accepted_total", "transport", transport))
          .isEqualTo(2.0);
    }
  }

  @Test
  void anOversizedRequestIsRefusedOnBothTransports() throws Exception {
    ExportTraceServiceRequest big = ExportTraceServiceRequest.newBuilder().addResourceSpans(oversized()).build();
    assertThat(big.getSerializedSize()).isGreaterThan(MAX_MESSAGE_BYTES);

    HttpResponse<byte[]> response = post(big.toByteArray());
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(com.google.rpc.Status.parseFrom(response.body()).getCode())
        .isEqualTo(com.google.rpc.Code.RESOURCE_EXHAUSTED_VALUE);

    StatusRuntimeException refused =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS).export(big));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    assertThat(scrape().value("tailkeep_collector_requests_refused_total", "transport", "http", "status", "413"))
        .isEqualTo(1.0);
  }

  /**
   * A plain (uncompressed) gRPC message past the limit is refused by gRPC's deframer before any of
   * Tailkeep's code runs; the receiver's stream tracer still counts it.
   */
  @Test
  void anOversizedGrpcRequestIsCounted() {
    double before = refusedOversizedGrpcRequests();
    ExportTraceServiceRequest big = ExportTraceServiceRequest.newBuilder().addResourceSpans(oversized()).build();
    StatusRuntimeException refused =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS).export(big));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    assertThat(refusedOversizedGrpcRequests()).isEqualTo(before + 1);
  }

  private double refusedOversizedGrpcRequests() {
    return scrape()
        .matching(
            "tailkeep_collector_requests_refused_total", "transport", "grpc", "status", "resource_exhausted")
        .stream()
        .mapToDouble(PrometheusScrape.Sample::value)
        .sum();
  }

  private HttpResponse<byte[]> post(byte[] body) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/traces"))
            .header("Content-Type", PROTOBUF)
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void assertOnlyTheBadSpanRejected(ExportTraceServiceResponse response) {
    assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(response.getPartialSuccess().getErrorMessage()).contains("span.trace_id must not be all zeros");
  }

  private PrometheusScrape scrape() {
    return PrometheusScrape.parse(server.scrapeMetrics());
  }

  private byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }

  /** A trace the default rules keep (its root is in error), as IDs only: spans come from the request. */
  private SentTrace goodErrorTrace() {
    byte[] traceId = new byte[16];
    random.nextBytes(traceId);
    traceId[15] |= 1;
    return new SentTrace(
        "hand-made error",
        TraceId.fromBytes(traceId),
        Set.of(HexFormat.of().formatHex(spanId()), HexFormat.of().formatHex(spanId())),
        null);
  }

  private byte[] spanId() {
    byte[] id = new byte[8];
    random.nextBytes(id);
    id[7] |= 1;
    return id;
  }

  /** The trace's two spans (a root in error and a child) and a span whose trace ID is all zeros. */
  private ExportTraceServiceRequest requestWithOneBadSpan(SentTrace trace) {
    long now = OtelServices.epochNanos(Instant.now());
    ByteString traceId = ByteString.copyFrom(trace.traceId().toBytes());
    String[] ids = trace.spanIds().toArray(String[]::new);
    ByteString root = ByteString.copyFrom(HexFormat.of().parseHex(ids[0]));
    Span.Builder rootSpan =
        Span.newBuilder()
            .setTraceId(traceId)
            .setSpanId(root)
            .setName("GET /broken")
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(now - 50_000_000)
            .setEndTimeUnixNano(now)
            .setStatus(io.opentelemetry.proto.trace.v1.Status.newBuilder()
                .setCode(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR));
    Span.Builder child =
        Span.newBuilder()
            .setTraceId(traceId)
            .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(ids[1])))
            .setParentSpanId(root)
            .setName("SELECT broken")
            .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
            .setStartTimeUnixNano(now - 40_000_000)
            .setEndTimeUnixNano(now - 10_000_000);
    Span.Builder zeroTraceId =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(new byte[16]))
            .setSpanId(ByteString.copyFrom(spanId()))
            .setName("zero trace id")
            .setStartTimeUnixNano(now - 5_000_000)
            .setEndTimeUnixNano(now);
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attribute("service.name", "hand-made")))
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("io.tailkeep.deploy.test"))
                        .addSpans(zeroTraceId)
                        .addSpans(child)
                        .addSpans(rootSpan)))
        .build();
  }

  /** Resource spans of one span carrying a 100 KiB attribute. */
  private ResourceSpans oversized() {
    long now = OtelServices.epochNanos(Instant.now());
    byte[] traceId = new byte[16];
    random.nextBytes(traceId);
    traceId[15] |= 1;
    return ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(attribute("service.name", "hand-made")))
        .addScopeSpans(
            ScopeSpans.newBuilder()
                .addSpans(
                    Span.newBuilder()
                        .setTraceId(ByteString.copyFrom(traceId))
                        .setSpanId(ByteString.copyFrom(spanId()))
                        .setName("big")
                        .setStartTimeUnixNano(now - 1_000_000)
                        .setEndTimeUnixNano(now)
                        .addAttributes(attribute("payload", "x".repeat(100 * 1024)))))
        .build();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }
}
