package io.tailkeep.query;

import io.tailkeep.store.TraceQuery.Order;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a search asks for, fixed across its pages: every filter, the resolved time window and the
 * order. A page token carries these so the next page searches the same traces.
 *
 * @param minDuration null when not given
 * @param maxDuration null when not given
 * @param errorsOnly only traces with an error span ({@code errors=true})
 */
record SearchFilters(
    String service,
    String operation,
    Map<String, String> tags,
    Duration minDuration,
    Duration maxDuration,
    Instant start,
    Instant end,
    Order order,
    boolean errorsOnly) {

  SearchFilters {
    tags = Map.copyOf(tags);
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(order, "order");
  }

  /** The name of the order on the API: {@code start} (newest first) or {@code duration}. */
  static String sortName(Order order) {
    return order == Order.SLOWEST_FIRST ? "duration" : "start";
  }
}
