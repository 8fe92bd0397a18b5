package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tailkeep.sampler.TailSampler;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzing ingest: valid OTLP requests, mutated (truncated, bits flipped, wrong wire types, huge
 * lengths, deep nesting, huge strings and arrays, bad IDs, duplicate spans, parent cycles), sent to
 * the running server over gRPC, HTTP protobuf and HTTP JSON. No answer is a server error, nothing
 * is logged as an error, every span the server reports accepted is one protobuf finds in the
 * request less the ones it reports rejected, and once the server has stopped every accepted span
 * is kept or dropped by the sampler and every kept one written.
 *
 * <p>Fixed seeds, so CI runs the same requests each time; jqwik prints the seed and the failing
 * sample when a property fails.
 */
class IngestFuzzTest {

  private static final String KEYSPACE = "fuzz_ingest";
  private static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

  enum Transport { GRPC, HTTP_PROTOBUF, HTTP_JSON }

  enum Mutation {
    NONE, TRUNCATE, BIT_FLIPS, WIRE_TYPE, HUGE_LENGTH, DEEP_NESTING, HUGE_STRING, HUGE_ARRAY, BAD_IDS,
    DUPLICATE_SPANS, PARENT_CYCLE
  }

  private static TailkeepServer server;
  private static ManagedChannel channel;
  private static HttpClient http;
  private static LogErrors logErrors;
  /** Spans the server counted accepted, summed over every request. */
  private static double acceptedBefore;

  @BeforeContainer
  static void start() {
    logErrors = LogErrors.capture();
    server =
        TestServers.start(
            TestServers.builder(TestStores.open(KEYSPACE), TestServers.QUICK_DECISIONS, TestServers.QUICK_RETRIES)
                .maxMessageBytes(MAX_MESSAGE_BYTES));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    http = HttpClient.newHttpClient();
    acceptedBefore = accepted();
  }

  @AfterContainer
  static void everyAcceptedSpanIsAccountedForAndNothingWasLoggedAsAnError() throws InterruptedException {
    try {
      double accepted = accepted() - acceptedBefore;
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      TailSampler sampler = server.sampler();
      server.close(); // decides every buffered trace and writes every kept one
      TraceBuffer buffer = sampler.buffer();
      assertThat(accepted).as("spans accepted over the fuzz run").isPositive();
      assertThat(buffer.stats().bufferedSpans()).isZero();
      assertThat((double) (buffer.stats().spansKept() + buffer.stats().spansDropped() + buffer.stats().lateSpansKept()
              + buffer.stats().lateSpansDropped() + buffer.stats().lateSpansOverCap()))
          .as("accepted spans kept, dropped or left out over the span cap")
          .isEqualTo(accepted);
      assertThat(sampler.storeQueue().stats().spansWritten())
          .as("kept spans written")
          .isEqualTo(buffer.stats().spansKept() + buffer.stats().lateSpansKept());
      assertThat(logErrors.errors()).as("errors logged while fuzzing").isEmpty();
    } finally {
      logErrors.close();
    }
  }

  @Property(tries = 150, seed = "20261204")
  void noMutatedRequestGetsAServerErrorAndAcceptedSpansAreCounted(
      @ForAll Transport transport, @ForAll Mutation mutation, @ForAll long seed) throws Exception {
    Random random = new Random(seed);
    ExportTraceServiceRequest request = Requests.valid(random);
    ExportTraceServiceRequest shaped = Requests.reshape(request, mutation, random);
    double before = accepted();
    if (transport == Transport.HTTP_JSON) {
      byte[] body = Requests.mutateText(OtlpJsonBodies.of(shaped), mutation, random);
      HttpResponse<byte[]> response = post("application/json", body);
      assertThat(response.statusCode()).as("status for %s", mutation).isLessThan(500);
      double accepted = accepted() - before;
      Statistics.label("outcome").collect(transport, mutation, response.statusCode() == 200 ? "taken" : "refused");
      if (response.statusCode() == 200) {
        assertThat(accepted).as("accepted spans for %s over JSON", mutation)
            .isEqualTo((double) (countJsonSpans(body) - rejectedInJson(response.body())));
      } else {
        assertThat(accepted).as("spans accepted from a refused request").isZero();
      }
      return;
    }
    byte[] body = Requests.mutateBytes(shaped.toByteArray(), mutation, random);
    ExportTraceServiceResponse answer = transport == Transport.GRPC ? exportOverGrpc(body) : exportOverHttp(body);
    Statistics.label("outcome").collect(transport, mutation, answer == null ? "refused"
        : answer.getPartialSuccess().getRejectedSpans() > 0 ? "taken in part" : "taken");
    if (answer == null) {
      assertThat(accepted() - before).as("spans accepted from a refused request").isZero();
      return;
    }
    ExportTraceServiceRequest parsed;
    try {
      parsed = ExportTraceServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("the server took a request protobuf cannot parse (" + mutation + ")", e);
    }
    long spans = parsed.getResourceSpansList().stream()
        .flatMap(rs -> rs.getScopeSpansList().stream()).mapToLong(ScopeSpans::getSpansCount).sum();
    assertThat(accepted() - before).as("accepted spans for %s over %s", mutation, transport)
        .isEqualTo((double) (spans - answer.getPartialSuccess().getRejectedSpans()));
  }

  @Property(tries = 60, seed = "20261204")
  void protobufAndJsonBodiesOfTheSameRequestAreTakenAlike(@ForAll Mutation mutation, @ForAll long seed)
      throws Exception {
    Random random = new Random(seed);
    ExportTraceServiceRequest request = Requests.reshape(Requests.valid(random), mutation, random);
    double before = accepted();
    HttpResponse<byte[]> protobuf = post(MalformedInputTest.PROTOBUF, request.toByteArray());
    double afterProtobuf = accepted();
    HttpResponse<byte[]> json = post("application/json", OtlpJsonBodies.of(request));
    double afterJson = accepted();

    assertThat(json.statusCode()).as("JSON status for %s", mutation).isEqualTo(protobuf.statusCode());
    assertThat(afterJson - afterProtobuf).as("spans accepted from JSON, for %s", mutation)
        .isEqualTo(afterProtobuf - before);
  }

  /** The answer when the request was taken (whole or in part), null when it was refused. */
  private static ExportTraceServiceResponse exportOverGrpc(byte[] body) throws InvalidProtocolBufferException {
    try {
      byte[] answer = ClientCalls.blockingUnaryCall(
          channel, MalformedInputTest.RAW_EXPORT, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), body);
      return ExportTraceServiceResponse.parseFrom(answer);
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      assertThat(code).as("gRPC status %s", e.getStatus())
          .isIn(Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED, Status.Code.UNAVAILABLE);
      return null;
    }
  }

  private static ExportTraceServiceResponse exportOverHttp(byte[] body) throws Exception {
    HttpResponse<byte[]> response = post(MalformedInputTest.PROTOBUF, body);
    assertThat(response.statusCode()).as("HTTP status").isLessThan(500);
    return response.statusCode() == 200 ? ExportTraceServiceResponse.parseFrom(response.body()) : null;
  }

  private static HttpResponse<byte[]> post(String contentType, byte[] body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/traces"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static long rejectedInJson(byte[] answer) {
    JsonObject partial = new JsonObject(new String(answer, StandardCharsets.UTF_8)).getJsonObject("partialSuccess");
    Object rejected = partial == null ? null : partial.getValue("rejectedSpans");
    return rejected == null ? 0 : Long.parseLong(rejected.toString());
  }

  /** Spans in a JSON body the server took: it parses as JSON, since the server parsed it. */
  private static long countJsonSpans(byte[] body) {
    JsonObject request;
    try {
      request = new JsonObject(new String(body, StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      throw new AssertionError("the server took a body that is not JSON", e);
    }
    long spans = 0;
    for (Object resourceSpans : request.getJsonArray("resourceSpans", new JsonArray())) {
      for (Object scopeSpans : ((JsonObject) resourceSpans).getJsonArray("scopeSpans", new JsonArray())) {
        spans += ((JsonObject) scopeSpans).getJsonArray("spans", new JsonArray()).size();
      }
    }
    return spans;
  }

  private static double accepted() {
    return PrometheusScrape.parse(server.scrapeMetrics()).sum("tailkeep_collector_spans_accepted_total");
  }

  /** Valid requests and their mutations, all drawn from one {@link Random}. */
  static final class Requests {

    private Requests() {}

    static ExportTraceServiceRequest valid(Random random) {
      ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
      int resources = 1 + random.nextInt(2);
      for (int r = 0; r < resources; r++) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("fuzz").setVersion("1." + random.nextInt(9)));
        int traces = 1 + random.nextInt(3);
        for (int t = 0; t < traces; t++) {
          scope.addAllSpans(trace(random));
        }
        request.addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(text("service.name", "svc-" + random.nextInt(5))))
            .addScopeSpans(scope));
      }
      return request.build();
    }

    private static List<Span> trace(Random random) {
      ByteString traceId = randomBytes(random, 16);
      ByteString rootId = randomBytes(random, 8);
      long start = System.currentTimeMillis() * 1_000_000L;
      List<Span> spans = new ArrayList<>();
      int count = 1 + random.nextInt(6);
      for (int i = 0; i < count; i++) {
        Span.Builder span = Span.newBuilder()
            .setTraceId(traceId)
            .setSpanId(i == 0 ? rootId : randomBytes(random, 8))
            .setName("op-" + random.nextInt(10))
            .setKind(Span.SpanKind.forNumber(random.nextInt(6)))
            .setStartTimeUnixNano(start + i * 1_000L)
            .setEndTimeUnixNano(start + 1_000_000L + random.nextInt(1_000_000))
            .addAttributes(text("http.route", "/r/" + random.nextInt(100)))
            .addAttributes(KeyValue.newBuilder().setKey("n").setValue(AnyValue.newBuilder().setIntValue(random.nextLong())));
        if (i > 0) {
          span.setParentSpanId(rootId);
        }
        if (random.nextInt(4) == 0) {
          span.getStatusBuilder().setCode(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
        }
        spans.add(span.build());
      }
      return spans;
    }

    /** Mutations of the message's content; the byte- and text-level ones happen later. */
    static ExportTraceServiceRequest reshape(ExportTraceServiceRequest request, Mutation mutation, Random random) {
      ExportTraceServiceRequest.Builder builder = request.toBuilder();
      Span.Builder first = builder.getResourceSpansBuilder(0).getScopeSpansBuilder(0).getSpansBuilder(0);
      switch (mutation) {
        case DEEP_NESTING -> first.addAttributes(KeyValue.newBuilder().setKey("deep").setValue(nested(50 + random.nextInt(150))));
        case HUGE_STRING -> first.addAttributes(text("huge", "x".repeat(64 * 1024 + random.nextInt(512 * 1024))));
        case HUGE_ARRAY -> {
          ArrayValue.Builder array = ArrayValue.newBuilder();
          for (int i = 0, n = 10_000 + random.nextInt(40_000); i < n; i++) {
            array.addValues(AnyValue.newBuilder().setIntValue(i));
          }
          first.addAttributes(KeyValue.newBuilder().setKey("array").setValue(AnyValue.newBuilder().setArrayValue(array)));
        }
        case BAD_IDS -> {
          switch (random.nextInt(4)) {
            case 0 -> first.setTraceId(randomBytes(random, random.nextInt(16)));
            case 1 -> first.setTraceId(ByteString.copyFrom(new byte[16]));
            case 2 -> first.setSpanId(ByteString.copyFrom(new byte[8]));
            default -> first.setParentSpanId(randomBytes(random, 1 + random.nextInt(7)));
          }
        }
        case DUPLICATE_SPANS -> builder.getResourceSpansBuilder(0).getScopeSpansBuilder(0).addSpans(first.build());
        case PARENT_CYCLE -> {
          ByteString a = first.getSpanId();
          ByteString b = randomBytes(random, 8);
          first.setParentSpanId(b);
          builder.getResourceSpansBuilder(0).getScopeSpansBuilder(0)
              .addSpans(first.build().toBuilder().setSpanId(b).setParentSpanId(a));
        }
        default -> {
          return request;
        }
      }
      return builder.build();
    }

    static byte[] mutateBytes(byte[] bytes, Mutation mutation, Random random) {
      byte[] out = bytes.clone();
      switch (mutation) {
        case TRUNCATE -> {
          return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
        }
        case BIT_FLIPS -> {
          for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
            int at = random.nextInt(out.length);
            out[at] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case WIRE_TYPE -> {
          int at = random.nextInt(out.length);
          out[at] = (byte) ((out[at] & ~7) | random.nextInt(8));
        }
        case HUGE_LENGTH -> {
          // A length-delimited field's length varint replaced by one near 2^32 (or 2^63).
          int at = random.nextInt(out.length);
          byte[] huge = random.nextBoolean()
              ? new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}
              : new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                  (byte) 0xff, (byte) 0xff, 0x7f};
          byte[] spliced = new byte[out.length + huge.length];
          System.arraycopy(out, 0, spliced, 0, at);
          System.arraycopy(huge, 0, spliced, at, huge.length);
          System.arraycopy(out, at, spliced, at + huge.length, out.length - at);
          return spliced;
        }
        default -> {
          return bytes;
        }
      }
      return out;
    }

    /** The same mutations on JSON text: cut, characters changed, wrong types, huge numbers. */
    static byte[] mutateText(byte[] json, Mutation mutation, Random random) {
      String text = new String(json, StandardCharsets.UTF_8);
      String punctuation = "{}[]\":,\\0-e.tfn ";
      switch (mutation) {
        case TRUNCATE -> text = text.substring(0, random.nextInt(text.length()));
        case BIT_FLIPS -> {
          char[] chars = text.toCharArray();
          for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
            chars[random.nextInt(chars.length)] = punctuation.charAt(random.nextInt(punctuation.length()));
          }
          text = new String(chars);
        }
        case WIRE_TYPE -> text = text.replaceFirst("\"kind\":\\s*\"?[A-Z_0-9]*\"?", "\"kind\":{\"x\":[1]}")
            .replaceFirst("\"intValue\":\\s*\"(-?\\d+)\"", "\"intValue\":[$1]");
        case HUGE_LENGTH -> text = text.replaceFirst("\"startTimeUnixNano\":\\s*\"\\d+\"",
            "\"startTimeUnixNano\":\"" + "9".repeat(40) + "\"")
            .replaceFirst("\"intValue\":\\s*\"-?\\d+\"", "\"intValue\":1e999");
        default -> {
          // the content mutations were made before printing
        }
      }
      return text.getBytes(StandardCharsets.UTF_8);
    }

    private static AnyValue nested(int depth) {
      AnyValue value = AnyValue.newBuilder().setStringValue("bottom").build();
      for (int i = 0; i < depth; i++) {
        value = i % 2 == 0
            ? AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                .addValues(KeyValue.newBuilder().setKey("k").setValue(value))).build()
            : AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(value)).build();
      }
      return value;
    }

    private static KeyValue text(String key, String value) {
      return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private static ByteString randomBytes(Random random, int length) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      return ByteString.copyFrom(bytes);
    }
  }
}
