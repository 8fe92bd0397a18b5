package io.tailkeep.store;

import java.util.concurrent.CompletionStage;

/** Stores spans. Writing the same batch twice stores it once, so failed writes can be retried. */
public interface SpanWriter {

  /** Completes when every span, its trace summary and its index entries are durable. */
  CompletionStage<Void> write(SpanBatch batch);
}
