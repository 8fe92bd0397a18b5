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
}
