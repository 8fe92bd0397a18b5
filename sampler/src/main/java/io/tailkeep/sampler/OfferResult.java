package io.tailkeep.sampler;

/** What {@link TailSampler#offer} did with spans: all taken, or none and why. */
public enum OfferResult {
  ACCEPTED,
  /** Kept traces waiting for the span store passed the queue's bound; take nothing until it drains. */
  STORE_QUEUE_FULL,
  /** Shutdown has begun; buffered traces are being decided and written. */
  SHUTTING_DOWN;

  public boolean accepted() {
    return this == ACCEPTED;
  }
}
