package io.tailkeep.store.traffic;

import java.time.Instant;
import java.util.Objects;

/** Counts summed over the step of a {@link StepWindow} that starts at {@code start}. */
public record Step<T>(Instant start, T counts) {
  public Step {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(counts, "counts");
  }
}
