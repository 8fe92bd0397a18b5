package io.tailkeep.ui.sampling;

import static io.tailkeep.ui.testing.TestServer.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.store.TraceId;
import io.tailkeep.ui.sampling.SamplingView.ActiveRules;
import io.tailkeep.ui.sampling.SamplingView.CandidateFileStatus;
import io.tailkeep.ui.sampling.SamplingView.CandidateState;
import io.tailkeep.ui.sampling.SamplingView.Comparison;
import io.tailkeep.ui.sampling.SamplingView.DisagreeingTrace;
import io.tailkeep.ui.sampling.SamplingView.Disagreement;
import io.tailkeep.ui.sampling.SamplingView.FileStatus;
import io.tailkeep.ui.sampling.SamplingView.Refusal;
import io.tailkeep.ui.sampling.SamplingView.RuleEffect;
import io.tailkeep.ui.sampling.SamplingView.RuleText;
import io.tailkeep.ui.sampling.SamplingView.TraceDecision;
import io.tailkeep.ui.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The candidate routes: the comparison as JSON, and every way a proposal is refused without a 500. */
class CandidateApiTest {

  private static final Instant NOW = Instant.parse("2026-11-22T10:30:00Z");
  private static final TraceId KEPT = TraceId.fromHex("0af7651916cd43dd8448eb211c80319c");
  private static final TraceId DROPPED = TraceId.fromHex("00000000000000000000000000c0ffee");

  private final CandidateView view = new CandidateView();
  private final TestServer server = TestServer.start(router -> SamplingApi.mount(router, view));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theComparisonShowsRatesRulesAndDisagreements() {
    view.comparison = new Comparison("/etc/tailkeep/candidate.yaml", "cd34" + "0".repeat(60),
        List.of(new RuleText("keep-errors", "Errors.", "all", List.of("error: true"), "keep: {}")),
        false, NOW.minusSeconds(1200), NOW.minusSeconds(900), NOW, 1800, 90, 45,
        List.of(new RuleEffect("keep-errors", 45, 0), new RuleEffect("default", 0, 1755)),
        new Disagreement(46, List.of(new DisagreeingTrace(KEPT, NOW.minusSeconds(5), "keep-slow", "default"))),
        new Disagreement(1, List.of(new DisagreeingTrace(DROPPED, NOW.minusSeconds(9), "default", "keep-errors"))));

    JsonObject body = json(server.get(SamplingApi.CANDIDATE_PATH), 200);

    assertThat(body.getBoolean("sampling")).isTrue();
    assertThat(body.getBoolean("active")).isTrue();
    assertThat(body.getString("origin")).isEqualTo("/etc/tailkeep/candidate.yaml");
    assertThat(body.getString("default")).isEqualTo("drop");
    assertThat(body.getJsonObject("window"))
        .isEqualTo(new JsonObject().put("from", "2026-11-22T10:15:00Z").put("to", "2026-11-22T10:30:00Z").put("seconds", 900.0));
    assertThat(body.getJsonObject("live"))
        .isEqualTo(new JsonObject().put("kept", 90).put("keptPerSecond", 0.1).put("keptFraction", 0.05));
    assertThat(body.getJsonObject("candidate"))
        .isEqualTo(new JsonObject().put("kept", 45).put("keptPerSecond", 0.05).put("keptFraction", 0.025));
    assertThat(body.getJsonArray("rules").getJsonObject(0))
        .isEqualTo(new JsonObject().put("name", "keep-errors").put("description", "Errors.").put("match", "all")
            .put("conditions", new JsonArray().add("error: true")).put("action", "keep: {}")
            .put("kept", 45).put("dropped", 0));
    assertThat(body.getJsonArray("rules").getJsonObject(1))
        .isEqualTo(new JsonObject().put("name", "default").put("kept", 0).put("dropped", 1755));
    JsonObject onlyLive = body.getJsonObject("disagreements").getJsonObject("keptOnlyLive");
    assertThat(onlyLive.getLong("traces")).isEqualTo(46);
    assertThat(onlyLive.getJsonArray("examples").getJsonObject(0))
        .isEqualTo(new JsonObject().put("traceId", KEPT.toHex()).put("decidedAt", "2026-11-22T10:29:55Z")
            .put("liveRule", "keep-slow").put("candidateRule", "default"));
    assertThat(body.getJsonObject("disagreements").getJsonObject("keptOnlyCandidate").getJsonArray("examples")
        .getJsonObject(0).getString("traceId")).isEqualTo(DROPPED.toHex());
    assertThat(body.getJsonObject("file"))
        .isEqualTo(new JsonObject().put("path", "/etc/tailkeep/candidate.yaml").put("present", true));
  }

  @Test
  void withoutACandidateTheFilesRefusalShows() {
    view.fileRefusal = Optional.of(new Refusal(NOW, List.of("/etc/tailkeep/candidate.yaml:2:3: unknown key 'rulez'")));

    JsonObject body = json(server.get(SamplingApi.CANDIDATE_PATH), 200);

    assertThat(body.getBoolean("active")).isFalse();
    assertThat(body.containsKey("traces")).isFalse();
    assertThat(body.getJsonObject("file").getJsonObject("refused").getJsonArray("errors").getString(0))
        .contains("unknown key 'rulez'");
  }

  @Test
  void aProposalIsPutOnTrialOrRefusedWithEveryProblem() {
    JsonObject refused = json(put("rules:\n  - name: x\n    keep: {percent: 250}\n"), 400).getJsonObject("error");
    assertThat(refused.getString("message")).startsWith("the candidate rules were refused: 1 problem");
    assertThat(refused.getJsonArray("errors").getString(0)).isEqualTo("uploaded:3:11: percent out of range");

    JsonObject accepted = json(put("rules: []\n"), 200);
    assertThat(view.proposed).containsExactly("rules: []\n");
    assertThat(accepted.getBoolean("active")).isTrue();

    JsonObject withdrawn = json(server.send(HttpMethod.DELETE, SamplingApi.CANDIDATE_PATH, null), 200);
    assertThat(withdrawn.getBoolean("active")).isFalse();
  }

  @Test
  void anEmptyOrNonUtf8BodyIsRefusedSayingWhy() {
    assertThat(json(server.send(HttpMethod.PUT, SamplingApi.CANDIDATE_PATH, null), 400)
        .getJsonObject("error").getString("message")).contains("the request body is empty");
    assertThat(json(server.send(HttpMethod.PUT, SamplingApi.CANDIDATE_PATH, new byte[] {'a', (byte) 0xff}), 400)
        .getJsonObject("error").getString("message")).contains("UTF-8");
    assertThat(view.proposed).isEmpty();
  }

  @Test
  void aNodeWithoutASamplerSaysSoWith409() {
    view.sampling = false;
    assertThat(json(server.get(SamplingApi.CANDIDATE_PATH), 200).getBoolean("sampling")).isFalse();
    assertThat(json(put("rules: []\n"), 409).getJsonObject("error").getString("message"))
        .contains("this node runs no sampler");
    assertThat(json(server.send(HttpMethod.DELETE, SamplingApi.CANDIDATE_PATH, null), 409)
        .getJsonObject("error").getString("message")).contains("this node runs no sampler");
  }

  private HttpResponse<Buffer> put(String text) {
    return server.send(HttpMethod.PUT, SamplingApi.CANDIDATE_PATH, text.getBytes(UTF_8));
  }

  /** A sampler node's candidate as the API sees it; a node without a sampler when {@code sampling} is false. */
  private static final class CandidateView implements SamplingView {
    volatile boolean sampling = true;
    volatile Comparison comparison;
    volatile Optional<Refusal> fileRefusal = Optional.empty();
    final List<String> proposed = new ArrayList<>();

    @Override
    public CandidateState candidate() {
      if (!sampling) {
        return CandidateState.NONE;
      }
      return new CandidateState(true, Optional.ofNullable(comparison),
          Optional.of(new CandidateFileStatus("/etc/tailkeep/candidate.yaml", true, fileRefusal)));
    }

    @Override
    public List<String> proposeCandidate(String rulesText) {
      if (!sampling) {
        return SamplingView.super.proposeCandidate(rulesText);
      }
      if (rulesText.contains("percent: 250")) {
        return List.of("uploaded:3:11: percent out of range");
      }
      proposed.add(rulesText);
      comparison = new Comparison("uploaded", "0".repeat(64), List.of(), false, NOW, NOW, NOW, 0, 0, 0,
          List.of(new RuleEffect("default", 0, 0)), new Disagreement(0, List.of()), new Disagreement(0, List.of()));
      return List.of();
    }

    @Override
    public void withdrawCandidate() {
      if (!sampling) {
        SamplingView.super.withdrawCandidate();
      }
      comparison = null;
    }

    @Override
    public ActiveRules rules() {
      return new ActiveRules("rules.yaml", "0".repeat(64), List.of(), "default", false);
    }

    @Override
    public Optional<FileStatus> rulesStatus() {
      return Optional.empty();
    }

    @Override
    public CompletionStage<Optional<TraceDecision>> why(TraceId traceId) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public Map<String, Long> keptByRule() {
      return Map.of();
    }

    @Override
    public Map<String, Long> droppedByRule() {
      return Map.of();
    }
  }
}
