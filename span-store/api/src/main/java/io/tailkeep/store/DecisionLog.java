package io.tailkeep.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Every sampling decision of the cluster, keep or drop. A sampler node writes its decisions before
 * it commits the Kafka offsets that cover their traces, so a node that takes a partition over
 * follows the decisions already taken instead of deciding again; any node answers "why was this
 * trace kept or dropped" from it. Decisions expire (the Cassandra store's {@code decisionTtl}).
 *
 * <p>A trace has one decision in normal operation: only the owner of its Kafka partition decides
 * it. When two nodes decided it (an old owner still at work after its partition moved), the first
 * decided ({@link StoredDecision#FIRST_DECIDED}) is the trace's decision, whatever the order the
 * writes arrive in; the other is kept beside it but never replaces it. span-store's README says why
 * this is not first-written-wins through lightweight transactions.
 *
 * <p>Bad input throws at the call, before any I/O; I/O failures complete the stage exceptionally.
 */
public interface DecisionLog {

  /**
   * Completes when every decision is durable. Writing the same decision again is harmless, so a
   * failed write can be retried whole.
   */
  CompletionStage<Void> write(List<StoredDecision> decisions);

  /**
   * The decision of each of these traces that has one; traces without one are absent from the map.
   * Meant for a few hundred traces at once (a replayed Kafka batch).
   */
  CompletionStage<Map<TraceId, StoredDecision>> read(Collection<TraceId> traceIds);
}
