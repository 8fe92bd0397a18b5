package io.tailkeep.ui.sampling;

import io.tailkeep.sampler.buffer.DecisionRecord;
import io.tailkeep.sampler.keptqueue.DeadLetters;
import io.tailkeep.sampler.reload.RulesStatus;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.store.TraceId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What the sampling API reads from the running sampler; deploy adapts the sampler to it. */
public interface SamplingView {

  /** The rules deciding now. */
  RuleSet rules();

  /** The rules file's reload state; empty when the rules are fixed (not from a watched file). */
  Optional<RulesStatus> rulesStatus();

  /**
   * How a trace was decided: from the decision cache in the all-in-one, from the decision log
   * (Cassandra) on a node on Kafka. Fails when the log cannot be read.
   */
  CompletionStage<Optional<DecisionRecord>> why(TraceId traceId);

  /** Traces kept since start, by the rule that kept them. */
  Map<String, Long> keptByRule();

  /** Traces dropped since start, by the rule that dropped them. */
  Map<String, Long> droppedByRule();

  /**
   * Which sampler node owns which partition of the spans topic, with its lag, read from Kafka.
   * Empty when this node is not on Kafka (the all-in-one); fails when Kafka cannot be read.
   */
  default CompletionStage<Optional<PartitionOwners>> partitionOwners() {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  /**
   * Kept batches the span store refused for good, set aside by this node's store queue; empty when
   * the node keeps none (it writes no kept traces, or was given no dead-letter directory).
   */
  default Optional<DeadLetters> deadLetters() {
    return Optional.empty();
  }
}
