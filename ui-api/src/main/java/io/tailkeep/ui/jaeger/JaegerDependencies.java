package io.tailkeep.ui.jaeger;

import static io.tailkeep.ui.jaeger.JaegerIds.invalid;

import io.tailkeep.query.QueryApiOptions;
import io.tailkeep.query.StoreCall;
import io.tailkeep.store.MinuteWindow;
import io.tailkeep.store.SamplingCounts;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.Step;
import io.tailkeep.store.traffic.StepWindow;
import io.tailkeep.store.traffic.TrafficCounts;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Jaeger's {@code GET /api/dependencies?endTs=&lookback=&service=}: the service graph's edges as
 * Jaeger's {@code DependencyLink}s, {@code {"parent", "child", "callCount"}}, in Jaeger's envelope.
 * This is what Grafana's Jaeger data source draws as its dependency graph, and Jaeger UI's System
 * Architecture page. The edges are those counted from every span before sampling ({@link
 * TrafficCounts}), so {@code callCount} is every request in the window, not only those of kept
 * traces.
 *
 * <p>As Jaeger's query service takes them: {@code endTs} in milliseconds since the Unix epoch
 * (default now), {@code lookback} in milliseconds (default 24 hours), {@code service} to keep only
 * the edges from or to that service. The edges summed are those of the whole minutes from the
 * first at or after {@code endTs - lookback} to the first at or after {@code endTs}, at most 31
 * days. Bad input is a 400 naming the parameter, a failing store a 503, in Jaeger's error
 * envelope like every route of {@link JaegerApi}.
 */
public final class JaegerDependencies {
  static final String PATH = "/api/dependencies";
  /** Jaeger's default ({@code defaultDependencyLookbackDuration}). */
  static final Duration DEFAULT_LOOKBACK = Duration.ofHours(24);

  private final TrafficCounts traffic;
  private final QueryApiOptions options;

  private JaegerDependencies(TrafficCounts traffic, QueryApiOptions options) {
    this.traffic = Objects.requireNonNull(traffic, "traffic");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Adds the route to {@code router} with its own failure handler, beside {@link JaegerApi}'s:
   * {@code storageTimeout}, {@code retryAfter} and the clock come from {@code options}.
   */
  public static void mount(Router router, TrafficCounts traffic, QueryApiOptions options) {
    JaegerDependencies api = new JaegerDependencies(traffic, options);
    router.get(PATH).handler(api::dependencies).failureHandler(ctx -> JaegerApi.renderFailure(ctx, options));
  }

  /** The window a request asks for, checked. */
  record Window(Instant from, Instant to) {}

  /** Reads {@code endTs} and {@code lookback}; the {@link IllegalArgumentException} names the one at fault. */
  static Window window(MultiMap params, Instant now) {
    String endText = JaegerSearchParams.first(params, "endTs");
    String lookbackText = JaegerSearchParams.first(params, "lookback");
    Instant end = now;
    if (endText != null) {
      long millis = millis("endTs", endText, "is not a time: expected milliseconds since the Unix epoch");
      if (millis < 0 || millis > MinuteWindow.LATEST.toEpochMilli()) {
        throw invalid("endTs", endText, "is not a time from 1970 to the year 9999 in milliseconds since the Unix epoch");
      }
      end = Instant.ofEpochMilli(millis);
    }
    Duration lookback = DEFAULT_LOOKBACK;
    if (lookbackText != null) {
      long millis = millis("lookback", lookbackText, "is not a duration: expected milliseconds");
      if (millis < 0) {
        throw invalid("lookback", lookbackText, "is negative");
      }
      lookback = Duration.ofMillis(millis);
    }
    if (lookback.compareTo(SamplingCounts.MAX_WINDOW) > 0) {
      throw invalid("lookback", lookbackText, "is longer than " + SamplingCounts.MAX_WINDOW.toDays()
          + " days (" + SamplingCounts.MAX_WINDOW.toMillis() + " ms), the longest window the service graph is summed over");
    }
    Instant start = end.minus(lookback);
    if (start.isBefore(Instant.EPOCH)) {
      throw lookbackText != null
          ? invalid("lookback", lookbackText, "reaches before 1970 from endTs " + end.toEpochMilli())
          : invalid("endTs", endText, "is less than the default lookback (24 h) after 1970; give a shorter lookback");
    }
    return new Window(start, end);
  }

  private static long millis(String parameter, String text, String problem) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw invalid(parameter, text, problem);
    }
  }

  private void dependencies(RoutingContext ctx) {
    Window window = window(ctx.queryParams(), options.clock().instant());
    String service = JaegerSearchParams.first(ctx.queryParams(), "service");
    StepWindow whole = StepWindow.whole(window.from(), window.to());
    StoreCall.run(ctx.vertx().getOrCreateContext(), options.storageTimeout(), () -> traffic.edges(whole))
        .onSuccess(steps -> JaegerApi.respond(ctx, JaegerApi.envelope(links(steps, service), 0)))
        .onFailure(ctx::fail);
  }

  /**
   * One link per client and server, its requests summed, sorted by parent then child (Jaeger sums
   * its links the same way; their order is its map's). With {@code service}, only the links from
   * or to it, as Jaeger filters.
   */
  static JsonArray links(List<Step<EdgeCalls>> steps, String service) {
    Map<String, Map<String, Long>> calls = new TreeMap<>();
    for (Step<EdgeCalls> step : steps) {
      EdgeCalls edge = step.counts();
      if (service == null || edge.client().equals(service) || edge.server().equals(service)) {
        calls.computeIfAbsent(edge.client(), client -> new TreeMap<>()).merge(edge.server(), edge.requests(), Math::addExact);
      }
    }
    JsonArray links = new JsonArray();
    calls.forEach((parent, children) -> children.forEach((child, count) ->
        links.add(new JsonObject().put("parent", parent).put("child", child).put("callCount", count))));
    return links;
  }
}
