package io.tailkeep.store;

import java.util.concurrent.CompletionStage;

/** Stores spans. Writing the same batch twice stores it once, so failed writes can be retried. */
public interface SpanWriter {

  /**
   * Completes when every span, its trace summary and its index entries are durable. Completes
   * exceptionally with {@link BatchRejectedException} for a batch the store can never take as it
   * is (retrying cannot help); any other failure may pass, and the same batch may be written again.
   */
  CompletionStage<Void> write(SpanBatch batch);
}
