package io.tailkeep.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * One sampling decision, keep or drop, as the {@link DecisionLog} stores it: what the sampler's
 * decision cache remembers of a trace, plus the node that decided and the rules it decided by.
 *
 * @param keep whether the trace was kept
 * @param rule the rule that decided, or the sampler's name for its default
 * @param probability the probability the rule keeps with, in [0, 1]; above 0 when kept (0 for a
 *     drop by a rule that keeps nothing)
 * @param rateLimited whether the rule would have kept the trace but its rate limit refused
 * @param reason what made the sampler decide when it did (the name of its {@code DecisionReason})
 * @param rulesVersion which version of the rules file decided
 * @param decidedAt when, by the deciding node's wall clock: decisions of different nodes are
 *     compared by it ({@link #FIRST_DECIDED}), so it must not be a per-process ticker
 * @param node the sampler node that decided
 * @param spansDecided how many spans the decision was made on
 */
public record StoredDecision(
    TraceId traceId,
    boolean keep,
    String rule,
    double probability,
    boolean rateLimited,
    String reason,
    String rulesVersion,
    Instant decidedAt,
    String node,
    int spansDecided) {

  /** Longest rule or node name, in characters; a rules file should refuse longer rule names. */
  public static final int MAX_NAME_LENGTH = 256;

  /** Decisions are stored as epoch nanoseconds, which a long holds until 2262. */
  private static final Instant EARLIEST = Instant.EPOCH;
  private static final Instant LATEST = Instant.ofEpochSecond(0, Long.MAX_VALUE);

  /**
   * Which of two decisions of a trace is its answer: the one decided first, by {@link #decidedAt};
   * at the same instant the one whose node sorts first as UTF-8 bytes (as Cassandra orders text).
   */
  public static final Comparator<StoredDecision> FIRST_DECIDED =
      Comparator.comparing(StoredDecision::decidedAt)
          .thenComparing(
              (a, b) ->
                  Arrays.compareUnsigned(
                      a.node.getBytes(StandardCharsets.UTF_8), b.node.getBytes(StandardCharsets.UTF_8)));

  public StoredDecision {
    Objects.requireNonNull(traceId, "traceId");
    SamplingNames.check(rule, "rule");
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
    }
    if (keep && probability == 0) {
      throw new IllegalArgumentException("probability of a kept trace must be above 0, got 0");
    }
    requireText(reason, "reason");
    requireText(rulesVersion, "rulesVersion");
    Objects.requireNonNull(decidedAt, "decidedAt");
    if (decidedAt.isBefore(EARLIEST) || decidedAt.isAfter(LATEST)) {
      throw new IllegalArgumentException(
          "decidedAt must be between " + EARLIEST + " and " + LATEST + ", got " + decidedAt);
    }
    SamplingNames.check(node, "node");
    if (spansDecided < 0) {
      throw new IllegalArgumentException("spansDecided must not be negative, got " + spansDecided);
    }
  }

  private static void requireText(String value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }
}
