package io.tailkeep.store.memory;

import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.Trace;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.store.WireSpan;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One trace: its distinct spans, what each distinct batch contributed to its summary, and the
 * decision that kept it. Writes lock the trace; searches read its summary without locking.
 */
final class StoredTrace {
  private final TraceId traceId;
  private final Set<OtlpSpan> spans = new LinkedHashSet<>();
  /** Keyed by the batch's spans (a multiset, order aside): a retried batch lands on its entry. */
  private final Map<Map<OtlpSpan, Integer>, BatchContribution> batches = new LinkedHashMap<>();
  private Sampling sampling;
  /** Null until the first batch is added. */
  private volatile SearchableSummary summary;

  StoredTrace(TraceId traceId) {
    this.traceId = traceId;
  }

  synchronized void add(SpanBatch batch, BatchContribution contribution) {
    // Decoded once here, as Cassandra's reader decodes what it stored.
    List<OtlpSpan> decoded = batch.spans().stream().map(WireSpan::toOtlpSpan).toList();
    spans.addAll(decoded);
    batches.putIfAbsent(contentKey(decoded), contribution);
    // Late spans carry no decision and keep the one already stored.
    if (batch.sampling() != null) {
      sampling = batch.sampling();
    }
    summary = merge();
  }

  /** At most {@code maxSpans} of the spans, with the decision; empty when there are none. */
  synchronized Optional<Trace> read(int maxSpans) {
    if (spans.isEmpty()) {
      return Optional.empty();
    }
    List<OtlpSpan> all = List.copyOf(spans);
    boolean capped = all.size() > maxSpans;
    return Optional.of(new Trace(traceId, capped ? all.subList(0, maxSpans) : all, capped, sampling));
  }

  SearchableSummary summary() {
    return summary;
  }

  private static Map<OtlpSpan, Integer> contentKey(List<OtlpSpan> spans) {
    Map<OtlpSpan, Integer> counts = new HashMap<>();
    for (OtlpSpan span : spans) {
      counts.merge(span, 1, Integer::sum);
    }
    return counts;
  }

  /**
   * The trace's summary from its batches': the first span and root of the earliest batch that has
   * one (ties: the batch written first), counts summed, sets joined.
   */
  private SearchableSummary merge() {
    List<BatchContribution> byStart =
        batches.values().stream().sorted(Comparator.comparingLong(BatchContribution::startNanos)).toList();
    BatchContribution.SpanName first = byStart.get(0).first();
    BatchContribution.SpanName root =
        byStart.stream().map(BatchContribution::root).filter(Objects::nonNull).findFirst().orElse(null);
    long start = byStart.get(0).startNanos();
    long end = byStart.stream().mapToLong(BatchContribution::endNanos).max().orElseThrow();
    Set<String> services = new HashSet<>();
    Set<Map.Entry<String, String>> operations = new HashSet<>();
    Set<Map.Entry<String, String>> tags = new HashSet<>();
    for (BatchContribution batch : byStart) {
      services.addAll(batch.services());
      batch.operations().forEach(op -> operations.add(Map.entry(op.service(), op.name())));
      batch.tags().forEach(tag -> tags.add(Map.entry(tag.key(), tag.value())));
    }
    TraceSummary merged =
        new TraceSummary(
            traceId,
            root != null ? root.service() : first.service(),
            root != null ? root.name() : first.name(),
            root != null,
            start,
            end - start,
            byStart.stream().mapToInt(BatchContribution::spanCount).sum(),
            byStart.stream().mapToInt(BatchContribution::errorCount).sum(),
            services,
            sampling);
    return new SearchableSummary(merged, operations, tags);
  }
}
