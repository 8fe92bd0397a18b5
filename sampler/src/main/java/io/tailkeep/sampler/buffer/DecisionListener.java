package io.tailkeep.sampler.buffer;

import java.time.Duration;

/**
 * Told of every decision the buffer makes: for metrics, and for a node that records decisions
 * durably. Runs on the deciding thread, sometimes
 * inside the buffer's map operation, so it must be quick and must not call back into the buffer.
 */
@FunctionalInterface
public interface DecisionListener {

  DecisionListener NONE = (decision, waited) -> {};

  /** @param waited from the trace's first span to its decision */
  void decided(DecisionRecord decision, Duration waited);

  /** This listener, then {@code next}. */
  default DecisionListener andThen(DecisionListener next) {
    return (decision, waited) -> {
      decided(decision, waited);
      next.decided(decision, waited);
    };
  }
}
