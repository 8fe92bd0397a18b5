package io.tailkeep.query;

import io.tailkeep.store.TraceQuery;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the query API. Every setting is checked by {@link Builder#build()}; an error names
 * the setting and the bad value.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>maxTraceSpans</td><td>10 000: the most spans a trace read asks the store for; a bigger
 *       trace is cut, with a warning</td></tr>
 *   <tr><td>maxTreeDepth</td><td>100 levels: deeper spans are shown at the top level</td></tr>
 *   <tr><td>defaultLookback</td><td>1 hour: the search window when no start is given</td></tr>
 *   <tr><td>defaultLimit</td><td>20 traces per search page</td></tr>
 *   <tr><td>storageTimeout</td><td>30 s: a store call slower than this is cancelled and answered 503</td></tr>
 *   <tr><td>retryAfter</td><td>1 s: the {@code Retry-After} of a 503 when the store is busy</td></tr>
 *   <tr><td>maxJaegerLimit</td><td>500: the largest {@code limit} of a Jaeger search, which answers
 *       whole traces</td></tr>
 *   <tr><td>clock</td><td>system UTC: "now" for the default window</td></tr>
 * </table>
 */
public final class QueryApiOptions {
  static final int DEFAULT_MAX_TRACE_SPANS = 10_000;
  static final int DEFAULT_MAX_TREE_DEPTH = 100;
  /**
   * Each tree level is two JSON levels (node, children). Jackson refuses more than 1000 levels,
   * and recursive encoders and parsers (Jackson databind, Python's json) run out of stack well
   * before that on a 1 MB thread stack.
   */
  static final int MAX_TREE_DEPTH = 200;
  static final int MAX_TRACE_SPANS = 1_000_000;
  static final Duration DEFAULT_LOOKBACK = Duration.ofHours(1);
  static final int DEFAULT_LIMIT = 20;
  static final Duration DEFAULT_STORAGE_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
  /**
   * A Jaeger search answers whole traces, each up to {@code maxTraceSpans}: 500 is 25 times what
   * Grafana and Jaeger UI ask by default (20).
   */
  static final int DEFAULT_MAX_JAEGER_LIMIT = 500;

  private final int maxTraceSpans;
  private final int maxTreeDepth;
  private final Duration defaultLookback;
  private final int defaultLimit;
  private final Duration storageTimeout;
  private final Duration retryAfter;
  private final int maxJaegerLimit;
  private final Clock clock;

  private QueryApiOptions(Builder b) {
    this.maxTraceSpans = b.maxTraceSpans;
    this.maxTreeDepth = b.maxTreeDepth;
    this.defaultLookback = b.defaultLookback;
    this.defaultLimit = b.defaultLimit;
    this.storageTimeout = b.storageTimeout;
    this.retryAfter = b.retryAfter;
    this.maxJaegerLimit = b.maxJaegerLimit;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every setting at its default. */
  public static QueryApiOptions defaults() {
    return builder().build();
  }

  public int maxTraceSpans() {
    return maxTraceSpans;
  }

  public int maxTreeDepth() {
    return maxTreeDepth;
  }

  public Duration defaultLookback() {
    return defaultLookback;
  }

  public int defaultLimit() {
    return defaultLimit;
  }

  public Duration storageTimeout() {
    return storageTimeout;
  }

  /** How long a client is told to wait ({@code Retry-After}) when the store has too many reads. */
  public Duration retryAfter() {
    return retryAfter;
  }

  public int maxJaegerLimit() {
    return maxJaegerLimit;
  }

  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "QueryApiOptions{maxTraceSpans=" + maxTraceSpans + ", maxTreeDepth=" + maxTreeDepth
        + ", defaultLookback=" + defaultLookback + ", defaultLimit=" + defaultLimit
        + ", storageTimeout=" + storageTimeout + ", retryAfter=" + retryAfter + ", maxJaegerLimit="
        + maxJaegerLimit + "}";
  }

  /** Builds {@link QueryApiOptions}; unset settings keep their defaults. */
  public static final class Builder {
    private int maxTraceSpans = DEFAULT_MAX_TRACE_SPANS;
    private int maxTreeDepth = DEFAULT_MAX_TREE_DEPTH;
    private Duration defaultLookback = DEFAULT_LOOKBACK;
    private int defaultLimit = DEFAULT_LIMIT;
    private Duration storageTimeout = DEFAULT_STORAGE_TIMEOUT;
    private Duration retryAfter = DEFAULT_RETRY_AFTER;
    private int maxJaegerLimit = DEFAULT_MAX_JAEGER_LIMIT;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The most spans a trace view shows, 1 to 1 000 000. */
    public Builder maxTraceSpans(int maxTraceSpans) {
      this.maxTraceSpans = maxTraceSpans;
      return this;
    }

    /** The most levels a trace view nests, 1 to 200. */
    public Builder maxTreeDepth(int maxTreeDepth) {
      this.maxTreeDepth = maxTreeDepth;
      return this;
    }

    public Builder defaultLookback(Duration defaultLookback) {
      this.defaultLookback = defaultLookback;
      return this;
    }

    /** Traces per search page when the request gives no limit, 1 to {@link TraceQuery#MAX_LIMIT}. */
    public Builder defaultLimit(int defaultLimit) {
      this.defaultLimit = defaultLimit;
      return this;
    }

    public Builder storageTimeout(Duration storageTimeout) {
      this.storageTimeout = storageTimeout;
      return this;
    }

    /** The {@code Retry-After} of a 503 for a busy store: whole seconds, 1 s to 1 h. */
    public Builder retryAfter(Duration retryAfter) {
      this.retryAfter = retryAfter;
      return this;
    }

    /** The largest {@code limit} of a Jaeger search, 1 to {@link TraceQuery#MAX_LIMIT}; above it a 400. */
    public Builder maxJaegerLimit(int maxJaegerLimit) {
      this.maxJaegerLimit = maxJaegerLimit;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public QueryApiOptions build() {
      if (maxTraceSpans < 1 || maxTraceSpans > MAX_TRACE_SPANS) {
        throw new IllegalArgumentException(
            "maxTraceSpans must be between 1 and " + MAX_TRACE_SPANS + ", got " + maxTraceSpans);
      }
      if (maxTreeDepth < 1 || maxTreeDepth > MAX_TREE_DEPTH) {
        throw new IllegalArgumentException(
            "maxTreeDepth must be between 1 and " + MAX_TREE_DEPTH + ", got " + maxTreeDepth);
      }
      Objects.requireNonNull(defaultLookback, "defaultLookback");
      if (defaultLookback.isNegative() || defaultLookback.isZero()) {
        throw new IllegalArgumentException("defaultLookback must be positive, got " + defaultLookback);
      }
      if (defaultLimit < 1 || defaultLimit > TraceQuery.MAX_LIMIT) {
        throw new IllegalArgumentException(
            "defaultLimit must be between 1 and " + TraceQuery.MAX_LIMIT + ", got " + defaultLimit);
      }
      Objects.requireNonNull(storageTimeout, "storageTimeout");
      if (storageTimeout.isNegative() || storageTimeout.isZero()) {
        throw new IllegalArgumentException("storageTimeout must be positive, got " + storageTimeout);
      }
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.compareTo(Duration.ofSeconds(1)) < 0
          || retryAfter.compareTo(Duration.ofHours(1)) > 0
          || retryAfter.getNano() != 0) {
        throw new IllegalArgumentException("retryAfter must be whole seconds from 1 s to 1 h, got " + retryAfter);
      }
      if (maxJaegerLimit < 1 || maxJaegerLimit > TraceQuery.MAX_LIMIT) {
        throw new IllegalArgumentException(
            "maxJaegerLimit must be between 1 and " + TraceQuery.MAX_LIMIT + ", got " + maxJaegerLimit);
      }
      Objects.requireNonNull(clock, "clock");
      return new QueryApiOptions(this);
    }
  }
}
