package io.tailkeep.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {

  @Test
  void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
    assertThat(DidYouMean.editDistance("", "")).isZero();
    assertThat(DidYouMean.editDistance("match", "match")).isZero();
    assertThat(DidYouMean.editDistance("macth", "match")).isEqualTo(2);
    assertThat(DidYouMean.editDistance("equal", "equals")).isEqualTo(1);
    assertThat(DidYouMean.editDistance("", "abc")).isEqualTo(3);
    assertThat(DidYouMean.editDistance("kitten", "sitting")).isEqualTo(3);
  }

  @Test
  void aCloseSpellingIsSuggested() {
    assertThat(DidYouMean.closest("macth", List.of("name", "match", "keep"))).contains("match");
    assertThat(DidYouMean.closest("server.grcp_port", List.of("server.grpc_port", "server.host")))
        .contains("server.grpc_port");
  }

  @Test
  void aWordThatExtendsOrBeginsACandidateIsSuggested() {
    assertThat(DidYouMean.closest("percentage", List.of("percent", "max_traces_per_second")))
        .contains("percent");
    assertThat(DidYouMean.closest("errors", List.of("error", "duration"))).contains("error");
    assertThat(DidYouMean.closest("dur", List.of("error", "duration"))).contains("duration");
  }

  @Test
  void theClosestOfSeveralWinsAndTheFirstOnATie() {
    assertThat(DidYouMean.closest("lte", List.of("gt", "gte", "lt", "lte"))).contains("lte");
    assertThat(DidYouMean.closest("ltx", List.of("gt", "gte", "lt", "lte"))).contains("lt");
  }

  @Test
  void nothingIsSuggestedForAWordFarFromEveryCandidate() {
    assertThat(DidYouMean.closest("samplr", List.of("sampler.grace_period", "server.grpc_port")))
        .isEmpty();
    // Two edits are too many for a two-letter word.
    assertThat(DidYouMean.closest("xy", List.of("gt", "in"))).isEmpty();
    assertThat(DidYouMean.closest("anything", List.of())).isEmpty();
  }
}
