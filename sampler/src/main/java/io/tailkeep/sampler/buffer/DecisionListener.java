package io.tailkeep.sampler.buffer;

import io.tailkeep.sampler.rules.Decision;
import java.time.Duration;

/**
 * Told of every decision the buffer makes, for metrics. Runs on the deciding thread, sometimes
 * inside the buffer's map operation, so it must be quick and must not call back into the buffer.
 */
@FunctionalInterface
public interface DecisionListener {

  DecisionListener NONE = (decision, reason, spans, waited) -> {};

  /**
   * @param spans the spans the trace had when decided
   * @param waited from the trace's first span to its decision
   */
  void decided(Decision decision, DecisionReason reason, int spans, Duration waited);
}
