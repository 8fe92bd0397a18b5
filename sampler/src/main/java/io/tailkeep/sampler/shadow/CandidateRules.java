package io.tailkeep.sampler.shadow;

import io.tailkeep.sampler.rules.Decision;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.TraceFacts;
import io.tailkeep.store.TraceId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Rules on trial: a candidate rule set decides every trace beside the rules in force and never
 * acts; what it would have done differently is tallied over a recent window ({@link #report()}).
 *
 * <p>One per sampling node, shared by its buffers (the all-in-one's one, or a node on Kafka's one
 * per partition). A new candidate starts a new comparison. Its rate limits and per-key targets run
 * on their own budgets, so "would keep" counts what the candidate would really keep, limits
 * included.
 *
 * <p>Thread-safe: buffers compare from their deciding threads; the API reads reports.
 */
public final class CandidateRules {

  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
  /** Disagreeing traces listed per kind: the newest ones. */
  public static final int DEFAULT_EXAMPLES = 20;

  private final Clock clock;
  private final Duration window;
  private final int examples;
  private volatile Trial trial;
  private volatile double trafficShare = 1;

  /** A candidate and its comparison since it was proposed. */
  private record Trial(RuleSet rules, String origin, Instant since, ShadowTally tally) {}

  public CandidateRules(Clock clock) {
    this(clock, DEFAULT_WINDOW, DEFAULT_EXAMPLES);
  }

  /**
   * @param window how far back a report looks (counted in whole minutes)
   * @param examples how many disagreeing trace IDs a report lists per kind
   */
  public CandidateRules(Clock clock, Duration window, int examples) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (window.toMinutes() < 1) {
      throw new IllegalArgumentException("window must be at least one minute, got " + window);
    }
    if (examples < 0) {
      throw new IllegalArgumentException("examples must not be negative, got " + examples);
    }
    this.window = window;
    this.examples = examples;
  }

  /**
   * Puts {@code rules} on trial from now on, in place of any earlier candidate, whose comparison
   * ends.
   *
   * @param origin where the rules came from, as a person reads it (a file's path, "uploaded")
   */
  public void propose(RuleSet rules, String origin) {
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(origin, "origin");
    rules.trafficShare(trafficShare);
    trial = new Trial(rules, origin, clock.instant(), new ShadowTally((int) window.toMinutes(), examples));
  }

  /** Ends the trial, if any. */
  public void withdraw() {
    trial = null;
  }

  /** The rules on trial. */
  public Optional<RuleSet> rules() {
    Trial current = trial;
    return current == null ? Optional.empty() : Optional.of(current.rules());
  }

  /** Where the rules on trial came from, as given to {@link #propose}. */
  public Optional<String> origin() {
    Trial current = trial;
    return current == null ? Optional.empty() : Optional.of(current.origin());
  }

  /**
   * The share of all traces this node sees, as the rules in force are told ({@link
   * RuleSet#trafficShare}), so a candidate's per-key targets are judged as they would run.
   */
  public void trafficShare(double fraction) {
    trafficShare = fraction;
    Trial current = trial;
    if (current != null) {
      current.rules().trafficShare(fraction);
    }
  }

  /**
   * Decides a trace by the candidate too, when there is one, and tallies both answers. Called by
   * the buffer that has just decided it by the rules in force, holding the trace.
   *
   * @param facts the trace's summary as the given rules read it (a summary only holds the
   *     attribute keys its own rules refer to)
   */
  public void compare(TraceId traceId, Decision live, Function<RuleSet, TraceFacts> facts) {
    Trial current = trial;
    if (current == null) {
      return;
    }
    Decision candidate = current.rules().decide(traceId, facts.apply(current.rules()));
    current.tally().add(traceId, live, candidate, clock.instant());
  }

  /** The comparison over the recent window; empty when no candidate is on trial. */
  public Optional<ShadowReport> report() {
    Trial current = trial;
    if (current == null) {
      return Optional.empty();
    }
    return Optional.of(current.tally().report(current.rules(), current.origin(), current.since(), clock.instant()));
  }
}
