package io.tailkeep.deploy;

import io.tailkeep.sampler.TailSampler;
import io.tailkeep.sampler.buffer.DecisionRecord;
import io.tailkeep.sampler.keptqueue.DeadLetters;
import io.tailkeep.sampler.reload.RulesStatus;
import io.tailkeep.sampler.rules.Decision;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.store.StoredDecision;
import io.tailkeep.store.TraceId;
import io.tailkeep.ui.sampling.SamplingView;
import io.tailkeep.ui.sampling.SamplingView.ActiveRules;
import io.tailkeep.ui.sampling.SamplingView.DeadLetter;
import io.tailkeep.ui.sampling.SamplingView.DeadLetterList;
import io.tailkeep.ui.sampling.SamplingView.FileStatus;
import io.tailkeep.ui.sampling.SamplingView.Refusal;
import io.tailkeep.ui.sampling.SamplingView.RuleText;
import io.tailkeep.ui.sampling.SamplingView.TraceDecision;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The sampler's state in the sampling API's terms: the all-in-one's {@link TailSampler} as a
 * {@link SamplingView}, and the conversions a node on Kafka ({@link KafkaNode}) uses as well.
 */
final class SamplerViews {

  private SamplerViews() {}

  /** The all-in-one: everything from the one sampler in this process. */
  static SamplingView of(TailSampler sampler) {
    return new SamplingView() {
      @Override
      public ActiveRules rules() {
        return activeRules(sampler.rules());
      }

      @Override
      public Optional<FileStatus> rulesStatus() {
        return sampler.rulesStatus().map(SamplerViews::fileStatus);
      }

      @Override
      public CompletionStage<Optional<TraceDecision>> why(TraceId traceId) {
        return CompletableFuture.completedFuture(sampler.why(traceId).map(SamplerViews::decision));
      }

      @Override
      public Map<String, Long> keptByRule() {
        return sampler.keptByRule();
      }

      @Override
      public Map<String, Long> droppedByRule() {
        return sampler.droppedByRule();
      }

      @Override
      public Optional<DeadLetterList> deadLetters() {
        return sampler.deadLetters().map(SamplerViews::deadLetterList);
      }
    };
  }

  static ActiveRules activeRules(RuleSet rules) {
    return new ActiveRules(
        rules.source(),
        rules.version(),
        rules.ruleTexts().stream()
            .map(r -> new RuleText(r.name(), r.description(), r.match(), r.conditions(), r.action()))
            .toList(),
        Decision.DEFAULT_RULE,
        rules.keepsByDefault());
  }

  static FileStatus fileStatus(RulesStatus status) {
    return new FileStatus(
        status.file().toString(),
        status.sha256(),
        status.loadedAt(),
        status.reloads(),
        status.reloadErrors(),
        status.invalidOnDisk(),
        status.lastError().map(error -> new Refusal(error.at(), error.errors())));
  }

  /** A decision from this process's decision cache. */
  static TraceDecision decision(DecisionRecord record) {
    return new TraceDecision(
        record.traceId(),
        record.keep(),
        record.rule(),
        record.probability(),
        record.rateLimited(),
        reason(record.reason().name()),
        record.decidedAt(),
        record.spansDecided(),
        record.lateSpans(),
        record.rulesVersion());
  }

  /**
   * A decision from the decision log, possibly by another node: the log does not know how many
   * spans came late, so that shows as 0.
   */
  static TraceDecision decision(StoredDecision stored) {
    return new TraceDecision(
        stored.traceId(),
        stored.keep(),
        stored.rule(),
        stored.probability(),
        stored.rateLimited(),
        reason(stored.reason()),
        stored.decidedAt(),
        stored.spansDecided(),
        0,
        stored.rulesVersion());
  }

  /** Decision reasons show as the lower case of their enum names ({@code ROOT_GRACE}: {@code root_grace}). */
  private static String reason(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  static DeadLetterList deadLetterList(DeadLetters letters) {
    return new DeadLetterList(
        letters.directory().toString(),
        letters.list().stream()
            .map(l -> new DeadLetter(l.file(), l.traceId(), l.time(), l.reason(), l.spans(), l.bytes()))
            .toList(),
        letters.keptBytes(),
        letters.maxBytes(),
        letters.removed());
  }
}
