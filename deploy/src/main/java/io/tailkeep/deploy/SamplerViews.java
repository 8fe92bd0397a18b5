package io.tailkeep.deploy;

import io.tailkeep.sampler.TailSampler;
import io.tailkeep.sampler.buffer.DecisionRecord;
import io.tailkeep.sampler.keptqueue.DeadLetters;
import io.tailkeep.sampler.reload.RulesStatus;
import io.tailkeep.sampler.rules.Decision;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.shadow.ShadowReport;
import io.tailkeep.store.StoredDecision;
import io.tailkeep.store.TraceId;
import io.tailkeep.ui.sampling.SamplingView;
import io.tailkeep.ui.sampling.SamplingView.ActiveRules;
import io.tailkeep.ui.sampling.SamplingView.CandidateFileStatus;
import io.tailkeep.ui.sampling.SamplingView.CandidateState;
import io.tailkeep.ui.sampling.SamplingView.Comparison;
import io.tailkeep.ui.sampling.SamplingView.DeadLetter;
import io.tailkeep.ui.sampling.SamplingView.DeadLetterList;
import io.tailkeep.ui.sampling.SamplingView.DisagreeingTrace;
import io.tailkeep.ui.sampling.SamplingView.Disagreement;
import io.tailkeep.ui.sampling.SamplingView.FileStatus;
import io.tailkeep.ui.sampling.SamplingView.Refusal;
import io.tailkeep.ui.sampling.SamplingView.RuleEffect;
import io.tailkeep.ui.sampling.SamplingView.RuleText;
import io.tailkeep.ui.sampling.SamplingView.TraceDecision;
import java.util.List;
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

  /** The all-in-one: everything from the one sampler in this process, and its candidate rules. */
  static SamplingView of(TailSampler sampler, SamplerAssembly.Candidate candidate) {
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

      @Override
      public CandidateState candidate() {
        return candidateState(candidate);
      }

      @Override
      public List<String> proposeCandidate(String rulesText) {
        return candidate.propose(rulesText);
      }

      @Override
      public void withdrawCandidate() {
        candidate.rules().withdraw();
      }
    };
  }

  static ActiveRules activeRules(RuleSet rules) {
    return new ActiveRules(
        rules.source(),
        rules.version(),
        ruleTexts(rules.ruleTexts()),
        Decision.DEFAULT_RULE,
        rules.keepsByDefault());
  }

  private static List<RuleText> ruleTexts(List<RuleSet.RuleText> texts) {
    return texts.stream()
        .map(r -> new RuleText(r.name(), r.description(), r.match(), r.conditions(), r.action()))
        .toList();
  }

  /** A sampler node's candidate rules: the comparison of the candidate on trial, and its file. */
  static CandidateState candidateState(SamplerAssembly.Candidate candidate) {
    return new CandidateState(
        true,
        candidate.rules().report().map(SamplerViews::comparison),
        candidate.file().map(file -> {
          var status = file.status();
          return new CandidateFileStatus(
              status.file().toString(),
              status.present(),
              status.refused().map(error -> new Refusal(error.at(), error.errors())));
        }));
  }

  private static Comparison comparison(ShadowReport report) {
    return new Comparison(
        report.origin(),
        report.version(),
        ruleTexts(report.rules()),
        report.keepsByDefault(),
        report.since(),
        report.from(),
        report.to(),
        report.traces(),
        report.keptLive(),
        report.keptCandidate(),
        report.byRule().stream().map(r -> new RuleEffect(r.rule(), r.kept(), r.dropped())).toList(),
        disagreement(report.keptOnlyLive()),
        disagreement(report.keptOnlyCandidate()));
  }

  private static Disagreement disagreement(ShadowReport.Disagreement disagreement) {
    return new Disagreement(
        disagreement.traces(),
        disagreement.examples().stream()
            .map(e -> new DisagreeingTrace(e.traceId(), e.decidedAt(), e.liveRule(), e.candidateRule()))
            .toList());
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
