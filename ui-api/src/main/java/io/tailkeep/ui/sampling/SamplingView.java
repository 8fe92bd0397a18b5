package io.tailkeep.ui.sampling;

import io.tailkeep.store.TraceId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the sampling API reads from the running sampler, in the API's own terms: the UI never sees
 * the sampler's classes, and deploy adapts the all-in-one's sampler or a node on Kafka to this.
 */
public interface SamplingView {

  /** The rules deciding now. */
  ActiveRules rules();

  /** The rules file's reload state; empty when the rules are fixed (not from a watched file). */
  Optional<FileStatus> rulesStatus();

  /**
   * How a trace was decided: from the decision cache in the all-in-one, from the decision log
   * (Cassandra) on a node on Kafka. Fails when the log cannot be read.
   */
  CompletionStage<Optional<TraceDecision>> why(TraceId traceId);

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
  default Optional<DeadLetterList> deadLetters() {
    return Optional.empty();
  }

  /**
   * The candidate rules on trial beside the rules in force, with their comparison, and the
   * candidate file's state; {@link CandidateState#NONE} on a node that runs no sampler.
   */
  default CandidateState candidate() {
    return CandidateState.NONE;
  }

  /**
   * Puts rules sent through the API on trial in place of any candidate. Returns every problem
   * when the text is refused, or nothing when the rules went on trial.
   *
   * @throws UnsupportedOperationException on a node that runs no sampler
   */
  default List<String> proposeCandidate(String rulesText) {
    throw new UnsupportedOperationException("this node runs no sampler: candidate rules are tried on sampler nodes");
  }

  /**
   * Ends the candidate's trial, if any.
   *
   * @throws UnsupportedOperationException on a node that runs no sampler
   */
  default void withdrawCandidate() {
    throw new UnsupportedOperationException("this node runs no sampler: candidate rules are tried on sampler nodes");
  }

  /**
   * The rules in force.
   *
   * @param source where they came from (a file's name, or the shipped defaults')
   * @param version the SHA-256 of the rules file's text: which version of the rules decides
   * @param rules the rules as written, in file order
   * @param defaultRule the name decisions carry when no rule matched
   * @param keepsByDefault what happens to a trace no rule matched
   */
  record ActiveRules(
      String source, String version, List<RuleText> rules, String defaultRule, boolean keepsByDefault) {
    public ActiveRules {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(version, "version");
      rules = List.copyOf(rules);
      Objects.requireNonNull(defaultRule, "defaultRule");
    }

    public List<String> ruleNames() {
      return rules.stream().map(RuleText::name).toList();
    }
  }

  /**
   * One rule as written: its conditions and action, each one line of YAML in flow style.
   *
   * @param match {@code all} or {@code any}: which of the conditions must hold
   */
  record RuleText(String name, String description, String match, List<String> conditions, String action) {
    public RuleText {
      Objects.requireNonNull(name, "name");
      conditions = List.copyOf(conditions);
    }
  }

  /**
   * The watched rules file: which version is active, how reloads went, and whether the file on
   * disk holds a version that was refused.
   *
   * @param reloads versions applied after start-up
   * @param reloadErrors versions refused since start-up
   * @param lastError the latest refusal, kept after the file is fixed
   */
  record FileStatus(
      String path,
      String sha256,
      Instant loadedAt,
      long reloads,
      long reloadErrors,
      boolean invalidOnDisk,
      Optional<Refusal> lastError) {
    public FileStatus {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(lastError, "lastError");
    }
  }

  /** A refused version of the rules file: when, and every problem found in it. */
  record Refusal(Instant at, List<String> errors) {
    public Refusal {
      errors = List.copyOf(errors);
    }
  }

  /**
   * One trace's sampling decision.
   *
   * @param probability the probability the deciding rule keeps with
   * @param reason what made the sampler decide when it did, lower case ({@code root_grace}, ...)
   * @param spansDecided the spans the decision was made on
   * @param lateSpans spans that came after it (0 where the node does not know)
   * @param rulesVersion the version of the rules it was taken under (as {@link ActiveRules#version})
   */
  record TraceDecision(
      TraceId traceId,
      boolean kept,
      String rule,
      double probability,
      boolean rateLimited,
      String reason,
      Instant decidedAt,
      int spansDecided,
      long lateSpans,
      String rulesVersion) {
    public TraceDecision {
      Objects.requireNonNull(traceId, "traceId");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(decidedAt, "decidedAt");
      Objects.requireNonNull(rulesVersion, "rulesVersion");
    }
  }

  /**
   * The dead letters a node keeps.
   *
   * @param entries every letter kept now, newest first
   * @param keptBytes bytes of the letters' files
   * @param maxBytes the directory's limit
   * @param removed letters removed, or never kept, to stay within the limit
   */
  record DeadLetterList(String directory, List<DeadLetter> entries, long keptBytes, long maxBytes, long removed) {
    public DeadLetterList {
      Objects.requireNonNull(directory, "directory");
      entries = List.copyOf(entries);
    }
  }

  /** One kept batch the store refused: its trace, when, why, and the file that holds it. */
  record DeadLetter(String file, TraceId traceId, Instant time, String reason, int spans, long bytes) {}

  /**
   * Candidate rules as the API shows them.
   *
   * @param sampling whether this node runs a sampler (only a sampler node tries candidates)
   * @param comparison the candidate on trial and what it would have done; empty when none is
   * @param file the watched candidate file; empty without one
   */
  record CandidateState(boolean sampling, Optional<Comparison> comparison, Optional<CandidateFileStatus> file) {
    public static final CandidateState NONE = new CandidateState(false, Optional.empty(), Optional.empty());

    public CandidateState {
      Objects.requireNonNull(comparison, "comparison");
      Objects.requireNonNull(file, "file");
    }
  }

  /**
   * The candidate file: whether it exists, and its content's refusal when it is invalid.
   */
  record CandidateFileStatus(String path, boolean present, Optional<Refusal> refused) {
    public CandidateFileStatus {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(refused, "refused");
    }
  }

  /**
   * What the candidate would have done over a recent window, beside the rules in force.
   *
   * @param origin where the candidate came from: the candidate file's path, or {@code uploaded}
   * @param version the SHA-256 of the candidate's text
   * @param since when it was put on trial
   * @param from the start of the window counted (the trial's start, or the window's if later)
   * @param traces traces decided in the window
   * @param keptLive of those, kept by the rules in force
   * @param keptCandidate of those, the candidate would keep
   * @param byRule each candidate rule's would-be kept and dropped, in file order, then the default
   * @param keptOnlyLive kept now but dropped by the candidate
   * @param keptOnlyCandidate dropped now but kept by the candidate
   */
  record Comparison(
      String origin,
      String version,
      List<RuleText> rules,
      boolean keepsByDefault,
      Instant since,
      Instant from,
      Instant to,
      long traces,
      long keptLive,
      long keptCandidate,
      List<RuleEffect> byRule,
      Disagreement keptOnlyLive,
      Disagreement keptOnlyCandidate) {
    public Comparison {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(version, "version");
      rules = List.copyOf(rules);
      byRule = List.copyOf(byRule);
      Objects.requireNonNull(keptOnlyLive, "keptOnlyLive");
      Objects.requireNonNull(keptOnlyCandidate, "keptOnlyCandidate");
    }
  }

  /** What one candidate rule would have kept and dropped. */
  record RuleEffect(String rule, long kept, long dropped) {}

  /** Traces decided differently in one direction: how many, and the newest, newest first. */
  record Disagreement(long traces, List<DisagreeingTrace> examples) {
    public Disagreement {
      examples = List.copyOf(examples);
    }
  }

  /** A trace decided differently, with the rule of each side that decided it. */
  record DisagreeingTrace(TraceId traceId, Instant decidedAt, String liveRule, String candidateRule) {}
}
