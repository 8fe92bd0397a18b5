package io.tailkeep.query;

import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceQuery.Order;
import io.tailkeep.units.DurationSyntax;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The parameters of {@code GET /api/v1/traces}, parsed and checked; every problem is an {@link
 * InvalidParameterException} naming the parameter and the value. Pure: the time comes in.
 *
 * <p>Empty values count as absent (a search form sends its empty fields). With {@code next}, the
 * filters come from the token; a filter given beside it must equal the token's. {@code limit} may
 * change from page to page.
 *
 * @param after where the previous page ended; null for a first page
 */
record SearchParams(SearchFilters filters, int limit, PageToken.Cursor after) {
  static final String SERVICE = "service";
  static final String OPERATION = "operation";
  static final String TAGS = "tags";
  /** Jaeger's name for one {@code key:value} tag; read like {@code tags}. */
  static final String TAG = "tag";
  static final String MIN_DURATION = "minDuration";
  static final String MAX_DURATION = "maxDuration";
  static final String START = "start";
  static final String END = "end";
  static final String LIMIT = "limit";
  static final String SORT = "sort";
  /** {@code true}: only traces with an error span (span-store's one definition of an error). */
  static final String ERRORS = "errors";
  static final String NEXT = PageToken.PARAMETER;

  private static final int MAX_NAME_LENGTH = 1024;

  SearchParams {
    Objects.requireNonNull(filters, "filters");
  }

  /**
   * Reads a query string.
   *
   * @param query parameter name to its values, in the order given
   * @param now the end of the default window
   * @param lookback the default window's length
   * @param defaultLimit traces per page when {@code limit} is absent
   */
  static SearchParams parse(Map<String, List<String>> query, Instant now, Duration lookback, int defaultLimit) {
    Reader in = new Reader(query);
    int limit = in.limit(defaultLimit);
    String service = in.name(SERVICE);
    String operation = in.name(OPERATION);
    Map<String, String> tags = in.tags();
    Duration min = in.duration(MIN_DURATION);
    Duration max = in.duration(MAX_DURATION);
    Instant start = in.time(START);
    Instant end = in.time(END);
    Order sort = in.sort();
    Boolean errors = in.bool(ERRORS);
    String next = in.single(NEXT);

    if (next != null) {
      PageToken token = PageToken.decode(next);
      SearchFilters f = token.filters();
      in.sameAsToken(SERVICE, service, f.service());
      in.sameAsToken(OPERATION, operation, f.operation());
      in.sameAsToken(TAGS, tags.isEmpty() ? null : tags, f.tags());
      in.sameAsToken(MIN_DURATION, min, f.minDuration());
      in.sameAsToken(MAX_DURATION, max, f.maxDuration());
      in.sameAsToken(START, start, f.start());
      in.sameAsToken(END, end, f.end());
      in.sameAsToken(SORT, sort, f.order());
      in.sameAsToken(ERRORS, errors, f.errorsOnly());
      checkNames(in, f.service(), f.operation());
      return new SearchParams(f, limit, token.after());
    }

    checkNames(in, service, operation);
    if (min != null && max != null && min.compareTo(max) > 0) {
      throw new InvalidParameterException(
          MIN_DURATION, in.single(MIN_DURATION),
          MIN_DURATION + " " + DurationSyntax.GO.format(min) + " is greater than " + MAX_DURATION + " "
              + DurationSyntax.GO.format(max));
    }
    if (end == null) {
      if (start != null && start.isAfter(now)) {
        throw new InvalidParameterException(
            START, in.single(START), START + " " + start + " is in the future and no " + END + " is given");
      }
      end = now;
    }
    if (start == null) {
      start = end.minus(lookback);
    }
    if (start.isAfter(end)) {
      throw new InvalidParameterException(
          START, in.single(START), START + " " + start + " is after " + END + " " + end);
    }
    Order order = sort != null ? sort : min != null ? Order.SLOWEST_FIRST : Order.NEWEST_FIRST;
    return new SearchParams(
        new SearchFilters(service, operation, tags, min, max, start, end, order, Boolean.TRUE.equals(errors)),
        limit,
        null);
  }

  /**
   * {@code minDuration} and {@code maxDuration}: Go's duration dialect (which Jaeger's API takes, so
   * values copied from it work), in any case and with spaces around it, never negative. The {@link
   * IllegalArgumentException}'s message completes a sentence that starts with the parameter's name,
   * e.g. "must be a duration like 250ms, 1.5s or 2m, got 'fast'".
   */
  static Duration parseDuration(String text) {
    String got = text == null ? "nothing" : "'" + InvalidParameterException.abbreviate(text) + "'";
    String s = text == null ? null : text.strip().toLowerCase(Locale.ROOT);
    if (s != null && s.startsWith("-")) {
      throw new IllegalArgumentException("must not be negative, got " + got);
    }
    try {
      return DurationSyntax.GO.parse(s);
    } catch (DurationSyntax.TooLongException e) {
      throw new IllegalArgumentException("must be at most 292 years (" + Long.MAX_VALUE + "ns), got " + got);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("must be a duration like 250ms, 1.5s or 2m, got " + got);
    }
  }

  private static void checkNames(Reader in, String service, String operation) {
    if (operation != null && service == null) {
      throw new InvalidParameterException(
          OPERATION, operation, OPERATION + " '" + operation + "' needs a " + SERVICE);
    }
  }

  /** Reads one parameter at a time, naming it in every error; the traffic API reads with it too. */
  static final class Reader {
    private final Map<String, List<String>> query;

    Reader(Map<String, List<String>> query) {
      this.query = query;
    }

    /** The one non-blank value of a parameter, or null; given twice is an error. */
    String single(String name) {
      List<String> values = query.getOrDefault(name, List.of()).stream().filter(v -> !v.isBlank()).toList();
      if (values.size() > 1) {
        throw new InvalidParameterException(
            name, String.join(",", values), name + " is given " + values.size() + " times; give it once");
      }
      return values.isEmpty() ? null : values.get(0).strip();
    }

    String name(String name) {
      String value = single(name);
      if (value != null && value.length() > MAX_NAME_LENGTH) {
        throw new InvalidParameterException(name, value, name + " is longer than " + MAX_NAME_LENGTH + " characters");
      }
      return value;
    }

    Map<String, String> tags() {
      List<String> values = new ArrayList<>(query.getOrDefault(TAGS, List.of()));
      values.addAll(query.getOrDefault(TAG, List.of()));
      try {
        return TagsFormat.parse(values);
      } catch (IllegalArgumentException e) {
        throw new InvalidParameterException(TAGS, String.join("&", values), TAGS + " " + e.getMessage());
      }
    }

    Duration duration(String name) {
      String value = single(name);
      if (value == null) {
        return null;
      }
      try {
        return parseDuration(value);
      } catch (IllegalArgumentException e) {
        throw new InvalidParameterException(name, value, name + " " + e.getMessage());
      }
    }

    Instant time(String name) {
      String value = single(name);
      if (value == null) {
        return null;
      }
      try {
        return TimeFormat.parse(value);
      } catch (IllegalArgumentException e) {
        throw new InvalidParameterException(name, value, name + " " + e.getMessage());
      }
    }

    int limit(int defaultLimit) {
      String value = single(LIMIT);
      if (value == null) {
        return defaultLimit;
      }
      int limit;
      try {
        limit = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > TraceQuery.MAX_LIMIT) {
        throw new InvalidParameterException(
            LIMIT, value, LIMIT + " must be a whole number from 1 to " + TraceQuery.MAX_LIMIT + ", got '"
                + InvalidParameterException.abbreviate(value) + "'");
      }
      return limit;
    }

    /** {@code true} or {@code false} in any case; null when absent. */
    Boolean bool(String name) {
      String value = single(name);
      if (value == null) {
        return null;
      }
      switch (value.toLowerCase(Locale.ROOT)) {
        case "true":
          return Boolean.TRUE;
        case "false":
          return Boolean.FALSE;
        default:
          throw new InvalidParameterException(
              name, value, name + " must be 'true' or 'false', got '" + InvalidParameterException.abbreviate(value) + "'");
      }
    }

    Order sort() {
      String value = single(SORT);
      if (value == null) {
        return null;
      }
      switch (value.toLowerCase(Locale.ROOT)) {
        case "start":
          return Order.NEWEST_FIRST;
        case "duration":
          return Order.SLOWEST_FIRST;
        default:
          throw new InvalidParameterException(
              SORT, value, SORT + " must be 'start' (newest first) or 'duration' (slowest first), got '"
                  + InvalidParameterException.abbreviate(value) + "'");
      }
    }

    /** A filter given beside {@code next} must be the one the token was made for. */
    void sameAsToken(String name, Object given, Object inToken) {
      if (given != null && !given.equals(inToken)) {
        String value = name.equals(TAGS) ? String.valueOf(given) : single(name);
        throw new InvalidParameterException(
            name, value,
            name + " differs from the search the " + NEXT + " token belongs to; leave out " + NEXT
                + " to start a new search");
      }
    }
  }
}
