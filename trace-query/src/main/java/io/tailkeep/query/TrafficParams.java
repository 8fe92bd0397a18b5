package io.tailkeep.query;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.MinuteWindow;
import io.tailkeep.store.SamplingCounts;
import io.tailkeep.store.traffic.StepWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of the traffic API ({@code /api/v1/traffic/*}), each read and checked on demand;
 * every problem is an {@link InvalidParameterException} naming the parameter and its value. Empty
 * values count as absent and a parameter given twice is refused, as in the search API.
 */
final class TrafficParams {
  static final String SERVICE = "service";
  static final String OPERATION = "operation";
  static final String SPAN_KIND = "spanKind";
  static final String START = "start";
  static final String END = "end";
  static final String STEP = "step";

  /** The span kinds by their names here, which are OTLP's without the prefix, in lower case. */
  private static final Map<String, SpanKind> KINDS =
      Map.of(
          "server", SpanKind.SPAN_KIND_SERVER,
          "client", SpanKind.SPAN_KIND_CLIENT,
          "producer", SpanKind.SPAN_KIND_PRODUCER,
          "consumer", SpanKind.SPAN_KIND_CONSUMER,
          "internal", SpanKind.SPAN_KIND_INTERNAL,
          "unspecified", SpanKind.SPAN_KIND_UNSPECIFIED);

  private final SearchParams.Reader in;

  TrafficParams(Map<String, List<String>> query) {
    this.in = new SearchParams.Reader(query);
  }

  /**
   * The minutes of [{@code start}, {@code end}): {@code end} defaults to now, {@code start} to
   * {@code end} minus {@code lookback}. Both are read as the search API reads them ({@link
   * TimeFormat}); the window runs from the first whole minute at or after {@code start} to the
   * first at or after {@code end}, at most 31 days, not before 1970 (the counts' minutes are Unix
   * minutes).
   */
  MinuteWindow window(Instant now, Duration lookback) {
    Instant start = in.time(START);
    Instant end = in.time(END);
    if (end != null && end.isBefore(Instant.EPOCH)) {
      throw new InvalidParameterException(END, in.single(END), END + " must not be before " + Instant.EPOCH
          + ": traffic is counted in Unix minutes, got '" + in.single(END) + "'");
    }
    if (start != null && start.isBefore(Instant.EPOCH)) {
      throw new InvalidParameterException(START, in.single(START), START + " must not be before " + Instant.EPOCH
          + ": traffic is counted in Unix minutes, got '" + in.single(START) + "'");
    }
    boolean endGiven = end != null;
    if (end == null) {
      end = now;
    }
    if (start == null) {
      start = end.minus(lookback);
      if (start.isBefore(Instant.EPOCH)) {
        start = Instant.EPOCH;
      }
    }
    if (start.isAfter(end)) {
      throw new InvalidParameterException(START, in.single(START), START + " " + start + " is after "
          + (endGiven ? END + " " + end : "now (" + end + "), the default " + END));
    }
    if (Duration.between(start, end).compareTo(SamplingCounts.MAX_WINDOW) > 0) {
      throw new InvalidParameterException(
          in.single(START) != null ? START : END,
          in.single(START) != null ? in.single(START) : in.single(END),
          "the window from " + START + " " + start + " to " + END + " " + end + " is longer than "
              + SamplingCounts.MAX_WINDOW.toDays() + " days, the longest traffic is summed over");
    }
    return MinuteWindow.of(start, end);
  }

  /** {@code service}, required. */
  String service() {
    String service = in.name(SERVICE);
    if (service == null) {
      throw new InvalidParameterException(SERVICE, null, SERVICE + " is required");
    }
    return service;
  }

  String operation() {
    return in.name(OPERATION);
  }

  /** {@code spanKind}, in any case; null when absent. */
  SpanKind spanKind() {
    String value = in.single(SPAN_KIND);
    if (value == null) {
      return null;
    }
    SpanKind kind = KINDS.get(value.toLowerCase(Locale.ROOT));
    if (kind == null) {
      throw new InvalidParameterException(SPAN_KIND, value, SPAN_KIND
          + " must be one of server, client, producer, consumer, internal, unspecified, got '"
          + InvalidParameterException.abbreviate(value) + "'");
    }
    return kind;
  }

  /**
   * The window cut into steps of {@code step}: a Go duration of whole minutes ({@code 1m}, {@code
   * 5m}, {@code 1h}); by default the smallest whole number of minutes that makes at most 120 steps.
   * More than {@link StepWindow#MAX_STEPS} steps are refused.
   */
  StepWindow steps(MinuteWindow minutes) {
    String value = in.single(STEP);
    if (value == null) {
      return new StepWindow(minutes, TrafficSeries.defaultStep(minutes));
    }
    Duration step;
    try {
      step = SearchParams.parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidParameterException(STEP, value, STEP + " " + e.getMessage());
    }
    if (step.compareTo(Duration.ofMinutes(1)) < 0 || step.toSeconds() % 60 != 0 || step.getNano() != 0) {
      throw new InvalidParameterException(STEP, value, STEP
          + " must be a whole number of minutes such as 1m, 5m or 1h, got '" + InvalidParameterException.abbreviate(value) + "'");
    }
    long windowMinutes = Duration.between(minutes.start(), minutes.end()).toMinutes();
    long steps = (windowMinutes + step.toMinutes() - 1) / step.toMinutes();
    if (steps > StepWindow.MAX_STEPS) {
      throw new InvalidParameterException(STEP, value, STEP + " " + value + " cuts the window of "
          + windowMinutes + " minutes into " + steps + " steps; at most " + StepWindow.MAX_STEPS
          + " are answered: ask for a longer step or a shorter window");
    }
    return new StepWindow(minutes, step);
  }

  /** A span kind as the traffic API writes it: {@code server}, {@code client}, ... */
  static String kindName(SpanKind kind) {
    return switch (kind) {
      case SPAN_KIND_SERVER -> "server";
      case SPAN_KIND_CLIENT -> "client";
      case SPAN_KIND_PRODUCER -> "producer";
      case SPAN_KIND_CONSUMER -> "consumer";
      case SPAN_KIND_INTERNAL -> "internal";
      case SPAN_KIND_UNSPECIFIED, UNRECOGNIZED -> "unspecified";
    };
  }
}
