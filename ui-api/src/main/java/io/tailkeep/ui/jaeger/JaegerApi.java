package io.tailkeep.ui.jaeger;

import com.fasterxml.jackson.core.JsonGenerator;
import io.tailkeep.query.ApiJson;
import io.tailkeep.query.QueryApiOptions;
import io.tailkeep.query.StoreCall;
import io.tailkeep.query.StreamingJson;
import io.tailkeep.store.Operation;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanReader;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.units.DurationSyntax;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jaeger's HTTP query API, as Jaeger UI, Grafana's Jaeger data source and Jaeger's tools call it,
 * answered from a {@link SpanReader}:
 *
 * <ul>
 *   <li>{@code GET /api/services}: service names;
 *   <li>{@code GET /api/services/{service}/operations}: span names of a service;
 *   <li>{@code GET /api/operations?service=&spanKind=}: span names with their kinds;
 *   <li>{@code GET /api/traces?...}: search (see {@link JaegerSearchParams}) or traces by {@code
 *       traceID}, newest first, each in full;
 *   <li>{@code GET /api/traces/{traceID}}: one trace;
 *   <li>{@code GET /api/v3/traces/{traceID}}: one trace as OTLP/JSON, exactly the spans ingested.
 * </ul>
 *
 * <p>Answers are Jaeger's envelope {@code {"data", "total", "limit", "offset", "errors"}}, with
 * Jaeger's JSON model for traces ({@link JaegerTraceJson}); {@code prettyPrint=true} indents them.
 * Errors are {@code errors: [{"code", "msg"}]}: 400 for bad input (the message names the parameter
 * and value), 404 for an unknown trace, 503 when the span store fails; never a stack trace. {@code
 * /api/v3} answers errors as Jaeger's API v3 does: {@code {"error": {"httpCode", "message"}}}.
 */
public final class JaegerApi {

  private static final Logger LOG = LoggerFactory.getLogger(JaegerApi.class);
  private static final Set<String> SPAN_KINDS =
      Set.of("server", "client", "producer", "consumer", "internal");

  private final SpanReader reader;
  private final QueryApiOptions options;

  private JaegerApi(SpanReader reader, QueryApiOptions options) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Adds the routes to {@code router}, each with its own failure handler, so other APIs can share
   * the router (and its server on port 16686). Mount before any catch-all failure handler.
   */
  public static void mount(Router router, SpanReader reader) {
    mount(router, reader, QueryApiOptions.defaults());
  }

  /** As above; {@code clock} says when "now" is for searches without an {@code end}. */
  static void mount(Router router, SpanReader reader, Clock clock) {
    mount(router, reader, QueryApiOptions.builder().clock(clock).build());
  }

  /**
   * As above, with the query API's settings: the span cap of a trace read ({@code maxTraceSpans}),
   * the largest search {@code limit} ({@code maxJaegerLimit}), {@code storageTimeout}, {@code
   * retryAfter} and the clock.
   */
  public static void mount(Router router, SpanReader reader, QueryApiOptions options) {
    JaegerApi api = new JaegerApi(reader, options);
    router.get("/api/services").handler(api::services).failureHandler(api::renderFailure);
    router
        .get("/api/services/:service/operations")
        .handler(api::serviceOperations)
        .failureHandler(api::renderFailure);
    router.get("/api/operations").handler(api::operations).failureHandler(api::renderFailure);
    router.get("/api/traces").handler(api::search).failureHandler(api::renderFailure);
    router.get("/api/traces/:traceID").handler(api::trace).failureHandler(api::renderFailure);
    router
        .get("/api/v3/traces/:traceID")
        .handler(api::otlpTrace)
        .failureHandler(api::renderV3Failure);
  }

  private void services(RoutingContext ctx) {
    store(ctx, reader::getServices)
        .onSuccess(
            names -> respond(ctx, envelope(new JsonArray(new ArrayList<>(names)), names.size())))
        .onFailure(ctx::fail);
  }

  /** Jaeger's older operations call: distinct names, whatever their kind. */
  private void serviceOperations(RoutingContext ctx) {
    String service = ctx.pathParam("service");
    store(ctx, () -> reader.getOperations(service))
        .onSuccess(
            operations -> {
              Set<String> names = new TreeSet<>();
              operations.forEach(operation -> names.add(operation.name()));
              respond(ctx, envelope(new JsonArray(new ArrayList<>(names)), names.size()));
            })
        .onFailure(ctx::fail);
  }

  private void operations(RoutingContext ctx) {
    String service = JaegerSearchParams.first(ctx.queryParams(), "service");
    if (service == null) {
      throw new IllegalArgumentException("parameter 'service' is required");
    }
    String spanKind = JaegerSearchParams.first(ctx.queryParams(), "spanKind");
    if (spanKind != null && !SPAN_KINDS.contains(spanKind)) {
      throw JaegerIds.invalid(
          "spanKind",
          spanKind,
          "is not a span kind: server, client, producer, consumer or internal");
    }
    store(ctx, () -> reader.getOperations(service))
        .onSuccess(
            operations -> {
              JsonArray data = new JsonArray();
              for (Operation operation : operations) {
                String kind = JaegerTraceJson.spanKind(operation.kind());
                if (spanKind == null || spanKind.equals(kind)) {
                  data.add(new JsonObject().put("name", operation.name()).put("spanKind", kind));
                }
              }
              respond(ctx, envelope(data, data.size()));
            })
        .onFailure(ctx::fail);
  }

  private void search(RoutingContext ctx) {
    Context context = ctx.vertx().getOrCreateContext();
    JaegerSearchParams params =
        JaegerSearchParams.parse(
            ctx.queryParams(), options.clock().instant(), options.maxJaegerLimit(), reader::isIndexedTag);
    boolean pretty = prettyPrint(ctx);
    Future<TracesFound> found;
    if (params.byTraceIds()) {
      found = tracesById(ctx, params.traceIds(), Map.of());
    } else {
      // Jaeger answers a search with whole traces; the summaries say which, in order.
      found =
          store(ctx, () -> reader.search(params.query()))
              .compose(
                  search -> {
                    Map<TraceId, TraceSummary> summaries = new HashMap<>();
                    search.traces().forEach(summary -> summaries.put(summary.traceId(), summary));
                    return tracesById(ctx, search.traces().stream().map(TraceSummary::traceId).toList(), summaries)
                        // A trace whose spans expired between the two reads is left out, not reported.
                        .map(traces -> new TracesFound(traces.traces(), List.of(), search.warnings()));
                  });
    }
    found.compose(traces -> sendTraces(ctx, context, traces, pretty)).onFailure(ctx::fail);
  }

  /**
   * Found traces as {@code data}; traces asked for by ID and not found as {@code errors}, as Jaeger
   * does; the store's search warnings as {@code warnings} beside them (only when there are some).
   * Written span by span off the event loop and sent as it is written (a trace of 1 000 spans is
   * about a megabyte), the envelope as {@link #envelope} has it.
   */
  private static Future<Void> sendTraces(
      RoutingContext ctx, Context context, TracesFound traces, boolean pretty) {
    return ctx.vertx()
        .executeBlocking(
            () -> {
              StreamingJson.stream(context, ctx.response(), pretty, json -> writeTraces(json, traces));
              return null;
            },
            false);
  }

  private static void writeTraces(JsonGenerator json, TracesFound traces) throws IOException {
    json.writeStartObject();
    json.writeArrayFieldStart("data");
    for (ReadTrace trace : traces.traces()) {
      JaegerTraceJson.write(json, trace.trace(), trace.warnings());
    }
    json.writeEndArray();
    json.writeNumberField("total", 0);
    json.writeNumberField("limit", 0);
    json.writeNumberField("offset", 0);
    if (traces.missing().isEmpty()) {
      json.writeNullField("errors");
    } else {
      json.writeArrayFieldStart("errors");
      for (TraceId missing : traces.missing()) {
        json.writeStartObject();
        json.writeStringField("msg", "trace not found");
        json.writeStringField("traceID", missing.toHex());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    if (!traces.warnings().isEmpty()) {
      json.writeArrayFieldStart("warnings");
      for (String warning : traces.warnings()) {
        json.writeString(warning);
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private void trace(RoutingContext ctx) {
    Context context = ctx.vertx().getOrCreateContext();
    TraceId traceId = JaegerIds.traceId("traceID", ctx.pathParam("traceID"));
    boolean pretty = prettyPrint(ctx);
    oneTrace(ctx, traceId)
        .compose(trace -> sendTraces(ctx, context, new TracesFound(List.of(trace), List.of(), List.of()), pretty))
        .onFailure(ctx::fail);
  }

  /** OTLP/JSON as ingested, but each span's tracestate carries the trace's sampling threshold. */
  private void otlpTrace(RoutingContext ctx) {
    TraceId traceId = JaegerIds.traceId("trace_id", ctx.pathParam("traceID"));
    oneTrace(ctx, traceId)
        .compose(
            read -> {
              Trace trace = read.trace();
              // The decision is stored with the spans; the summary row only knows it for older ones.
              Future<Sampling> sampling =
                  trace.sampling() != null
                      ? Future.succeededFuture(trace.sampling())
                      : store(ctx, () -> reader.getSummaries(List.of(traceId)))
                          .map(
                              summaries -> // one ID asked: its summary, if stored, is the only one
                                  summaries.stream().findFirst().flatMap(TraceSummary::samplingDecision).orElse(null));
              return sampling.compose(
                  decision -> ctx.vertx().executeBlocking(() -> OtlpTraceJson.json(trace, decision), false));
            })
        .onSuccess(body -> send(ctx, body))
        .onFailure(ctx::fail);
  }

  private Future<ReadTrace> oneTrace(RoutingContext ctx, TraceId traceId) {
    return store(ctx, () -> reader.getTrace(traceId, options.maxTraceSpans()))
        .compose(
            trace ->
                trace.isPresent()
                    ? Future.succeededFuture(read(trace.get(), null))
                    : Future.failedFuture(new HttpException(404, "trace not found")));
  }

  /** Reads the traces, each up to the span cap; {@code summaries} count the spans of a capped one. */
  private Future<TracesFound> tracesById(
      RoutingContext ctx, List<TraceId> traceIds, Map<TraceId, TraceSummary> summaries) {
    List<Future<Optional<Trace>>> reads = new ArrayList<>(traceIds.size());
    for (TraceId traceId : traceIds) {
      reads.add(store(ctx, () -> reader.getTrace(traceId, options.maxTraceSpans())));
    }
    return Future.all(reads)
        .map(
            all -> {
              List<ReadTrace> traces = new ArrayList<>();
              List<TraceId> missing = new ArrayList<>();
              for (int i = 0; i < traceIds.size(); i++) {
                Optional<Trace> trace = all.resultAt(i);
                if (trace.isPresent()) {
                  traces.add(read(trace.get(), summaries.get(traceIds.get(i))));
                } else {
                  missing.add(traceIds.get(i));
                }
              }
              return new TracesFound(traces, missing, List.of());
            });
  }

  /** A trace as read, with a warning when the span cap cut it. */
  private static ReadTrace read(Trace trace, TraceSummary summary) {
    if (!trace.capped()) {
      return new ReadTrace(trace, List.of());
    }
    int read = trace.spans().size();
    String warning =
        summary != null && summary.spanCount() > read
            ? "the trace has " + summary.spanCount() + " spans, more than the span cap of " + read + ": only "
                + read + " are shown, " + (summary.spanCount() - read) + " are left out"
            : "the trace has more than " + read + " spans, the span cap: only " + read + " are shown";
    return new ReadTrace(trace, List.of(warning));
  }

  private record ReadTrace(Trace trace, List<String> warnings) {}

  private record TracesFound(List<ReadTrace> traces, List<TraceId> missing, List<String> warnings) {}

  /** Reads the store for this request; its failures are worded by {@link #failure}. */
  private <T> Future<T> store(RoutingContext ctx, Supplier<CompletionStage<T>> call) {
    return StoreCall.run(ctx.vertx().getOrCreateContext(), options.storageTimeout(), call);
  }

  static JsonObject envelope(Object data, int total) {
    return new JsonObject()
        .put("data", data)
        .put("total", total)
        .put("limit", 0)
        .put("offset", 0)
        .putNull("errors");
  }

  /** Jaeger's {@code prettyPrint=true} (or 1): indented JSON for people reading it with curl. */
  private static boolean prettyPrint(RoutingContext ctx) {
    String value = ctx.queryParams().get("prettyPrint");
    return "true".equalsIgnoreCase(value) || "1".equals(value);
  }

  private static Buffer encode(JsonObject body, boolean pretty) {
    return pretty ? Buffer.buffer(body.encodePrettily()) : body.toBuffer();
  }

  static void respond(RoutingContext ctx, JsonObject body) {
    send(ctx, encode(body, prettyPrint(ctx)));
  }

  private static void send(RoutingContext ctx, Buffer body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, ApiJson.CONTENT_TYPE).end(body);
  }

  private record Failure(int status, String message) {}

  private static Failure failure(RoutingContext ctx, QueryApiOptions options) {
    Throwable failure = ctx.failure();
    String request = ctx.request().method().name() + " " + ctx.request().path();
    if (failure instanceof HttpException http) {
      int status = http.getStatusCode();
      String message = http.getPayload() != null ? http.getPayload() : reason(status);
      LOG.debug("{} answered {}: {}", request, status, message);
      return new Failure(status, message);
    }
    if (failure instanceof StoreCall.Failure store) {
      return storeFailure(ctx, request, store, options);
    }
    if (failure instanceof IllegalArgumentException) {
      LOG.debug("{} answered 400: {}", request, failure.getMessage());
      return new Failure(400, failure.getMessage());
    }
    if (failure == null && ctx.statusCode() > 0 && ctx.statusCode() < 500) {
      return new Failure(ctx.statusCode(), reason(ctx.statusCode()));
    }
    // A bug of ours, not the caller's: logged with its stack, answered without it.
    LOG.warn("{} failed", request, failure);
    return new Failure(500, "internal error");
  }

  private static Failure storeFailure(
      RoutingContext ctx, String request, StoreCall.Failure failure, QueryApiOptions options) {
    LOG.debug("{}: {}", request, failure.getMessage());
    return switch (failure.kind()) {
      case BAD_INPUT -> new Failure(400, failure.getCause().getMessage());
      case BUSY -> {
        long seconds = options.retryAfter().toSeconds();
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        yield new Failure(503, "span store busy: too many reads under way; try again in " + seconds + " s");
      }
      case TIMED_OUT -> new Failure(503,
          "the span store did not answer within " + DurationSyntax.GO.format(options.storageTimeout())
              + "; the query was cancelled (a narrower one, with a service or a shorter lookback,"
              + " is faster)");
      case FAILED -> new Failure(503, "span store unavailable; try again later");
    };
  }

  private void renderFailure(RoutingContext ctx) {
    renderFailure(ctx, options);
  }

  /**
   * Answers a failed request in Jaeger's envelope ({@code errors: [{code, msg}]}), as every route
   * of Jaeger's API here does, {@link JaegerDependencies}' too.
   */
  static void renderFailure(RoutingContext ctx, QueryApiOptions options) {
    Failure failure = failure(ctx, options);
    JsonObject error = new JsonObject().put("code", failure.status()).put("msg", failure.message());
    end(ctx, failure.status(), envelope(null, 0).put("errors", new JsonArray().add(error)));
  }

  private void renderV3Failure(RoutingContext ctx) {
    Failure failure = failure(ctx, options);
    JsonObject error =
        new JsonObject().put("httpCode", failure.status()).put("message", failure.message());
    end(ctx, failure.status(), new JsonObject().put("error", error));
  }

  private static void end(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, ApiJson.CONTENT_TYPE)
        .end(body.toBuffer());
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "bad request";
      case 404 -> "not found";
      case 405 -> "method not allowed";
      default -> "request failed with status " + status;
    };
  }
}
