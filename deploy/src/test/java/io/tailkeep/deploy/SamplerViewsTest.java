package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.buffer.DecisionReason;
import io.tailkeep.sampler.buffer.DecisionRecord;
import io.tailkeep.sampler.keptqueue.DeadLetters;
import io.tailkeep.sampler.reload.RulesStatus;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.StoredDecision;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.testing.TestSpans;
import io.tailkeep.ui.sampling.SamplingView.ActiveRules;
import io.tailkeep.ui.sampling.SamplingView.DeadLetter;
import io.tailkeep.ui.sampling.SamplingView.DeadLetterList;
import io.tailkeep.ui.sampling.SamplingView.FileStatus;
import io.tailkeep.ui.sampling.SamplingView.Refusal;
import io.tailkeep.ui.sampling.SamplingView.RuleText;
import io.tailkeep.ui.sampling.SamplingView.TraceDecision;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampler's state as the sampling API receives it, from the sampler's real parts. */
class SamplerViewsTest {

  private static final Instant DECIDED = Instant.parse("2026-11-22T10:15:30.123Z");
  private static final TraceId TRACE = TraceId.fromHex("0af7651916cd43dd8448eb211c80319c");

  @Test
  void theRulesInForceAreTheRuleSetsNamesInFileOrderAndItsDefault() {
    ActiveRules rules = SamplerViews.activeRules(RulesFile.loadDefault());

    assertThat(rules.ruleNames()).isEqualTo(RulesFile.loadDefault().ruleNames()).startsWith("keep-errors");
    assertThat(rules.version()).isEqualTo(RulesFile.loadDefault().version());
    assertThat(rules.rules().get(0))
        .isEqualTo(new RuleText("keep-errors",
            "Every trace with a span in error status or an HTTP server status >= 500.", "all",
            List.of("error: true"), "keep: {}"));
    assertThat(rules.defaultRule()).isEqualTo("default");
    assertThat(rules.keepsByDefault()).isFalse();
    assertThat(rules.source()).isEqualTo(RulesFile.loadDefault().source());
  }

  @Test
  void aRefusedRulesFileKeepsItsErrors() {
    RulesStatus status = new RulesStatus(Path.of("/etc/tailkeep/rules.yaml"), "ab12", DECIDED,
        List.of("keep-errors"), 2, 1,
        Optional.of(new RulesStatus.ReloadError(DECIDED.plusSeconds(60), List.of("rules.yaml:4:21: bad"))),
        true);

    assertThat(SamplerViews.fileStatus(status))
        .isEqualTo(new FileStatus("/etc/tailkeep/rules.yaml", "ab12", DECIDED, 2, 1, true,
            Optional.of(new Refusal(DECIDED.plusSeconds(60), List.of("rules.yaml:4:21: bad")))));
  }

  @Test
  void aDecisionShowsItsReasonInLowerCaseFromTheCacheOrTheLog() {
    DecisionRecord cached =
        new DecisionRecord(TRACE, true, "baseline-uploads", 0.1, false, DecisionReason.ROOT_GRACE, DECIDED, 12, 3, "ab12");
    assertThat(SamplerViews.decision(cached))
        .isEqualTo(new TraceDecision(TRACE, true, "baseline-uploads", 0.1, false, "root_grace", DECIDED, 12, 3, "ab12"));

    // A reason this node's version does not know (a newer node wrote it) shows as written.
    StoredDecision logged = new StoredDecision(TRACE, false, "drop-health-checks", 0, false,
        "SOME_NEWER_REASON", "ab12", DECIDED, "sampler-2", 4);
    assertThat(SamplerViews.decision(logged))
        .isEqualTo(new TraceDecision(TRACE, false, "drop-health-checks", 0, false, "some_newer_reason", DECIDED, 4, 0, "ab12"));
  }

  @Test
  void deadLettersListTheRefusedBatchesNewestFirst(@TempDir Path directory) throws IOException {
    TestClock clock = new TestClock(DECIDED);
    DeadLetters letters = DeadLetters.open(directory, 1L << 20, clock);
    TestSpans spans = new TestSpans(3);
    TraceId first = spans.newTraceId();
    TraceId second = spans.newTraceId();
    letters.add(SpanBatch.of(spans.trace(first, "checkout", "GET /cart", 1_000_000L, 5_000_000L, 3),
        new Sampling("keep-errors", 1.0)), "invalid request: Key length of 70000 is longer than maximum of 65535");
    clock.advance(Duration.ofSeconds(5));
    letters.add(SpanBatch.of(spans.trace(second, "checkout", "GET /cart", 1_000_000L, 5_000_000L, 1),
        new Sampling("keep-errors", 1.0)), "span too large: CQL Message of size 17825862 bytes exceeds allowed maximum of 16777216 bytes");

    DeadLetterList list = SamplerViews.deadLetterList(letters);

    assertThat(list.directory()).isEqualTo(directory.toString());
    assertThat(list.keptBytes()).isEqualTo(letters.keptBytes()).isPositive();
    assertThat(list.maxBytes()).isEqualTo(1L << 20);
    assertThat(list.removed()).isZero();
    assertThat(list.entries()).hasSize(2);
    DeadLetter newest = list.entries().get(0);
    assertThat(newest.traceId()).isEqualTo(second);
    assertThat(newest.time()).isEqualTo(DECIDED.plusSeconds(5));
    assertThat(newest.reason()).startsWith("span too large: CQL Message of size");
    assertThat(newest.spans()).isEqualTo(1);
    assertThat(newest.bytes()).isPositive();
    assertThat(directory.resolve(newest.file())).exists();
    DeadLetter oldest = list.entries().get(1);
    assertThat(oldest.traceId()).isEqualTo(first);
    assertThat(oldest.spans()).isEqualTo(3);
  }
}
