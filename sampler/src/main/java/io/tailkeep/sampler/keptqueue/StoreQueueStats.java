package io.tailkeep.sampler.keptqueue;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link StoreQueue} holds now and has counted since it was built, read at one moment
 * (each figure without locks, so two of them may be a write apart). The queue's only view of its
 * figures: metrics, shutdown logs and tests read these.
 *
 * @param queuedBatches batches not yet durably written: waiting or in flight
 * @param queuedBytes bytes of those batches, what {@code isFull()} compares with the bound
 * @param full whether ingest should refuse spans because of the queue ({@link StoreQueue#isFull()})
 * @param inFlight batches being written now
 * @param batchesWritten batches written to the span store
 * @param spansWritten spans written to the span store
 * @param retries failed write attempts whose batch went back to the queue
 * @param deadLetteredBatches batches set aside because the store refused them for good (after
 *     splitting, when that could help): kept in the dead letters if the queue has them, lost
 *     otherwise
 * @param deadLetteredSpans spans of those batches
 * @param splits batches refused for their size and split in two
 * @param consecutiveFailures rounds of failed attempts since the last success; non-zero while the
 *     store is out
 * @param lastError the message of the last write failure, retried or not
 */
public record StoreQueueStats(
    long queuedBatches,
    long queuedBytes,
    boolean full,
    int inFlight,
    long batchesWritten,
    long spansWritten,
    long retries,
    long deadLetteredBatches,
    long deadLetteredSpans,
    long splits,
    int consecutiveFailures,
    Optional<String> lastError) {

  public StoreQueueStats {
    Objects.requireNonNull(lastError, "lastError");
  }
}
