package io.tailkeep.query;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.MinuteWindow;
import io.tailkeep.store.RuleCounts;
import io.tailkeep.store.SamplingCounts;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.OperationCalls;
import io.tailkeep.store.traffic.ServiceCalls;
import io.tailkeep.store.traffic.Step;
import io.tailkeep.store.traffic.StepWindow;
import io.tailkeep.store.traffic.TrafficCounts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Rates, errors and latencies of all traffic, counted before sampling (issue 16), and the service
 * graph, read from {@link TrafficCounts}:
 *
 * <pre>
 * GET /api/v1/traffic/graph?start=&amp;end=
 * GET /api/v1/traffic/series?service=&amp;operation=&amp;spanKind=&amp;start=&amp;end=&amp;step=
 * GET /api/v1/traffic/operations?service=&amp;start=&amp;end=
 * </pre>
 *
 * <p>Routes only, each with the query API's JSON failure handler: 400 naming the parameter and
 * value, 503 when the store fails, is busy or does not answer within {@link
 * QueryApiOptions#storageTimeout()}. The figures are made by {@link CallFigures}, {@link
 * TrafficGraph} and {@link TrafficSeries}; the README has the JSON.
 */
public final class TrafficApi {
  public static final String GRAPH_PATH = "/api/v1/traffic/graph";
  public static final String SERIES_PATH = "/api/v1/traffic/series";
  public static final String OPERATIONS_PATH = "/api/v1/traffic/operations";

  private final TrafficCounts traffic;
  private final SamplingCounts samplingCounts;
  private final QueryApiOptions options;

  private TrafficApi(TrafficCounts traffic, SamplingCounts samplingCounts, QueryApiOptions options) {
    this.traffic = Objects.requireNonNull(traffic, "traffic");
    this.samplingCounts = Objects.requireNonNull(samplingCounts, "samplingCounts");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** A new router holding only these routes, for mounting or serving alone. */
  public static Router router(
      Vertx vertx, TrafficCounts traffic, SamplingCounts samplingCounts, QueryApiOptions options) {
    Router router = Router.router(vertx);
    mount(router, traffic, samplingCounts, options);
    return router;
  }

  /**
   * Adds the three routes to {@code router}, each with its own JSON failure handler, so the
   * router's other routes and error handlers stay as they are.
   *
   * @param samplingCounts the cluster's sampling decisions, for a series' {@code stored}
   */
  public static void mount(
      Router router, TrafficCounts traffic, SamplingCounts samplingCounts, QueryApiOptions options) {
    TrafficApi api = new TrafficApi(traffic, samplingCounts, options);
    router.get(GRAPH_PATH).handler(api::graph).failureHandler(QueryApi::renderFailure);
    router.get(SERIES_PATH).handler(api::series).failureHandler(QueryApi::renderFailure);
    router.get(OPERATIONS_PATH).handler(api::operations).failureHandler(QueryApi::renderFailure);
  }

  private void graph(RoutingContext ctx) {
    TrafficParams params = params(ctx);
    MinuteWindow minutes = params.window(options.clock().instant(), options.defaultLookback());
    StepWindow whole = whole(minutes);
    Duration length = length(minutes);
    Context context = ctx.vertx().getOrCreateContext();
    Future<List<Step<ServiceCalls>>> services = call(context, noParameter(), () -> traffic.services(whole));
    Future<List<Step<EdgeCalls>>> edges = call(context, noParameter(), () -> traffic.edges(whole));
    Future.all(services, edges)
        .map(done -> {
          TrafficGraph.Graph graph = TrafficGraph.of(services.result(), edges.result());
          JsonArray nodes = new JsonArray();
          for (TrafficGraph.Node node : graph.services()) {
            nodes.add(CallFigures.of(node.counts(), length)
                .writeTo(new JsonObject().put("service", node.service()))
                .put("measuredBy", node.measuredBy().jsonName()));
          }
          JsonArray links = new JsonArray();
          for (EdgeCalls edge : graph.edges()) {
            links.add(CallFigures.of(TrafficGraph.intoServer(edge), length)
                .writeTo(new JsonObject().put("client", edge.client()).put("server", edge.server())));
          }
          return withWindow(new JsonObject(), minutes).put("services", nodes).put("edges", links);
        })
        .onSuccess(body -> ApiJson.send(ctx.response(), 200, body))
        .onFailure(ctx::fail);
  }

  private void series(RoutingContext ctx) {
    TrafficParams params = params(ctx);
    String service = params.service();
    String operation = params.operation();
    SpanKind kind = params.spanKind();
    MinuteWindow minutes = params.window(options.clock().instant(), options.defaultLookback());
    StepWindow steps = params.steps(minutes);
    Context context = ctx.vertx().getOrCreateContext();
    Future<List<Step<OperationCalls>>> operations =
        call(context, badInput(TrafficParams.SERVICE, service), () -> traffic.operations(service, steps));
    Future<List<RuleCounts>> decisions =
        call(context, noParameter(), () -> samplingCounts.read(minutes.start(), minutes.end()));
    Future<TrafficSeries.Selected> selected =
        operations.compose(found -> {
          TrafficSeries.Selected spans = TrafficSeries.select(found, operation, kind);
          return spans != null
              ? Future.succeededFuture(spans)
              // No spans of the service in the window: a peer, measured by the edges into it.
              : call(context, noParameter(), () -> traffic.edges(steps))
                  .map(edges -> TrafficSeries.intoService(service, edges));
        });
    Future.all(selected, decisions)
        .map(done -> {
          TrafficSeries.Selected counted = selected.result();
          List<TrafficSeries.Point> points = TrafficSeries.points(steps, counted.steps());
          JsonArray pointsJson = new JsonArray();
          for (TrafficSeries.Point point : points) {
            pointsJson.add(CallFigures.of(point.counts(), point.length())
                .writeTo(new JsonObject().put("start", point.start().toString())));
          }
          long kept = 0;
          long decided = 0;
          for (RuleCounts rule : decisions.result()) {
            kept = Math.addExact(kept, rule.kept());
            decided = Math.addExact(decided, Math.addExact(rule.kept(), rule.dropped()));
          }
          JsonObject body = new JsonObject()
              .put("service", service)
              .put("operation", operation)
              .put("spanKind", kind == null ? null : TrafficParams.kindName(kind))
              .put("measuredBy", counted.measuredBy().jsonName());
          return withWindow(body, minutes)
              .put("stepSeconds", steps.step().toSeconds())
              .put("totals", CallFigures.of(TrafficSeries.total(points), length(minutes)).writeTo(new JsonObject()))
              .put("points", pointsJson)
              .put("stored", new JsonObject().put("tracesDecided", decided).put("tracesKept", kept));
        })
        .onSuccess(body -> ApiJson.send(ctx.response(), 200, body))
        .onFailure(ctx::fail);
  }

  private void operations(RoutingContext ctx) {
    TrafficParams params = params(ctx);
    String service = params.service();
    MinuteWindow minutes = params.window(options.clock().instant(), options.defaultLookback());
    StepWindow whole = whole(minutes);
    Duration length = length(minutes);
    call(ctx.vertx().getOrCreateContext(), badInput(TrafficParams.SERVICE, service),
            () -> traffic.operations(service, whole))
        .map(steps -> {
          record Key(String spanName, SpanKind kind) {}
          Map<Key, CallCounts> sums = new LinkedHashMap<>();
          for (Step<OperationCalls> step : steps) {
            OperationCalls calls = step.counts();
            sums.merge(new Key(calls.spanName(), calls.kind()), calls.counts(), CallCounts::plus);
          }
          List<Map.Entry<Key, CallCounts>> sorted = new ArrayList<>(sums.entrySet());
          // Most calls first; ties by name and kind, so the order is the same every time.
          sorted.sort(Comparator.<Map.Entry<Key, CallCounts>>comparingLong(e -> -e.getValue().calls())
              .thenComparing(e -> e.getKey().spanName())
              .thenComparing(e -> e.getKey().kind()));
          JsonArray operations = new JsonArray();
          for (Map.Entry<Key, CallCounts> entry : sorted) {
            operations.add(CallFigures.of(entry.getValue(), length)
                .writeTo(new JsonObject()
                    .put("spanName", entry.getKey().spanName())
                    .put("spanKind", TrafficParams.kindName(entry.getKey().kind()))));
          }
          return withWindow(new JsonObject().put("service", service), minutes).put("operations", operations);
        })
        .onSuccess(body -> ApiJson.send(ctx.response(), 200, body))
        .onFailure(ctx::fail);
  }

  private static TrafficParams params(RoutingContext ctx) {
    return new TrafficParams(QueryApi.queryParams(ctx.queryParams()));
  }

  /** One step over the whole window: its totals. */
  private static StepWindow whole(MinuteWindow minutes) {
    return StepWindow.whole(minutes.start(), minutes.end());
  }

  private static Duration length(MinuteWindow minutes) {
    return Duration.between(minutes.start(), minutes.end());
  }

  /** Adds the window as answered: whole minutes, so written without a fraction ({@code 2026-12-05T11:00:00Z}). */
  private static JsonObject withWindow(JsonObject body, MinuteWindow minutes) {
    return body.put("start", minutes.start().toString()).put("end", minutes.end().toString());
  }

  private <T> Future<T> call(
      Context context,
      Function<IllegalArgumentException, InvalidParameterException> badInput,
      Supplier<CompletionStage<T>> call) {
    return QueryApi.call(context, options, badInput, call);
  }

  private static Function<IllegalArgumentException, InvalidParameterException> badInput(String parameter, String value) {
    return e -> new InvalidParameterException(parameter, value, parameter + ": " + e.getMessage());
  }

  private static Function<IllegalArgumentException, InvalidParameterException> noParameter() {
    return e -> new InvalidParameterException(null, null, e.getMessage());
  }
}
