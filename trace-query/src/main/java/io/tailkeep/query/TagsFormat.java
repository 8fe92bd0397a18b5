package io.tailkeep.query;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code tags} search parameter, in the two forms Jaeger's query service reads: {@code
 * key:value} (repeat the parameter for more tags; the value is everything after the first colon,
 * so {@code url.full:http://x} works) or a JSON object of strings, {@code {"http.route":"/checkout"}}.
 * Every tag must hold for a trace to match. JSON numbers and booleans are taken as their text.
 */
final class TagsFormat {
  static final String EXPECTED =
      "must be key:value or a JSON object like {\"http.route\":\"/checkout\"}";

  private TagsFormat() {}

  /** Parses every given value into one map; the exception's message completes "tags ...". */
  static Map<String, String> parse(List<String> values) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String raw : values) {
      String value = raw.strip();
      if (value.isEmpty()) {
        continue;
      }
      if (value.startsWith("{")) {
        JsonObject json;
        try {
          json = new JsonObject(value);
        } catch (RuntimeException e) { // not JSON, not an object, or nested past Jackson's limit
          throw new IllegalArgumentException(EXPECTED + ", got '" + abbreviate(raw) + "'");
        }
        for (Map.Entry<String, Object> entry : json) {
          Object v = entry.getValue();
          if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
            throw new IllegalArgumentException(
                "values must be strings, numbers or booleans, but '" + abbreviate(entry.getKey()) + "' is "
                    + (v == null ? "null" : v instanceof JsonObject ? "an object" : "an array"));
          }
          put(tags, entry.getKey(), String.valueOf(v), raw);
        }
      } else {
        int colon = value.indexOf(':');
        if (colon < 0) {
          throw new IllegalArgumentException(EXPECTED + ", got '" + abbreviate(raw) + "'");
        }
        put(tags, value.substring(0, colon).strip(), value.substring(colon + 1).strip(), raw);
      }
    }
    return tags;
  }

  private static void put(Map<String, String> tags, String key, String value, String raw) {
    if (key.isBlank()) {
      throw new IllegalArgumentException("has a blank key in '" + abbreviate(raw) + "'");
    }
    String before = tags.putIfAbsent(key, value);
    if (before != null && !before.equals(value)) {
      throw new IllegalArgumentException(
          "gives '" + abbreviate(key) + "' twice with different values ('" + abbreviate(before) + "' and '"
              + abbreviate(value) + "'); a trace matches only when every tag holds");
    }
  }

  private static String abbreviate(String s) {
    return InvalidParameterException.abbreviate(s);
  }
}
