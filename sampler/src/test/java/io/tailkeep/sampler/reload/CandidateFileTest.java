package io.tailkeep.sampler.reload;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.shadow.CandidateRules;
import io.tailkeep.sampler.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The candidate file puts its rules on trial as it changes; it may be missing, and a bad version is refused. */
class CandidateFileTest {

  @TempDir Path dir;

  private final TestClock clock = new TestClock();
  private final CandidateRules candidate = new CandidateRules(clock);

  @Test
  void aMissingFileIsNoCandidateAndAWrittenOneGoesOnTrial() throws Exception {
    Path file = dir.resolve("candidate.yaml");
    CandidateFile watched = CandidateFile.watch(file, candidate, clock, clock);
    assertThat(candidate.rules()).isEmpty();
    assertThat(watched.status().present()).isFalse();
    assertThat(watched.status().refused()).isEmpty();

    Files.writeString(file, RulesReloaderTest.ERRORS_ONLY, UTF_8);
    watched.checkNow();
    assertThat(candidate.rules()).hasValueSatisfying(
        rules -> assertThat(rules.ruleNames()).containsExactly("keep-errors"));
    assertThat(candidate.origin()).contains(file.toString());
    assertThat(watched.status().present()).isTrue();
  }

  @Test
  void aBadEditIsRefusedAndTheCandidateOnTrialStays() throws Exception {
    Path file = Files.writeString(dir.resolve("candidate.yaml"), RulesReloaderTest.ERRORS_ONLY, UTF_8);
    CandidateFile watched = CandidateFile.watch(file, candidate, clock, clock);
    String version = candidate.rules().orElseThrow().version();

    Files.writeString(file, "rules:\n  - name: x\n    keep: {percent: 200}\n", UTF_8);
    watched.checkNow();
    assertThat(candidate.rules().orElseThrow().version()).isEqualTo(version);
    assertThat(watched.status().refused()).hasValueSatisfying(
        error -> assertThat(String.join("\n", error.errors())).contains("candidate.yaml").contains("percent"));

    Files.writeString(file, RulesReloaderTest.ERRORS_ONLY + "default: keep\n", UTF_8);
    watched.checkNow();
    assertThat(watched.status().refused()).isEmpty();
    assertThat(candidate.rules().orElseThrow().keepsByDefault()).isTrue();
  }

  @Test
  void deletingTheFileEndsItsTrialButNotAnUploadedCandidates() throws Exception {
    Path file = Files.writeString(dir.resolve("candidate.yaml"), RulesReloaderTest.ERRORS_ONLY, UTF_8);
    CandidateFile watched = CandidateFile.watch(file, candidate, clock, clock);
    Files.delete(file);
    watched.checkNow();
    assertThat(candidate.rules()).isEmpty();

    Files.writeString(file, RulesReloaderTest.ERRORS_ONLY, UTF_8);
    watched.checkNow();
    candidate.propose(RulesFile.parse("uploaded", RulesReloaderTest.ERRORS_ONLY, clock), "uploaded");
    Files.delete(file);
    watched.checkNow();
    assertThat(candidate.origin()).contains("uploaded");
  }
}
