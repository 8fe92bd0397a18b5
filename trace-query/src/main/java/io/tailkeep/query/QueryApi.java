package io.tailkeep.query;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.tailkeep.store.FoundTraces;
import io.tailkeep.store.SpanReader;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.units.DurationSyntax;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native REST API: trace trees, trace search, services and operations.
 *
 * <pre>
 * GET /api/v1/traces/{traceId}
 * GET /api/v1/traces?service=&amp;operation=&amp;tags=&amp;minDuration=&amp;maxDuration=&amp;errors=&amp;start=&amp;end=&amp;limit=&amp;sort=&amp;next=
 * GET /api/v1/services
 * GET /api/v1/services/{service}/operations
 * </pre>
 *
 * <p>Routes only: the server that listens belongs to whoever mounts them. Errors are JSON: 400
 * naming the parameter and value, 404 for an unknown trace, 503 when the store fails or does not
 * answer within {@link QueryApiOptions#storageTimeout()}; never a stack trace.
 */
public final class QueryApi {
  public static final String TRACES_PATH = "/api/v1/traces";
  public static final String TRACE_PATH = "/api/v1/traces/:traceId";
  public static final String SERVICES_PATH = "/api/v1/services";
  public static final String OPERATIONS_PATH = "/api/v1/services/:service/operations";

  static final String TRACE_ID = "traceId";
  static final String STORAGE_UNAVAILABLE = "storage unavailable";
  private static final Logger LOG = LoggerFactory.getLogger(QueryApi.class);

  private final SpanReader reader;
  private final QueryApiOptions options;

  private QueryApi(SpanReader reader, QueryApiOptions options) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** A new router holding only this API's routes, for mounting or serving alone. */
  public static Router router(Vertx vertx, SpanReader reader, QueryApiOptions options) {
    Router router = Router.router(vertx);
    mount(router, reader, options);
    return router;
  }

  /**
   * Adds this API's routes to {@code router}, each with its own JSON failure handler, so the
   * router's other routes and error handlers stay as they are.
   */
  public static void mount(Router router, SpanReader reader, QueryApiOptions options) {
    QueryApi api = new QueryApi(reader, options);
    router.get(TRACES_PATH).handler(api::search).failureHandler(QueryApi::renderFailure);
    router.get(TRACE_PATH).handler(api::trace).failureHandler(QueryApi::renderFailure);
    router.get(SERVICES_PATH).handler(api::services).failureHandler(QueryApi::renderFailure);
    router.get(OPERATIONS_PATH).handler(api::operations).failureHandler(QueryApi::renderFailure);
  }

  private void trace(RoutingContext ctx) {
    TraceId traceId = parseTraceId(ctx.pathParam(TRACE_ID));
    Context context = ctx.vertx().getOrCreateContext();
    Function<IllegalArgumentException, InvalidParameterException> badInput =
        e -> new InvalidParameterException(TRACE_ID, traceId.toHex(), e.getMessage());
    // The cap is the store's: it reads no more spans than the view can show.
    call(context, badInput, () -> reader.getTrace(traceId, options.maxTraceSpans()))
        .compose(
            found -> {
              if (found.isEmpty() || found.get().spans().isEmpty()) {
                return Future.failedFuture(new HttpException(404, "trace " + traceId + " not found"));
              }
              Trace trace = found.get();
              // The summary row is a second read: only for what the spans cannot tell (TraceTree).
              if (!trace.capped() && trace.sampling() != null) {
                return render(ctx, context, trace, null);
              }
              // One ID asked: its summary, if stored, is the only one.
              return call(context, badInput, () -> reader.getSummaries(List.of(traceId)))
                  .compose(summaries -> render(ctx, context, trace, summaries.stream().findFirst().orElse(null)));
            })
        .onFailure(ctx::fail);
  }

  /**
   * Assembly and rendering are linear but a big trace is megabytes: off the event loop, and sent
   * as it is written.
   */
  private Future<Void> render(RoutingContext ctx, Context context, Trace trace, TraceSummary summary) {
    return ctx.vertx()
        .executeBlocking(
            () -> {
              TraceTree tree = TraceTree.assemble(trace, summary, options.maxTraceSpans(), options.maxTreeDepth());
              TraceJson.stream(tree, context, ctx.response());
              return null;
            },
            false);
  }

  private void search(RoutingContext ctx) {
    SearchParams params =
        SearchParams.parse(
            queryParams(ctx.queryParams()),
            options.clock().instant(),
            options.defaultLookback(),
            options.defaultLimit());
    SearchPlan plan = new SearchPlan(params);
    List<String> warnings = new ArrayList<>();
    page(ctx.vertx().getOrCreateContext(), plan, plan.firstFetch(), warnings)
        .onSuccess(
            page ->
                ApiJson.send(
                    ctx.response(),
                    200,
                    TraceJson.page(
                            page.traces(),
                            params.filters(),
                            params.limit(),
                            page.next() == null ? null : page.next().encode(),
                            warnings)
                        .toBuffer()))
        .onFailure(ctx::fail);
  }

  /** Runs the plan until it yields a page: at most a few store calls, each asking for more. */
  private Future<SearchPlan.Page> page(Context context, SearchPlan plan, int fetch, List<String> warnings) {
    Future<FoundTraces> fetched =
        plan.emptyRange()
            ? Future.succeededFuture(FoundTraces.complete(List.of()))
            : call(context, e -> badSearch(plan.filters(), e), () -> reader.search(plan.query(fetch)));
    return fetched.compose(
        found -> {
          for (String warning : found.warnings()) {
            if (!warnings.contains(warning)) {
              warnings.add(warning); // the store narrowed the search to bound its work
            }
          }
          List<TraceSummary> traces = found.traces();
          SearchPlan.Step step = plan.next(traces, fetch);
          if (step instanceof SearchPlan.FetchMore more) {
            return page(context, plan, more.fetch(), warnings);
          }
          if (step instanceof SearchPlan.Restart restart) {
            warnings.add(restart.warning());
            return page(context, restart.plan(), restart.plan().firstFetch(), warnings);
          }
          return Future.succeededFuture((SearchPlan.Page) step);
        });
  }

  /** The store refused the query (a tag key it does not index, say): name the parameter. */
  private static InvalidParameterException badSearch(SearchFilters filters, IllegalArgumentException e) {
    String message = e.getMessage() == null ? "invalid search" : e.getMessage();
    for (String name :
        List.of(SearchParams.TAGS, SearchParams.SERVICE, SearchParams.OPERATION, SearchParams.MIN_DURATION,
            SearchParams.MAX_DURATION, SearchParams.LIMIT, SearchParams.START, SearchParams.END)) {
      if (message.startsWith(name)) {
        String value =
            name.equals(SearchParams.TAGS)
                ? filters.tags().entrySet().stream()
                    .map(t -> t.getKey() + ":" + t.getValue())
                    .sorted()
                    .collect(Collectors.joining(","))
                : null;
        return new InvalidParameterException(name, value, message);
      }
    }
    return new InvalidParameterException(null, null, message);
  }

  private void services(RoutingContext ctx) {
    call(ctx.vertx().getOrCreateContext(), e -> new InvalidParameterException(null, null, e.getMessage()),
            reader::getServices)
        .onSuccess(services -> ApiJson.send(ctx.response(), 200, TraceJson.services(services).toBuffer()))
        .onFailure(ctx::fail);
  }

  private void operations(RoutingContext ctx) {
    String service = ctx.pathParam("service");
    if (service == null || service.isBlank()) {
      throw new InvalidParameterException("service", service, "service must not be blank");
    }
    call(ctx.vertx().getOrCreateContext(), e -> new InvalidParameterException("service", service, e.getMessage()),
            () -> reader.getOperations(service))
        .onSuccess(operations -> ApiJson.send(ctx.response(), 200, TraceJson.operations(service, operations).toBuffer()))
        .onFailure(ctx::fail);
  }

  /**
   * Calls the store: bad input it refuses at the call becomes a 400; a busy store a 503 with {@code
   * Retry-After}; any other failure of the call or its stage a 503; no answer within {@code
   * storageTimeout} a 503 too, after cancelling the call's stage so the store stops its work.
   */
  private <T> Future<T> call(
      Context context,
      Function<IllegalArgumentException, InvalidParameterException> badInput,
      Supplier<CompletionStage<T>> call) {
    return call(context, options, badInput, call);
  }

  /** As above, for the other native APIs on the port ({@link TrafficApi}), which answer alike. */
  static <T> Future<T> call(
      Context context,
      QueryApiOptions options,
      Function<IllegalArgumentException, InvalidParameterException> badInput,
      Supplier<CompletionStage<T>> call) {
    return StoreCall.run(context, options.storageTimeout(), call)
        .recover(error -> Future.failedFuture(
            error instanceof StoreCall.Failure failure ? apiFailure(options, failure, badInput) : error));
  }

  /** A failed store call as this API answers it: 400 naming the parameter, or 503. */
  private static RuntimeException apiFailure(
      QueryApiOptions options,
      StoreCall.Failure failure,
      Function<IllegalArgumentException, InvalidParameterException> badInput) {
    return switch (failure.kind()) {
      case BAD_INPUT -> badInput.apply((IllegalArgumentException) failure.getCause());
      case BUSY -> {
        long seconds = options.retryAfter().toSeconds();
        yield new StorageUnavailableException(
            "the span store has too many reads under way; try again in " + seconds + " s",
            failure.getCause(), seconds);
      }
      case TIMED_OUT -> new StorageUnavailableException(
          "the span store did not answer within " + DurationSyntax.GO.format(options.storageTimeout())
              + "; the query was cancelled (a narrower one, with a service or a shorter window,"
              + " is faster)",
          failure);
      case FAILED -> new StorageUnavailableException(STORAGE_UNAVAILABLE, failure.getCause());
    };
  }

  /**
   * 1 to 32 hex digits; shorter IDs are left-padded with zeros, as Jaeger and Zipkin show 64-bit
   * trace IDs.
   */
  static TraceId parseTraceId(String raw) {
    String hex = raw == null ? "" : raw.strip();
    if (!TraceId.isShortHex(hex)) {
      throw new InvalidParameterException(
          TRACE_ID, raw, TRACE_ID + " must be 1 to 32 hex digits, got '" + InvalidParameterException.abbreviate(raw) + "'");
    }
    if (hex.chars().allMatch(c -> c == '0')) {
      throw new InvalidParameterException(TRACE_ID, raw, TRACE_ID + " must not be all zeros");
    }
    return TraceId.fromShortHex(hex);
  }

  static Map<String, List<String>> queryParams(MultiMap params) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (String name : params.names()) {
      map.put(name, params.getAll(name));
    }
    return map;
  }

  /** Renders any failure of these routes as JSON; logs only what is not the caller's doing. */
  static void renderFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      LOG.debug("{} {} failed after the response started", ctx.request().method(), ctx.request().path(), failure);
      if (!response.ended()) {
        response.reset();
      }
      return;
    }
    int status;
    String message;
    String parameter = null;
    String value = null;
    if (failure instanceof InvalidParameterException e) {
      status = 400;
      message = e.getMessage();
      parameter = e.parameter();
      value = e.value();
    } else if (failure instanceof StorageUnavailableException e) {
      status = 503;
      message = e.getMessage();
      if (e.retryAfterSeconds() > 0) {
        response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
      }
      LOG.debug("{} {}: {}", ctx.request().method(), ctx.request().path(), message, e.getCause());
    } else if (failure instanceof HttpException e) {
      status = e.getStatusCode();
      message = e.getPayload() != null ? e.getPayload() : reason(status);
      if (status >= 500) {
        LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), e);
      }
    } else if (failure == null) {
      status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      message = reason(status);
    } else {
      status = 500;
      message = "internal error";
      LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
    }
    ApiJson.send(response, status, ApiJson.error(status, message, parameter, value));
  }

  private static String reason(int status) {
    return HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(Locale.ROOT);
  }

}
