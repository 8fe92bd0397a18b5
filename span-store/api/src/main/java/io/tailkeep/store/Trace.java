package io.tailkeep.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Stored spans of one trace, in no particular order.
 *
 * @param capped true when the read stopped at its span cap ({@link SpanReader#getTrace(TraceId,
 *     int)}) and more spans are stored than {@code spans} holds
 * @param sampling the decision that kept the trace, as stored with its spans (the latest batch's
 *     that carried one); null when none did, or when the store cannot tell from the spans alone
 *     (then the trace's summary may know, {@link SpanReader#getSummaries})
 */
public record Trace(TraceId traceId, List<OtlpSpan> spans, boolean capped, Sampling sampling) {
  public Trace {
    Objects.requireNonNull(traceId, "traceId");
    spans = List.copyOf(spans);
  }

  /** Every stored span of the trace, no decision with them. */
  public Trace(TraceId traceId, List<OtlpSpan> spans) {
    this(traceId, spans, false, null);
  }

  /** A span with its sort keys, read once rather than at every comparison. */
  private record Keyed(long start, long spanId, OtlpSpan span) {}

  private static final Comparator<Keyed> START_THEN_SPAN_ID =
      Comparator.comparingLong(Keyed::start).thenComparing((a, b) -> Long.compareUnsigned(a.spanId(), b.spanId()));

  /**
   * The spans earliest first, ties by span ID, then as given: the order a trace's views show them
   * in. Each span's keys are read once, not at every comparison (a 1 000-span trace's sort was a
   * tenth of its view's time).
   */
  public static OtlpSpan[] inStartOrder(List<OtlpSpan> spans) {
    Keyed[] keyed = new Keyed[spans.size()];
    for (int i = 0; i < keyed.length; i++) {
      OtlpSpan span = spans.get(i);
      keyed[i] = new Keyed(span.startEpochNanos(), span.spanId().value(), span);
    }
    Arrays.sort(keyed, START_THEN_SPAN_ID); // stable
    OtlpSpan[] ordered = new OtlpSpan[keyed.length];
    for (int i = 0; i < keyed.length; i++) {
      ordered[i] = keyed[i].span();
    }
    return ordered;
  }

  /**
   * The spans without identical copies, each first copy kept in place. Identical spans share a
   * span ID, so only spans whose ID repeats are compared: a trace without repeats is not hashed
   * span by span (every string of a freshly decoded span would be).
   */
  public static List<OtlpSpan> withoutIdenticalCopies(List<OtlpSpan> spans) {
    long[] ids = new long[spans.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = spans.get(i).spanId().value();
    }
    Arrays.sort(ids); // a repeat sits beside its first; no boxing or hashing per span
    boolean repeats = false;
    for (int i = 1; i < ids.length && !repeats; i++) {
      repeats = ids[i] == ids[i - 1];
    }
    if (!repeats) {
      return spans;
    }
    List<OtlpSpan> distinct = new ArrayList<>(spans.size());
    Map<Long, List<OtlpSpan>> keptById = new HashMap<>();
    for (OtlpSpan span : spans) {
      List<OtlpSpan> kept = keptById.computeIfAbsent(span.spanId().value(), id -> new ArrayList<>(1));
      if (!kept.contains(span)) {
        kept.add(span);
        distinct.add(span);
      }
    }
    return distinct;
  }
}
