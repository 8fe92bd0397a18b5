package io.tailkeep.store.memory;

import io.tailkeep.store.BatchSummary;
import io.tailkeep.store.IndexedTags;
import io.tailkeep.store.IndexedTags.ServiceTag;
import io.tailkeep.store.SpanBatch;
import java.util.Set;

/**
 * What one written batch contributes to its trace's summary: the batch's own summary (grown by the
 * sampler as its spans arrived) and its indexed tags. A trace's summary merges those of its
 * batches.
 *
 * @param first the earliest span of the batch
 * @param root the earliest root span of the batch; null when the batch has none
 */
record BatchContribution(
    long startNanos,
    long endNanos,
    int spanCount,
    int errorCount,
    SpanName first,
    SpanName root,
    Set<String> services,
    Set<BatchSummary.ServiceOperation> operations,
    Set<ServiceTag> tags) {

  /** A span's service and name: what a summary shows of its root. */
  record SpanName(String service, String name) {}

  BatchContribution {
    services = Set.copyOf(services);
    operations = Set.copyOf(operations);
    tags = Set.copyOf(tags);
  }

  static BatchContribution of(SpanBatch batch, IndexedTags indexedTags) {
    BatchSummary summary = batch.summary();
    return new BatchContribution(
        summary.startNanos(),
        summary.endNanos(),
        summary.spanCount(),
        summary.errorCount(),
        new SpanName(summary.firstService(), summary.firstName()),
        summary.rootSeen() ? new SpanName(summary.rootService(), summary.rootName()) : null,
        Set.copyOf(summary.services()),
        Set.copyOf(summary.operations()),
        indexedTags.tagsOf(batch));
  }
}
