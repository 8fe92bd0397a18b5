package io.tailkeep.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What a sampler node counts about its Kafka work, beside the consumer's own metrics and its
 * buffers' figures (decisions made are those: {@link KafkaSampling#stats()}).
 */
final class NodeCounters {

  final Counter recordsConsumed;
  final Counter recordsReplayed;
  final Counter recordsUnreadable;
  final Counter rebalances;
  final Counter decisionsWritten;
  final Counter decisionWriteFailures;
  final Counter decisionsLookedUp;
  final Counter decisionsFollowed;

  NodeCounters(MeterRegistry registry) {
    recordsConsumed = counter(registry, "tailkeep.kafka.records.consumed", "Span records read from the spans topic");
    recordsReplayed = counter(registry, "tailkeep.kafka.records.replayed",
        "Records read again after a partition came to this node (they were before its end offset then)");
    recordsUnreadable = counter(registry, "tailkeep.kafka.records.unreadable",
        "Records that are not a TraceRecord; skipped and logged");
    rebalances = counter(registry, "tailkeep.kafka.rebalances", "Partitions assigned to or taken from this node");
    decisionsWritten = counter(registry, "tailkeep.kafka.decisions.written", "Decision rows written to the decision log");
    decisionWriteFailures = counter(registry, "tailkeep.kafka.decisions.write.failures",
        "Failed decision-log writes; their rows are written again and their offsets wait");
    decisionsLookedUp = counter(registry, "tailkeep.kafka.decisions.looked.up",
        "Traces looked up in the decision log after a partition came to this node");
    decisionsFollowed = counter(registry, "tailkeep.kafka.decisions.followed",
        "Traces found decided by another node, whose spans follow that decision");
  }

  private static Counter counter(MeterRegistry registry, String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }
}
