package io.tailkeep.sampler.shadow;

import io.tailkeep.sampler.rules.RuleSet.RuleText;
import io.tailkeep.store.TraceId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the rules on trial would have done over a recent window, beside the rules in force.
 *
 * @param origin where the candidate came from (a file's path, or "uploaded")
 * @param version the SHA-256 of the candidate's text
 * @param rules the candidate's rules as written
 * @param keepsByDefault what the candidate does with a trace no rule matches
 * @param since when the candidate was put on trial
 * @param from the start of the window counted: the trial's start, or the window's if later
 * @param traces traces decided in the window
 * @param keptLive of those, kept by the rules in force
 * @param keptCandidate of those, the candidate would keep
 * @param byRule what each candidate rule would keep and drop, rules in file order, then the default
 * @param keptOnlyLive kept by the rules in force, dropped by the candidate
 * @param keptOnlyCandidate dropped by the rules in force, kept by the candidate
 */
public record ShadowReport(
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

  public ShadowReport {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(version, "version");
    rules = List.copyOf(rules);
    byRule = List.copyOf(byRule);
    Objects.requireNonNull(keptOnlyLive, "keptOnlyLive");
    Objects.requireNonNull(keptOnlyCandidate, "keptOnlyCandidate");
  }

  /** What one candidate rule would have kept and dropped (rate-limited traces count as dropped). */
  public record RuleEffect(String rule, long kept, long dropped) {}

  /**
   * Traces the two rule sets decide differently in one direction.
   *
   * @param traces how many in the window
   * @param examples the newest of them, newest first
   */
  public record Disagreement(long traces, List<Example> examples) {
    public Disagreement {
      examples = List.copyOf(examples);
    }
  }

  /** One trace decided differently, and the rule of each side that decided it. */
  public record Example(TraceId traceId, Instant decidedAt, String liveRule, String candidateRule) {}
}
