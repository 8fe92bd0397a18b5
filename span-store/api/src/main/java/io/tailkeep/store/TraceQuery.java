package io.tailkeep.store;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A trace search. Every given filter must hold for a trace to match:
 *
 * <ul>
 *   <li>{@code service}: some span of the trace belongs to it (null: any service);
 *   <li>{@code operation}: some span of {@code service} has this name (needs a service);
 *   <li>{@code tags}: every key=value pair is on some span or resource of the trace;
 *   <li>{@code minDuration}/{@code maxDuration}: the trace's duration (inclusive bounds);
 *   <li>{@code start}/{@code end}: the trace's first span starts in this window (inclusive);
 *   <li>{@code errorsOnly}: the trace has at least one error span ({@link ErrorSpans}, the stored
 *       summary's error count above 0); false: errors or not.
 * </ul>
 *
 * <p>The result holds exactly {@code limit} traces when that many match, newest first or slowest
 * first as {@code order} says. The constructor rejects bad input naming the field, before any I/O.
 */
public record TraceQuery(
    String service,
    String operation,
    Map<String, String> tags,
    Duration minDuration,
    Duration maxDuration,
    Instant start,
    Instant end,
    int limit,
    Order order,
    boolean errorsOnly) {

  public static final int MAX_LIMIT = 10_000;

  public enum Order {
    NEWEST_FIRST,
    SLOWEST_FIRST
  }

  public TraceQuery {
    service = blankToNull(service, "service");
    operation = blankToNull(operation, "operation");
    if (operation != null && service == null) {
      throw new IllegalArgumentException("operation '" + operation + "' needs a service");
    }
    tags = Map.copyOf(tags == null ? Map.of() : tags);
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      if (tag.getKey().isBlank()) {
        throw new IllegalArgumentException("tags: a key is blank");
      }
    }
    if (minDuration != null && minDuration.isNegative()) {
      throw new IllegalArgumentException("minDuration must not be negative, got " + minDuration);
    }
    if (maxDuration != null && maxDuration.isNegative()) {
      throw new IllegalArgumentException("maxDuration must not be negative, got " + maxDuration);
    }
    if (minDuration != null && maxDuration != null && minDuration.compareTo(maxDuration) > 0) {
      throw new IllegalArgumentException(
          "minDuration " + minDuration + " is greater than maxDuration " + maxDuration);
    }
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.isAfter(end)) {
      throw new IllegalArgumentException("start " + start + " is after end " + end);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    Objects.requireNonNull(order, "order");
  }

  public static Builder builder() {
    return new Builder();
  }

  public long startEpochNanos() {
    return epochNanos(start);
  }

  public long endEpochNanos() {
    return epochNanos(end);
  }

  /** Whether a trace with this many error spans passes the {@code errorsOnly} filter. */
  public boolean matchesErrorCount(int errorCount) {
    return !errorsOnly || errorCount > 0;
  }

  public long minDurationNanos() {
    return minDuration == null ? 0 : saturatedNanos(minDuration);
  }

  public long maxDurationNanos() {
    return maxDuration == null ? Long.MAX_VALUE : saturatedNanos(maxDuration);
  }

  private static long epochNanos(Instant instant) {
    try {
      return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    } catch (ArithmeticException e) {
      return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static String blankToNull(String value, String field) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > 1024) {
      throw new IllegalArgumentException(field + " is longer than 1024 characters");
    }
    return value;
  }

  /** Builds a query; {@code start} and {@code end} are required, the rest optional. */
  public static final class Builder {
    private String service;
    private String operation;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private Duration minDuration;
    private Duration maxDuration;
    private Instant start;
    private Instant end;
    private int limit = 20;
    private Order order = Order.NEWEST_FIRST;
    private boolean errorsOnly;

    private Builder() {}

    public Builder service(String service) {
      this.service = service;
      return this;
    }

    public Builder operation(String operation) {
      this.operation = operation;
      return this;
    }

    public Builder tag(String key, String value) {
      Objects.requireNonNull(key, "tag key");
      Objects.requireNonNull(value, "tag value");
      tags.put(key, value);
      return this;
    }

    public Builder minDuration(Duration minDuration) {
      this.minDuration = minDuration;
      return this;
    }

    public Builder maxDuration(Duration maxDuration) {
      this.maxDuration = maxDuration;
      return this;
    }

    public Builder window(Instant start, Instant end) {
      this.start = start;
      this.end = end;
      return this;
    }

    public Builder limit(int limit) {
      this.limit = limit;
      return this;
    }

    public Builder order(Order order) {
      this.order = order;
      return this;
    }

    /** Only traces with at least one error span; false (the default): errors or not. */
    public Builder errorsOnly(boolean errorsOnly) {
      this.errorsOnly = errorsOnly;
      return this;
    }

    public TraceQuery build() {
      return new TraceQuery(
          service, operation, tags, minDuration, maxDuration, start, end, limit, order, errorsOnly);
    }
  }
}
