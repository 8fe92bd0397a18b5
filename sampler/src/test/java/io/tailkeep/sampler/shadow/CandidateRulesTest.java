package io.tailkeep.sampler.shadow;

import static io.tailkeep.store.testing.TestSpans.child;
import static io.tailkeep.store.testing.TestSpans.root;
import static io.tailkeep.store.testing.TestSpans.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.sampler.shadow.ShadowReport.Example;
import io.tailkeep.sampler.shadow.ShadowReport.RuleEffect;
import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A candidate decides beside the rules in force over known traffic: its diff is exact and it never acts. */
class CandidateRulesTest {

  static final String LIVE =
      """
      rules:
        - name: keep-errors
          conditions: [{error: true}]
          keep: {}
        - name: keep-admin
          conditions: [{attribute: {key: http.route, prefix: /admin}}]
          keep: {}
      """;

  /** Reads an attribute ({@code tenant}, on a child span) that the live rules do not track. */
  static final String CANDIDATE =
      """
      rules:
        - name: keep-errors
          conditions: [{error: true}]
          keep: {}
        - name: keep-slow
          conditions: [{duration: {of: root, gte: 500ms}}]
          keep: {}
        - name: keep-tenants
          conditions: [{attribute: {key: tenant, exists: true}}]
          keep: {}
      """;

  private final TestClock clock = new TestClock(Instant.parse("2026-03-04T10:00:05Z"));
  private final List<SpanBatch> stored = new ArrayList<>();

  /** What the test sent, by what should become of it. */
  private final List<TraceId> errors = new ArrayList<>();
  private final List<TraceId> admin = new ArrayList<>();
  private final List<TraceId> slow = new ArrayList<>();
  private final List<TraceId> tenants = new ArrayList<>();
  private final List<TraceId> plain = new ArrayList<>();

  @Test
  void theDiffAgainstKnownTrafficIsExactAndTheCandidateNeverActs() throws RulesFileException {
    CandidateRules candidate = new CandidateRules(clock);
    candidate.propose(rules(CANDIDATE), "candidate.yaml");
    TraceBuffer buffer = buffer(candidate);

    sendKnownTraffic(buffer);

    // The rules in force decided alone: the stored traces are theirs.
    assertThat(stored.stream().map(SpanBatch::traceId).collect(Collectors.toSet()))
        .isEqualTo(union(errors, admin));
    ShadowReport report = candidate.report().orElseThrow();
    assertThat(report.origin()).isEqualTo("candidate.yaml");
    assertThat(report.version()).isEqualTo(rules(CANDIDATE).version());
    assertThat(report.traces()).isEqualTo(40);
    assertThat(report.keptLive()).isEqualTo(errors.size() + admin.size());
    assertThat(report.keptCandidate()).isEqualTo(errors.size() + slow.size() + tenants.size());
    assertThat(report.byRule()).containsExactly(
        new RuleEffect("keep-errors", 5, 0),
        new RuleEffect("keep-slow", 4, 0),
        new RuleEffect("keep-tenants", 3, 0),
        new RuleEffect("default", 0, 28));
    assertThat(report.keptOnlyLive().traces()).isEqualTo(6);
    assertThat(report.keptOnlyLive().examples()).extracting(Example::traceId)
        .containsExactlyInAnyOrderElementsOf(admin);
    assertThat(report.keptOnlyLive().examples())
        .allSatisfy(example -> {
          assertThat(example.liveRule()).isEqualTo("keep-admin");
          assertThat(example.candidateRule()).isEqualTo("default");
        });
    assertThat(report.keptOnlyCandidate().traces()).isEqualTo(7);
    assertThat(report.keptOnlyCandidate().examples()).extracting(Example::traceId)
        .containsExactlyInAnyOrderElementsOf(union(slow, tenants));
    assertThat(report.keptOnlyCandidate().examples()).extracting(Example::candidateRule)
        .containsOnly("keep-slow", "keep-tenants");
    assertThat(report.since()).isEqualTo(Instant.parse("2026-03-04T10:00:05Z"));
    assertThat(report.from()).isEqualTo(report.since());
  }

  @Test
  void examplesAreTheNewestAndTheWindowForgetsOldMinutes() throws RulesFileException {
    CandidateRules candidate = new CandidateRules(clock, Duration.ofMinutes(15), 3);
    candidate.propose(rules(CANDIDATE), "uploaded");
    TraceBuffer buffer = buffer(candidate);
    for (int i = 0; i < 6; i++) {
      TraceId trace = traceId(100 + i);
      buffer.offer(List.of(root(trace).attribute("http.route", "/admin/users").build()));
      clock.advance(Duration.ofSeconds(3));
      buffer.decideDue();
    }
    ShadowReport report = candidate.report().orElseThrow();
    assertThat(report.keptOnlyLive().traces()).isEqualTo(6);
    assertThat(report.keptOnlyLive().examples()).extracting(Example::traceId)
        .containsExactly(traceId(105), traceId(104), traceId(103));

    clock.advance(Duration.ofMinutes(16));
    ShadowReport later = candidate.report().orElseThrow();
    assertThat(later.traces()).isZero();
    assertThat(later.keptOnlyLive().traces()).isZero();
    assertThat(later.keptOnlyLive().examples()).isEmpty();
    assertThat(later.from()).isAfter(report.to());
  }

  @Test
  void aNewCandidateStartsAFreshComparisonAndWithdrawingEndsIt() throws RulesFileException {
    CandidateRules candidate = new CandidateRules(clock);
    TraceBuffer buffer = buffer(candidate);
    assertThat(candidate.report()).isEmpty();
    sendKnownTraffic(buffer); // no candidate yet: nothing compared

    candidate.propose(rules(CANDIDATE), "candidate.yaml");
    assertThat(candidate.report().orElseThrow().traces()).isZero();
    TraceId trace = traceId(500);
    buffer.offer(List.of(root(trace).millis(900).build()));
    clock.advance(Duration.ofSeconds(3));
    buffer.decideDue();
    assertThat(candidate.report().orElseThrow().keptOnlyCandidate().examples())
        .extracting(Example::traceId).containsExactly(trace);

    candidate.propose(rules(LIVE), "uploaded");
    assertThat(candidate.report().orElseThrow().traces()).isZero();
    assertThat(candidate.origin()).contains("uploaded");

    candidate.withdraw();
    assertThat(candidate.report()).isEmpty();
    assertThat(candidate.rules()).isEmpty();
  }

  private void sendKnownTraffic(TraceBuffer buffer) {
    int n = 0;
    for (int i = 0; i < 5; i++) {
      TraceId trace = traceId(n++);
      errors.add(trace);
      buffer.offer(List.of(root(trace).error().build()));
    }
    for (int i = 0; i < 6; i++) {
      TraceId trace = traceId(n++);
      admin.add(trace);
      buffer.offer(List.of(root(trace).attribute("http.route", "/admin/users").build()));
    }
    for (int i = 0; i < 4; i++) {
      TraceId trace = traceId(n++);
      slow.add(trace);
      buffer.offer(List.of(root(trace).millis(800).build()));
    }
    for (int i = 0; i < 3; i++) {
      TraceId trace = traceId(n++);
      tenants.add(trace);
      List<WireSpan> spans = List.of(root(trace).build(), child(trace).attribute("tenant", "acme").build());
      buffer.offer(spans);
    }
    for (int i = 0; i < 22; i++) {
      TraceId trace = traceId(n++);
      plain.add(trace);
      buffer.offer(List.of(root(trace).attribute("http.route", "/cart").build()));
    }
    clock.advance(Duration.ofSeconds(3));
    assertThat(buffer.decideDue()).isEqualTo(40);
  }

  private TraceBuffer buffer(CandidateRules candidate) throws RulesFileException {
    return TraceBuffer.builder()
        .rules(rules(LIVE))
        .candidate(candidate)
        .sink(stored::add)
        .ticker(clock)
        .clock(clock)
        .executor(Runnable::run)
        .build();
  }

  private RuleSet rules(String text) throws RulesFileException {
    return RulesFile.parse("rules.yaml", text, clock);
  }

  private static Set<TraceId> union(List<TraceId> a, List<TraceId> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet());
  }
}
