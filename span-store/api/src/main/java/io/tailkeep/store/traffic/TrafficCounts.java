package io.tailkeep.store.traffic;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tailkeep.store.MinuteWindow;
import io.tailkeep.store.SamplingNames;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Rates, errors and durations of all traffic, counted by the sampler before it decides (issue 16),
 * per sampler node and minute: each operation's calls, each service's calls by span kind, and the
 * service graph's edges. Each node writes its own totals of a minute so far, as often as it likes
 * while the minute runs; a read sums over nodes and over the minutes of each step. Rows expire as
 * the search index does.
 *
 * <p>Bad input throws at the call, before any I/O; I/O failures complete the stage exceptionally.
 * Answers list the steps in order of their start; within a step, entries come in no particular
 * order. A store may keep a service, span, client or server name longer than 1 KiB of UTF-8 as its
 * first KiB (the Cassandra store does, as its index does): names equal in that KiB are then summed
 * as one, answers give the cut name, and a read cuts the service it is asked for the same way.
 */
public interface TrafficCounts {

  /**
   * Stores the node's totals of that minute so far, replacing what the node wrote for the same
   * operation or edge of that minute before. The write holds every operation the node counted in
   * that minute (a service's calls by span kind are summed from them here), and every edge; as
   * totals only grow within a minute, nothing is ever left to remove. An operation or edge given
   * twice in one write is summed. Writing the same totals again is harmless.
   *
   * @param minute the minute's start: a whole minute
   */
  CompletionStage<Void> write(String node, Instant minute, List<OperationCalls> operations, List<EdgeCalls> edges);

  /**
   * Each operation of {@code service} per step, summed over nodes; steps and operations without
   * calls are absent.
   */
  CompletionStage<List<Step<OperationCalls>>> operations(String service, StepWindow window);

  /** Every service's calls by span kind per step, summed over nodes; what had no calls is absent. */
  CompletionStage<List<Step<ServiceCalls>>> services(StepWindow window);

  /** Every edge per step, summed over nodes; what had no requests is absent. */
  CompletionStage<List<Step<EdgeCalls>>> edges(StepWindow window);

  /** The checks every store makes of a {@link #write}'s arguments, naming what is wrong. */
  static void checkWrite(String node, Instant minute, List<OperationCalls> operations, List<EdgeCalls> edges) {
    SamplingNames.check(node, "node");
    MinuteWindow.checkRange(minute, "minute");
    if (!MinuteWindow.isWholeMinute(minute)) {
      throw new IllegalArgumentException("minute must be a whole minute, got " + minute);
    }
    Objects.requireNonNull(operations, "operations");
    Objects.requireNonNull(edges, "edges");
    for (OperationCalls o : operations) {
      Objects.requireNonNull(o, "operations must not hold null");
      if (o.kind() == SpanKind.UNRECOGNIZED) {
        // A store keeps the kind as OTLP's number, and UNRECOGNIZED has none.
        throw new IllegalArgumentException(
            "operations hold an operation of span kind UNRECOGNIZED, which has no OTLP number;"
                + " count spans of an unknown kind as SPAN_KIND_UNSPECIFIED");
      }
    }
    edges.forEach(e -> Objects.requireNonNull(e, "edges must not hold null"));
  }
}
