package io.tailkeep.query;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.MinuteWindow;
import io.tailkeep.store.traffic.CallCounts;
import io.tailkeep.store.traffic.EdgeCalls;
import io.tailkeep.store.traffic.OperationCalls;
import io.tailkeep.store.traffic.Step;
import io.tailkeep.store.traffic.StepWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A service's calls per step: which calls count, and every step of the window filled in. Pure. */
final class TrafficSeries {

  /** The default step gives at most this many steps: enough for a chart, few enough to read. */
  static final int DEFAULT_MAX_STEPS = 120;

  /** One step: where it starts, how long it is (the last may be shorter), its calls. */
  record Point(Instant start, Duration length, CallCounts counts) {}

  /** The calls a series counts, per step (steps without calls absent), and what they are. */
  record Selected(MeasuredBy measuredBy, List<Step<CallCounts>> steps) {}

  private TrafficSeries() {}

  /** The smallest whole number of minutes that cuts the window into at most 120 steps; 1 minute at least. */
  static Duration defaultStep(MinuteWindow minutes) {
    long length = Duration.between(minutes.start(), minutes.end()).toMinutes();
    return Duration.ofMinutes(Math.max(1, (length + DEFAULT_MAX_STEPS - 1) / DEFAULT_MAX_STEPS));
  }

  /**
   * The calls of a service's operations that the series counts. With neither {@code operation}
   * nor {@code kind}: its SERVER and CONSUMER spans when it has any in the window, else all its
   * spans; with either, the spans of that name and/or kind ({@link MeasuredBy#SPANS}). Null when
   * the default applies and the service has no spans at all: then the edges into it measure it
   * ({@link #intoService}).
   */
  static Selected select(List<Step<OperationCalls>> operations, String operation, SpanKind kind) {
    MeasuredBy measuredBy;
    if (operation != null || kind != null) {
      measuredBy = MeasuredBy.SPANS;
    } else if (operations.isEmpty()) {
      return null;
    } else {
      boolean served =
          operations.stream()
              .anyMatch(s -> TrafficGraph.serves(s.counts().kind()) && s.counts().counts().calls() > 0);
      measuredBy = served ? MeasuredBy.SERVER : MeasuredBy.SPANS;
    }
    List<Step<CallCounts>> steps = new ArrayList<>();
    for (Step<OperationCalls> step : operations) {
      OperationCalls calls = step.counts();
      boolean counted =
          (operation == null || operation.equals(calls.spanName()))
              && (kind == null || kind == calls.kind())
              && (measuredBy != MeasuredBy.SERVER || TrafficGraph.serves(calls.kind()));
      if (counted) {
        steps.add(new Step<>(step.start(), calls.counts()));
      }
    }
    return new Selected(measuredBy, steps);
  }

  /**
   * A service that sent no spans, measured by the edges into it, as in the graph; when there are
   * none either, nothing was counted and the series is the default's ({@link MeasuredBy#SERVER}), all zeros.
   */
  static Selected intoService(String service, List<Step<EdgeCalls>> edges) {
    List<Step<CallCounts>> steps = new ArrayList<>();
    for (Step<EdgeCalls> step : edges) {
      if (step.counts().server().equals(service)) {
        steps.add(new Step<>(step.start(), TrafficGraph.intoServer(step.counts())));
      }
    }
    return new Selected(steps.isEmpty() ? MeasuredBy.SERVER : MeasuredBy.EDGES, steps);
  }

  /** Every step of the window in order, each with its calls summed, zeros where there were none. */
  static List<Point> points(StepWindow window, List<Step<CallCounts>> steps) {
    Map<Instant, CallCounts> byStep = new HashMap<>();
    for (Step<CallCounts> step : steps) {
      byStep.merge(step.start(), step.counts(), CallCounts::plus);
    }
    Instant end = window.minutes().end();
    List<Point> points = new ArrayList<>(window.steps());
    for (Instant start : window.stepStarts()) {
      Duration toEnd = Duration.between(start, end);
      Duration length = toEnd.compareTo(window.step()) < 0 ? toEnd : window.step();
      points.add(new Point(start, length, byStep.getOrDefault(start, CallCounts.none())));
    }
    return points;
  }

  /** All the calls of the points together. */
  static CallCounts total(List<Point> points) {
    CallCounts total = CallCounts.none();
    for (Point point : points) {
      total = total.plus(point.counts());
    }
    return total;
  }
}
