package io.tailkeep.query;

import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery.Order;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The opaque {@code next} token of a search page: base64url (no padding) of a small JSON object
 * with the search's fixed filters and the sort key of the last trace returned. The next page
 * searches below that key and skips the traces with that exact key it already returned.
 *
 * <p>Not signed: it holds only what the caller asked for, and a decoded token is checked like any
 * other input.
 */
record PageToken(SearchFilters filters, Cursor after) {
  static final String PARAMETER = "next";
  static final int VERSION = 1;
  /** Far above any real token (tags are bounded by the store); refuses junk before decoding it. */
  static final int MAX_LENGTH = 16_384;

  /**
   * Where the previous page ended.
   *
   * @param key sort key of the last trace returned: its start (Unix ns) newest first, its duration
   *     (ns) slowest first
   * @param traceId the last trace returned; traces with the same key sort by trace ID
   * @param ties how many traces with exactly this key were returned so far, over all pages: the
   *     next page asks the store for that many more so it can skip them
   */
  record Cursor(long key, TraceId traceId, int ties) {
    Cursor {
      Objects.requireNonNull(traceId, "traceId");
      if (ties < 1) {
        throw new IllegalArgumentException("ties must be at least 1, got " + ties);
      }
    }
  }

  PageToken {
    Objects.requireNonNull(filters, "filters");
    Objects.requireNonNull(after, "after");
  }

  String encode() {
    JsonObject json = new JsonObject().put("v", VERSION).put("o", SearchFilters.sortName(filters.order()));
    if (filters.service() != null) {
      json.put("svc", filters.service());
    }
    if (filters.operation() != null) {
      json.put("op", filters.operation());
    }
    if (!filters.tags().isEmpty()) {
      json.put("tags", new JsonObject(new LinkedHashMap<>(filters.tags())));
    }
    if (filters.minDuration() != null) {
      json.put("min", filters.minDuration().toNanos());
    }
    if (filters.maxDuration() != null) {
      json.put("max", filters.maxDuration().toNanos());
    }
    if (filters.errorsOnly()) {
      json.put("err", true);
    }
    json.put("ws", TimeFormat.epochNanos(filters.start()))
        .put("we", TimeFormat.epochNanos(filters.end()))
        .put("k", after.key())
        .put("id", after.traceId().toHex())
        .put("n", after.ties());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** Reads a token this API made; anything else is a 400 naming {@code next}. */
  static PageToken decode(String token) {
    if (token.length() > MAX_LENGTH) {
      throw invalid(token, "is longer than any page token");
    }
    JsonObject json;
    try {
      json = new JsonObject(new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.UTF_8));
    } catch (RuntimeException e) { // bad base64, not JSON, not an object
      throw invalid(token, "is not a page token from this API");
    }
    try {
      if (!Integer.valueOf(VERSION).equals(json.getInteger("v"))) {
        throw invalid(token, "is a page token of another version; start the search again");
      }
      Order order;
      String o = json.getString("o");
      if ("start".equals(o)) {
        order = Order.NEWEST_FIRST;
      } else if ("duration".equals(o)) {
        order = Order.SLOWEST_FIRST;
      } else {
        throw invalid(token, "has no valid sort order");
      }
      Map<String, String> tags = new LinkedHashMap<>();
      JsonObject tagJson = json.getJsonObject("tags", new JsonObject());
      for (String key : tagJson.fieldNames()) {
        String value = tagJson.getString(key);
        if (key.isBlank() || value == null) {
          throw invalid(token, "has an invalid tag");
        }
        tags.put(key, value);
      }
      Duration min = json.containsKey("min") ? nonNegative(token, json.getLong("min")) : null;
      Duration max = json.containsKey("max") ? nonNegative(token, json.getLong("max")) : null;
      boolean errorsOnly = json.getBoolean("err", false);
      Instant start = TimeFormat.instant(required(token, json.getLong("ws")));
      Instant end = TimeFormat.instant(required(token, json.getLong("we")));
      long key = required(token, json.getLong("k"));
      TraceId traceId = TraceId.fromHex(json.getString("id"));
      int ties = (int) Math.min(Integer.MAX_VALUE, required(token, json.getLong("n")));
      String service = blankToNull(json.getString("svc"));
      String operation = blankToNull(json.getString("op"));
      if (operation != null && service == null) {
        throw invalid(token, "has an operation without a service");
      }
      if (start.isAfter(end) || (min != null && max != null && min.compareTo(max) > 0)) {
        throw invalid(token, "has an inverted range");
      }
      // The key must lie inside the query's range, or the next page's query would be inverted.
      boolean keyInRange =
          order == Order.NEWEST_FIRST
              ? key >= TimeFormat.epochNanos(start) && key <= TimeFormat.epochNanos(end)
              : key >= (min == null ? 0 : min.toNanos()) && (max == null || key <= max.toNanos());
      if (!keyInRange) {
        throw invalid(token, "has a position outside its own range");
      }
      SearchFilters filters = new SearchFilters(service, operation, tags, min, max, start, end, order, errorsOnly);
      return new PageToken(filters, new Cursor(key, traceId, ties));
    } catch (InvalidParameterException e) {
      throw e;
    } catch (RuntimeException e) { // wrong types (ClassCastException), bad trace ID, ties < 1
      throw invalid(token, "is not a page token from this API");
    }
  }

  private static long required(String token, Long value) {
    if (value == null) {
      throw invalid(token, "is not a page token from this API");
    }
    return value;
  }

  private static Duration nonNegative(String token, Long nanos) {
    if (required(token, nanos) < 0) {
      throw invalid(token, "has a negative duration");
    }
    return Duration.ofNanos(nanos);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static InvalidParameterException invalid(String token, String problem) {
    return new InvalidParameterException(
        PARAMETER, token, PARAMETER + " " + problem + ", got '" + InvalidParameterException.abbreviate(token) + "'");
  }
}
