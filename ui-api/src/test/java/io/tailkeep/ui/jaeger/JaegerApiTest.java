package io.tailkeep.ui.jaeger;

import static io.tailkeep.store.testing.TestSpans.attr;
import static io.tailkeep.store.testing.TestSpans.nanos;
import static io.tailkeep.ui.testing.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.query.ApiJson;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.cassandra.CassandraStorage;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.TestCassandra;
import io.tailkeep.store.testing.TestSpans;
import io.tailkeep.ui.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every endpoint over HTTP, on a real Cassandra node, against one data set written once:
 *
 * <pre>
 * trace   service            root op   start      duration
 * t1      A                  GET /a    base+1s    100 ms   http.route=/a, http.request.method=GET; 3 spans
 * t2      A                  POST /b   base+10s   2 s      http.route=/b, http.request.method=POST; 2 spans
 * t3      B                  consume   base+20s   500 ms   messaging.system=kafka
 * t5      B (64-bit ID)      short-id  base+25s   50 ms
 * every   frontend/everything GET /    base+30s   5 ms     every OTLP field (EveryFieldTrace)
 * t6      "weird svc/ä"      op        base+35s   10 ms
 * </pre>
 *
 * "Now" is base+40s, so the default window (the last hour) holds them all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JaegerApiTest {

  private static final String KEYSPACE = "ui_api_jaeger_test";
  private static final long MS = 1_000_000L;

  private final TestSpans testSpans = new TestSpans(2025);
  private final String prefix = "jaeger-" + UUID.randomUUID().toString().substring(0, 8);
  private final String serviceA = prefix + "-checkout";
  private final String serviceB = prefix + "-queue";
  private final String weirdService = prefix + " weird svc/ä";

  /** Three hours ago on the hour: well inside every TTL. */
  private final Instant base =
      Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));

  private SpanStore store;
  private TestServer server;
  private List<OtlpSpan> t1;
  private List<OtlpSpan> t3;
  private TraceId t1Id;
  private TraceId t2Id;
  private TraceId t3Id;
  private TraceId t5Id;
  private TraceId t6Id;
  private EveryFieldTrace every;

  @BeforeAll
  void writeTracesAndStartServer() {
    store = storage(TestCassandra.shared()).open();
    t1Id = testSpans.newTraceId();
    t1 =
        testSpans.trace(
            t1Id,
            serviceA,
            "GET /a",
            at(1_000),
            100 * MS,
            3,
            attr("http.route", "/a"),
            attr("http.request.method", "GET"));
    write(t1);
    t2Id = testSpans.newTraceId();
    write(
        testSpans.trace(
            t2Id,
            serviceA,
            "POST /b",
            at(10_000),
            2_000 * MS,
            2,
            attr("http.route", "/b"),
            attr("http.request.method", "POST")));
    t3Id = testSpans.newTraceId();
    t3 =
        testSpans.trace(
            t3Id, serviceB, "consume", at(20_000), 500 * MS, 1, attr("messaging.system", "kafka"));
    write(t3);
    t5Id = new TraceId(0, 0x00c0ffee00c0ffeeL);
    write(testSpans.trace(t5Id, serviceB, "short-id", at(25_000), 50 * MS, 1));
    every = new EveryFieldTrace(testSpans, at(30_000) + 123);
    write(every.spans());
    t6Id = testSpans.newTraceId();
    write(testSpans.trace(t6Id, weirdService, "op", at(35_000), 10 * MS, 1));

    Clock now = Clock.fixed(base.plusSeconds(40), ZoneOffset.UTC);
    server = TestServer.start(router -> JaegerApi.mount(router, store.reader(), now));
  }

  static CassandraStorage storage(CassandraEndpoint node) {
    return CassandraStorage.builder()
        .contactPoints(List.of(node.contactPoint()))
        .localDatacenter(node.localDatacenter())
        .keyspace(KEYSPACE)
        .build();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private long at(long millisAfterBase) {
    return nanos(base.plusMillis(millisAfterBase));
  }

  private long micros(long millisAfterBase) {
    return base.plusMillis(millisAfterBase).toEpochMilli() * 1000;
  }

  private void write(List<OtlpSpan> spans) {
    store
        .writer()
        .write(SpanBatch.of(spans, new Sampling("test", 1.0)))
        .toCompletableFuture()
        .join();
  }

  // --- services and operations

  @Test
  void servicesAreListedSortedInTheEnvelope() {
    JsonObject body = json(server.get("/api/services"), 200);
    JsonArray data = body.getJsonArray("data");
    List<String> names = data.stream().map(String.class::cast).toList();
    assertThat(names)
        .contains(
            serviceA, serviceA + "-dep", serviceB, weirdService, "frontend", "everything-service")
        .isSorted();
    assertThat(body.getInteger("total")).isEqualTo(data.size());
    assertEnvelope(body);
  }

  @Test
  void operationsOfAServiceAreTheirNames() {
    JsonObject body = json(server.get("/api/services/" + serviceA + "/operations"), 200);
    assertThat(body.getJsonArray("data")).containsExactly("GET /a", "POST /b");
    assertThat(body.getInteger("total")).isEqualTo(2);
    assertEnvelope(body);
  }

  @Test
  void aServiceNameIsDecodedFromThePath() {
    String encoded = prefix + "%20weird%20svc%2F%C3%A4";
    JsonObject body = json(server.getRaw("/api/services/" + encoded + "/operations"), 200);
    assertThat(body.getJsonArray("data")).containsExactly("op");
  }

  @Test
  void operationsWithKindsCanBeFilteredByKind() {
    JsonObject body = json(server.get("/api/operations", "service", serviceA), 200);
    assertThat(body.getJsonArray("data"))
        .containsExactly(
            new JsonObject().put("name", "GET /a").put("spanKind", "server"),
            new JsonObject().put("name", "POST /b").put("spanKind", "server"));
    assertThat(body.getInteger("total")).isEqualTo(2);
    assertEnvelope(body);

    assertThat(
            json(server.get("/api/operations", "service", serviceA, "spanKind", "server"), 200)
                .getJsonArray("data"))
        .hasSize(2);
    assertThat(
            json(server.get("/api/operations", "service", serviceA, "spanKind", "client"), 200)
                .getJsonArray("data"))
        .isEmpty();
    assertThat(
            json(server.get("/api/operations", "service", "everything-service"), 200)
                .getJsonArray("data"))
        .containsExactly(new JsonObject().put("name", "GET /everything").put("spanKind", "client"));
    assertThat(
            json(
                    server.get(
                        "/api/operations", "service", serviceA + "-dep", "spanKind", "internal"),
                    200)
                .getJsonArray("data"))
        .isNotEmpty()
        .allSatisfy(
            op -> assertThat(((JsonObject) op).getString("spanKind")).isEqualTo("internal"));
  }

  @Test
  void operationsNeedAServiceAndAKnownKind() {
    assertError(server.get("/api/operations"), 400, "parameter 'service' is required");
    assertError(
        server.get("/api/operations", "service", serviceA, "spanKind", "SERVER"),
        400,
        "invalid parameter 'spanKind': 'SERVER' is not a span kind");
  }

  // --- one trace

  @Test
  void aTraceIsJaegersModelFieldByField() {
    JsonObject body = json(server.get("/api/traces/" + every.traceId.toHex()), 200);
    assertThat(body.fieldNames()).containsExactly("data", "total", "limit", "offset", "errors");
    assertEnvelope(body);
    assertThat(body.getInteger("total")).isZero();
    assertThat(body.getJsonArray("data")).hasSize(1);
    JsonObject trace = body.getJsonArray("data").getJsonObject(0);
    assertThat(trace).isEqualTo(every.expectedJaegerTrace());
    assertThat(trace.fieldNames()).containsExactly("traceID", "spans", "processes", "warnings");
    assertThat(trace.getJsonArray("spans").getJsonObject(1).fieldNames())
        .containsExactly(
            "traceID",
            "spanID",
            "flags",
            "operationName",
            "references",
            "startTime",
            "duration",
            "tags",
            "logs",
            "processID",
            "warnings");
  }

  @Test
  void aTraceIdIsTakenInEitherCaseAndA64BitIdIn16Digits() {
    JsonObject upper = json(server.get("/api/traces/" + t1Id.toHex().toUpperCase()), 200);
    assertThat(traceIds(upper)).containsExactly(t1Id.toHex());

    JsonObject shortId = json(server.get("/api/traces/00c0ffee00c0ffee"), 200);
    assertThat(traceIds(shortId)).containsExactly("000000000000000000c0ffee00c0ffee");
  }

  @Test
  void anUnknownTraceIs404WithAnErrorsEntry() {
    HttpResponse<Buffer> response = server.get("/api/traces/" + testSpans.newTraceId().toHex());
    assertThat(json(response, 404))
        .isEqualTo(
            new JsonObject()
                .putNull("data")
                .put("total", 0)
                .put("limit", 0)
                .put("offset", 0)
                .put(
                    "errors",
                    new JsonArray()
                        .add(new JsonObject().put("code", 404).put("msg", "trace not found"))));
  }

  @Test
  void aBadTraceIdIs400NamingItAndTheValue() {
    assertError(
        server.get("/api/traces/not-a-trace-id"),
        400,
        "invalid parameter 'traceID': 'not-a-trace-id' is not a trace ID");
    assertError(server.get("/api/traces/" + "0".repeat(32)), 400, "all zeros");
    assertError(
        server.get("/api/traces/" + "a".repeat(33)),
        400,
        "'" + "a".repeat(33) + "' is not a trace ID");
  }

  // --- OTLP download

  @Test
  void theOtlpDownloadIsWhatWasIngestedWithTheSamplingThresholdInTracestate() {
    HttpResponse<Buffer> response = server.get("/api/v3/traces/" + every.traceId.toHex());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo(ApiJson.CONTENT_TYPE);
    assertThat(response.bodyAsJsonObject().fieldNames()).containsExactly("resourceSpans");
    // Written kept whole (probability 1): OTEP 235's th:0, merged into what the spans carried.
    assertThat(OtlpJsonReader.spans(OtlpJsonReader.parse(response.bodyAsString())))
        .containsExactlyInAnyOrderElementsOf(withThreshold(every.spans(), "ot=th:0"));

    HttpResponse<Buffer> t1Response = server.get("/api/v3/traces/" + t1Id.toHex());
    assertThat(OtlpJsonReader.spans(OtlpJsonReader.parse(t1Response.bodyAsString())))
        .containsExactlyInAnyOrderElementsOf(withThreshold(t1, "ot=th:0"));
  }

  private static List<OtlpSpan> withThreshold(List<OtlpSpan> spans, String ot) {
    return spans.stream()
        .map(s -> new OtlpSpan(s.resource(), s.resourceSchemaUrl(), s.scope(), s.scopeSchemaUrl(),
            s.span().toBuilder().setTraceState(s.span().getTraceState().isEmpty() ? ot
                : ot + "," + s.span().getTraceState()).build()))
        .toList();
  }

  @Test
  void theOtlpDownloadAnswersErrorsAsJaegersApiV3Does() {
    HttpResponse<Buffer> unknown = server.get("/api/v3/traces/" + testSpans.newTraceId().toHex());
    assertThat(json(unknown, 404))
        .isEqualTo(
            new JsonObject()
                .put(
                    "error",
                    new JsonObject().put("httpCode", 404).put("message", "trace not found")));
    JsonObject bad = json(server.get("/api/v3/traces/xyz"), 400);
    assertThat(bad.getJsonObject("error").getString("message"))
        .isEqualTo(
            "invalid parameter 'trace_id': 'xyz' is not a trace ID: expected 1 to 32 hex digits");
  }

  // --- search, each parameter alone

  @Test
  void searchWithoutParametersFindsTheLastHourNewestFirst() {
    JsonObject body = json(server.get("/api/traces"), 200);
    assertThat(traceIds(body)).containsExactly(hex(t6Id, every.traceId, t5Id, t3Id, t2Id, t1Id));
    assertThat(body.getInteger("total")).isZero();
    assertEnvelope(body);
  }

  @Test
  void searchAnswersWholeTraces() {
    JsonObject body =
        json(server.get("/api/traces", "service", serviceA, "operation", "GET /a"), 200);
    JsonObject trace = body.getJsonArray("data").getJsonObject(0);
    assertThat(trace.getJsonArray("spans")).hasSize(3);
    assertThat(trace.getJsonObject("processes").fieldNames()).containsExactly("p1", "p2");
  }

  @Test
  void searchByService() {
    assertThat(search("service", serviceA)).containsExactly(hex(t2Id, t1Id));
    assertThat(search("service", serviceB)).containsExactly(hex(t5Id, t3Id));
  }

  @Test
  void searchByOperation() {
    assertThat(search("service", serviceA, "operation", "POST /b")).containsExactly(hex(t2Id));
  }

  @Test
  void searchByTagsAsJson() {
    assertThat(search("tags", "{\"http.route\":\"/b\"}")).containsExactly(hex(t2Id));
    assertThat(search("tags", "{\"http.route\":\"/a\",\"http.request.method\":\"GET\"}"))
        .containsExactly(hex(t1Id));
    assertThat(search("tags", "{\"http.route\":\"/a\",\"http.request.method\":\"POST\"}"))
        .isEmpty();
  }

  @Test
  void searchByRepeatedTag() {
    assertThat(search("tag", "http.request.method:GET")).containsExactly(hex(t1Id));
    assertThat(search("tag", "messaging.system:kafka", "tag", "http.route:/a")).isEmpty();
  }

  @Test
  void searchByMinDuration() {
    assertThat(search("minDuration", "1s")).containsExactly(hex(t2Id));
  }

  @Test
  void searchByMaxDuration() {
    assertThat(search("maxDuration", "20ms")).containsExactly(hex(t6Id, every.traceId));
  }

  @Test
  void searchByStart() {
    assertThat(search("start", Long.toString(micros(15_000))))
        .containsExactly(hex(t6Id, every.traceId, t5Id, t3Id));
  }

  @Test
  void searchByEnd() {
    assertThat(search("end", Long.toString(micros(15_000)))).containsExactly(hex(t2Id, t1Id));
  }

  @Test
  void searchByLookback() {
    assertThat(search("lookback", "25s")).containsExactly(hex(t6Id, every.traceId, t5Id, t3Id));
  }

  @Test
  void searchByLimit() {
    assertThat(search("limit", "2")).containsExactly(hex(t6Id, every.traceId));
  }

  // --- search, parameters combined

  @Test
  void searchWithEveryFilterCombined() {
    assertThat(
            search(
                "service", serviceA,
                "operation", "POST /b",
                "tags", "{\"http.request.method\":\"POST\"}",
                "tag", "http.route:/b",
                "minDuration", "1.5s",
                "maxDuration", "2s",
                "start", Long.toString(micros(0)),
                "end", Long.toString(micros(15_000)),
                "limit", "5"))
        .containsExactly(hex(t2Id));
    assertThat(
            search(
                "service", serviceA,
                "tags", "{\"http.request.method\":\"POST\"}",
                "maxDuration", "1s"))
        .isEmpty();
    assertThat(search("minDuration", "40ms", "maxDuration", "600ms"))
        .containsExactly(hex(t5Id, t3Id, t1Id));
    assertThat(search("service", serviceB, "start", Long.toString(micros(21_000))))
        .containsExactly(hex(t5Id));
    assertThat(search("minDuration", "5ms", "limit", "1", "end", Long.toString(micros(26_000))))
        .containsExactly(hex(t5Id));
  }

  @Test
  void searchByRepeatedTraceIdIgnoresTheOtherFiltersAndReportsUnknownIds() {
    TraceId unknown = testSpans.newTraceId();
    JsonObject body =
        json(
            server.get(
                "/api/traces",
                "traceID",
                t1Id.toHex(),
                "traceID",
                unknown.toHex(),
                "traceID",
                t3Id.toHex(),
                "service",
                serviceB,
                "limit",
                "1"),
            200);
    assertThat(traceIds(body)).containsExactly(hex(t1Id, t3Id));
    assertThat(body.getJsonArray("errors"))
        .containsExactly(
            new JsonObject().put("msg", "trace not found").put("traceID", unknown.toHex()));
  }

  @Test
  void prettyPrintIndentsTheSameAnswer() {
    HttpResponse<Buffer> plain = server.get("/api/traces/" + t3Id.toHex());
    HttpResponse<Buffer> pretty = server.get("/api/traces/" + t3Id.toHex(), "prettyPrint", "true");
    assertThat(pretty.bodyAsString()).contains("\n  ");
    assertThat(plain.bodyAsString()).doesNotContain("\n");
    assertThat(pretty.bodyAsJsonObject()).isEqualTo(plain.bodyAsJsonObject());
    // indented exactly as Vert.x indents
    assertThat(pretty.bodyAsString()).isEqualTo(plain.bodyAsJsonObject().encodePrettily());
  }

  // --- search errors

  @Test
  void badSearchParametersAre400NamingTheParameterAndTheValue() {
    assertError(
        server.get("/api/traces", "minDuration", "fast"),
        400,
        "invalid parameter 'minDuration': 'fast' has no number");
    assertError(
        server.get("/api/traces", "maxDuration", "10"),
        400,
        "invalid parameter 'maxDuration': '10' has no unit");
    assertError(
        server.get("/api/traces", "start", "2025-01-01"),
        400,
        "invalid parameter 'start': '2025-01-01' is not a time");
    assertError(
        server.get("/api/traces", "end", "soon"),
        400,
        "invalid parameter 'end': 'soon' is not a time");
    assertError(
        server.get("/api/traces", "limit", "many"),
        400,
        "invalid parameter 'limit': 'many' is not an integer");
    assertError(
        server.get("/api/traces", "limit", "20000"),
        400,
        "invalid parameter 'limit': '20000' is out of range");
    assertError(
        server.get("/api/traces", "traceID", "12345z"),
        400,
        "invalid parameter 'traceID': '12345z' is not a trace ID");
    assertError(
        server.get("/api/traces", "tags", "http.route=/a"),
        400,
        "invalid parameter 'tags': 'http.route=/a' is not a JSON object");
    assertError(
        server.get("/api/traces", "start", "2000", "end", "1000"),
        400,
        "invalid parameters: start '2000' is after end '1000'");
  }

  /** Jaeger users find failed traces by error=true; only the every-field trace has an error span. */
  @Test
  void errorTrueFindsTheTracesWithAnErrorSpan() {
    JsonObject body = json(server.get("/api/traces", "tags", "{\"error\":\"true\"}"), 200);
    assertThat(traceIds(body)).containsExactly(hex(every.traceId));
    boolean taggedError = false;
    for (Object span : body.getJsonArray("data").getJsonObject(0).getJsonArray("spans")) {
      for (Object tag : ((JsonObject) span).getJsonArray("tags")) {
        taggedError |= tag.equals(new JsonObject().put("key", "error").put("type", "bool").put("value", true));
      }
    }
    assertThat(taggedError).as("the found trace shows a span tagged error=true").isTrue();
    assertThat(search("tags", "{\"error\":true}", "service", "frontend")).containsExactly(hex(every.traceId));
    assertThat(search("tag", "error:true", "service", serviceA)).isEmpty();
    assertThat(search("tag", "error:true", "minDuration", "1s")).isEmpty();
    assertThat(search("tag", "error:true", "maxDuration", "1s", "end", Long.toString(micros(32_000))))
        .containsExactly(hex(every.traceId));
    assertError(
        server.get("/api/traces", "tag", "error:false"),
        400,
        "invalid parameter 'tag': 'error:false' has error=false: only error=true can be searched");
    // Another key the store does not index is still refused naming it.
    assertError(
        server.get("/api/traces", "tags", "{\"error\":\"true\",\"customer.id\":\"42\"}"),
        400,
        "key 'customer.id' is not indexed");
  }

  @Test
  void aTagTheStoreDoesNotIndexIs400NamingTheKey() {
    assertError(
        server.get("/api/traces", "tags", "{\"customer.id\":\"42\"}"),
        400,
        "key 'customer.id' is not indexed");
  }

  // --- storage down

  @Test
  void aStoreThatCannotAnswerIs503() {
    SpanStore closed = storage(TestCassandra.shared()).open();
    closed.close();
    try (TestServer down = TestServer.start(router -> JaegerApi.mount(router, closed.reader()))) {
      for (String path :
          List.of(
              "/api/services",
              "/api/services/" + serviceA + "/operations",
              "/api/operations?service=" + serviceA,
              "/api/traces?service=" + serviceA,
              "/api/traces?traceID=" + t1Id.toHex(),
              "/api/traces/" + t1Id.toHex())) {
        assertError(down.getRaw(path), 503, "span store unavailable; try again later");
      }
      assertThat(
              json(down.getRaw("/api/v3/traces/" + t1Id.toHex()), 503)
                  .getJsonObject("error")
                  .getInteger("httpCode"))
          .isEqualTo(503);
    }
  }

  // --- helpers

  private List<String> search(String... nameValues) {
    return traceIds(json(server.get("/api/traces", nameValues), 200));
  }

  private static List<String> traceIds(JsonObject body) {
    List<String> ids = new ArrayList<>();
    for (Object trace : body.getJsonArray("data")) {
      ids.add(((JsonObject) trace).getString("traceID"));
    }
    return ids;
  }

  private static String[] hex(TraceId... ids) {
    String[] hex = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      hex[i] = ids[i].toHex();
    }
    return hex;
  }

  private static void assertEnvelope(JsonObject body) {
    assertThat(body.getInteger("limit")).isZero();
    assertThat(body.getInteger("offset")).isZero();
    assertThat(body.containsKey("errors")).isTrue();
    assertThat(body.getValue("errors")).isNull();
  }

  /**
   * A Jaeger error envelope: no data, one error with the status as code, the message containing
   * {@code message}.
   */
  static void assertError(HttpResponse<Buffer> response, int status, String message) {
    JsonObject body = json(response, status);
    assertThat(body.fieldNames()).containsExactly("data", "total", "limit", "offset", "errors");
    assertThat(body.getValue("data")).isNull();
    JsonArray errors = body.getJsonArray("errors");
    assertThat(errors).hasSize(1);
    assertThat(errors.getJsonObject(0).getInteger("code")).isEqualTo(status);
    assertThat(errors.getJsonObject(0).getString("msg")).contains(message);
    assertThat(response.bodyAsString()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}
