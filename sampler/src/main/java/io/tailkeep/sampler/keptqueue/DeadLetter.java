package io.tailkeep.sampler.keptqueue;

import io.tailkeep.store.TraceId;
import java.time.Instant;
import java.util.Objects;

/**
 * A kept batch the span store refused for good, as kept in {@link DeadLetters}.
 *
 * @param file the file's name in the dead-letter directory
 * @param time when it was set aside
 * @param reason what the store said was wrong
 * @param spans spans in the batch
 * @param bytes the spans' stored bytes (what the store would have held)
 */
public record DeadLetter(String file, TraceId traceId, Instant time, String reason, int spans, long bytes) {

  public DeadLetter {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(reason, "reason");
  }
}
