package io.tailkeep.ui.jaeger;

import static io.tailkeep.ui.jaeger.JaegerIds.abbreviate;
import static io.tailkeep.ui.jaeger.JaegerIds.invalid;

import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.units.DurationSyntax;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The query string of Jaeger's {@code GET /api/traces}: either trace IDs to fetch ({@code traceID},
 * repeated; every other parameter is then ignored), or a search.
 *
 * <p>Search parameters, each optional: {@code service}, {@code operation} (needs a service), {@code
 * tags} (a JSON object of strings, repeatable) and {@code tag} ({@code key:value}, repeatable),
 * {@code start} and {@code end} (microseconds since the Unix epoch; {@code end} defaults to now,
 * {@code start} to {@code end} minus {@code lookback}), {@code lookback} (a Go duration, or {@code
 * 2d}/{@code 1w}; default {@value #DEFAULT_LOOKBACK_TEXT}; only read when {@code start} is absent),
 * {@code limit} (1 to the API's maximum, default {@value #DEFAULT_LIMIT}; 0 also means
 * the default, as in Jaeger), {@code minDuration} and {@code maxDuration} (Go durations). A
 * parameter given twice counts once, the first, except the repeatable ones. Results are newest
 * first. A window reaching more than {@link #MAX_AHEAD} past now is cut there.
 *
 * <p>The tag {@code error=true} (how Jaeger marks an error span, and how this API shows one) finds
 * the traces with an error span ({@link TraceQuery#errorsOnly()}) unless the store indexes an
 * attribute named {@code error}; then it is a tag like any other. Another value of {@code error}
 * is refused, naming the parameter.
 *
 * @param traceIds the traces asked for by ID, in the order asked, without repeats; empty for a
 *     search
 * @param query the search; null when trace IDs are given
 */
record JaegerSearchParams(List<TraceId> traceIds, TraceQuery query) {

  static final int DEFAULT_LIMIT = 20;
  static final String DEFAULT_LOOKBACK_TEXT = "1h";
  static final Duration DEFAULT_LOOKBACK = Duration.ofHours(1);
  /** Jaeger's tag of an error span. */
  static final String ERROR_TAG = "error";

  /** Go's durations plus the days and weeks Jaeger UI's lookback uses ({@code 2d}, {@code 1w}). */
  private static final DurationSyntax LOOKBACK = DurationSyntax.GO.units("ns", "w");

  /** How far past now a search window may reach; later ends are cut here. */
  static final Duration MAX_AHEAD = Duration.ofDays(1);

  JaegerSearchParams {
    traceIds = List.copyOf(traceIds);
    if (traceIds.isEmpty() == (query == null)) {
      throw new IllegalArgumentException("either trace IDs or a query, not both or neither");
    }
  }

  boolean byTraceIds() {
    return !traceIds.isEmpty();
  }

  /**
   * Reads the parameters; {@code now} is when the window ends unless {@code end} says otherwise.
   *
   * @throws IllegalArgumentException naming the parameter and its value
   */
  static JaegerSearchParams parse(MultiMap params, Instant now) {
    return parse(params, now, TraceQuery.MAX_LIMIT, key -> false);
  }

  /**
   * As above, with {@code limit} at most {@code maxLimit} (a search answers whole traces), and
   * {@code isIndexedTag} telling whether the store indexes a tag key ({@code SpanReader::isIndexedTag}).
   */
  static JaegerSearchParams parse(
      MultiMap params, Instant now, int maxLimit, Predicate<String> isIndexedTag) {
    Objects.requireNonNull(now, "now");
    List<String> ids = params.getAll("traceID");
    if (!ids.isEmpty()) {
      Set<TraceId> traceIds = new LinkedHashSet<>();
      for (String id : ids) {
        traceIds.add(JaegerIds.traceId("traceID", id));
      }
      return new JaegerSearchParams(List.copyOf(traceIds), null);
    }

    String service = first(params, "service");
    String operation = first(params, "operation");
    if (operation != null && service == null) {
      throw invalid("operation", operation, "needs the 'service' parameter too");
    }
    Map<String, String> tags = new LinkedHashMap<>();
    // Which parameter and value each tag came from, to name them in an error.
    Map<String, String> givenAs = new LinkedHashMap<>();
    for (String tag : params.getAll("tag")) {
      int colon = tag.indexOf(':');
      if (colon < 0) {
        throw invalid("tag", tag, "is not key:value");
      }
      tags.put(tag.substring(0, colon), tag.substring(colon + 1));
      givenAs.put(tag.substring(0, colon), "tag=" + tag);
    }
    for (String json : params.getAll("tags")) {
      if (!json.isBlank()) {
        Map<String, String> parsed = jsonTags(json);
        tags.putAll(parsed);
        parsed.keySet().forEach(key -> givenAs.put(key, "tags=" + json));
      }
    }
    boolean errorsOnly = false;
    if (tags.containsKey(ERROR_TAG) && !isIndexedTag.test(ERROR_TAG)) {
      String value = tags.remove(ERROR_TAG);
      if (!value.strip().equalsIgnoreCase("true")) {
        String given = givenAs.get(ERROR_TAG);
        int equals = given.indexOf('=');
        throw invalid(
            given.substring(0, equals),
            given.substring(equals + 1),
            "has error=" + abbreviate(value) + ": only error=true can be searched (traces with an error"
                + " span); leave the tag out to find traces with or without errors");
      }
      errorsOnly = true;
    }

    String endText = first(params, "end");
    Instant end = endText == null ? now : epochMicros("end", endText);
    String startText = first(params, "start");
    Instant start =
        startText == null
            ? end.minus(lookback(first(params, "lookback")))
            : epochMicros("start", startText);
    if (start.isAfter(end)) {
      throw new IllegalArgumentException(
          "invalid parameters: start '"
              + abbreviate(startText)
              + "' is after end '"
              + (endText == null ? "now" : abbreviate(endText))
              + "'");
    }
    // No trace starts far in the future, and the store would read every (empty) time bucket up to
    // the end: an end of year 2262 would cost millions of reads.
    Instant latest = now.plus(MAX_AHEAD);
    if (end.isAfter(latest)) {
      end = latest;
      start = start.isAfter(latest) ? latest : start;
    }

    int limit = limit(first(params, "limit"), maxLimit);
    String minText = first(params, "minDuration");
    String maxText = first(params, "maxDuration");
    Duration minDuration = duration("minDuration", minText);
    Duration maxDuration = duration("maxDuration", maxText);
    if (minDuration != null && maxDuration != null && minDuration.compareTo(maxDuration) > 0) {
      throw new IllegalArgumentException(
          "invalid parameters: minDuration '"
              + abbreviate(minText)
              + "' is greater than maxDuration '"
              + abbreviate(maxText)
              + "'");
    }

    TraceQuery.Builder query =
        TraceQuery.builder()
            .service(service)
            .operation(operation)
            .minDuration(minDuration)
            .maxDuration(maxDuration)
            .window(start, end)
            .limit(limit)
            .order(TraceQuery.Order.NEWEST_FIRST)
            .errorsOnly(errorsOnly);
    tags.forEach(query::tag);
    return new JaegerSearchParams(List.of(), query.build());
  }

  /** The first value, or null when absent or blank: Jaeger treats an empty value as none. */
  static String first(MultiMap params, String name) {
    String value = params.get(name);
    return value == null || value.isBlank() ? null : value;
  }

  private static Map<String, String> jsonTags(String json) {
    JsonObject object;
    try {
      object = new JsonObject(json);
    } catch (RuntimeException e) {
      throw invalid("tags", json, "is not a JSON object such as {\"http.route\":\"/pay\"}");
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : object) {
      Object value = entry.getValue();
      // Jaeger takes strings only; numbers and booleans are taken as their text, which is how the
      // store indexes them (a logfmt "error=true" may arrive as a JSON true).
      if (value instanceof String || value instanceof Number || value instanceof Boolean) {
        tags.put(entry.getKey(), value.toString());
      } else {
        throw invalid(
            "tags",
            json,
            "has a value for '" + abbreviate(entry.getKey()) + "' that is not a string");
      }
    }
    return tags;
  }

  private static Instant epochMicros(String parameter, String text) {
    try {
      return Instant.EPOCH.plus(Long.parseLong(text.strip()), ChronoUnit.MICROS);
    } catch (NumberFormatException e) {
      throw invalid(parameter, text, "is not a time: expected microseconds since the Unix epoch");
    }
  }

  private static Duration lookback(String text) {
    // Jaeger UI sends lookback=custom along with start and end; without a start it means nothing.
    if (text == null || text.equals("custom")) {
      return DEFAULT_LOOKBACK;
    }
    Duration lookback;
    try {
      lookback = LOOKBACK.parse(text);
    } catch (IllegalArgumentException e) {
      throw invalid("lookback", text, e.getMessage());
    }
    if (lookback.isNegative()) {
      throw invalid("lookback", text, "is negative");
    }
    return lookback;
  }

  private static int limit(String text, int maxLimit) {
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw invalid("limit", text, "is not an integer");
    }
    if (limit == 0) {
      return DEFAULT_LIMIT;
    }
    if (limit < 0 || limit > maxLimit) {
      throw invalid(
          "limit",
          text,
          "is out of range: 1 to " + maxLimit + " (0 means " + DEFAULT_LIMIT + ")"
              + (limit > maxLimit ? "; a search answers whole traces, at most " + maxLimit : ""));
    }
    return limit;
  }

  private static Duration duration(String parameter, String text) {
    if (text == null) {
      return null;
    }
    Duration duration;
    try {
      duration = DurationSyntax.GO.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw invalid(parameter, text, e.getMessage());
    }
    if (duration.isNegative()) {
      throw invalid(parameter, text, "is negative");
    }
    return duration;
  }
}
