package io.tailkeep.ui.sampling;

import static io.tailkeep.ui.testing.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.sampler.testing.TestClock;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.testing.TestSpans;
import io.tailkeep.ui.sampling.SamplingView.ActiveRules;
import io.tailkeep.ui.sampling.SamplingView.DeadLetter;
import io.tailkeep.ui.sampling.SamplingView.DeadLetterList;
import io.tailkeep.ui.sampling.SamplingView.FileStatus;
import io.tailkeep.ui.sampling.SamplingView.Refusal;
import io.tailkeep.ui.sampling.SamplingView.RuleText;
import io.tailkeep.ui.sampling.SamplingView.TraceDecision;
import io.tailkeep.ui.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SamplingApiTest {

  private static final TraceId KEPT = TraceId.fromHex("0af7651916cd43dd8448eb211c80319c");
  private static final Instant DECIDED = Instant.parse("2026-11-22T10:15:30.123Z");
  private static final String VERSION = "9f2c4e8a1b3d5f7091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";

  private final FakeView view = new FakeView();
  private final TestServer server = TestServer.start(router -> SamplingApi.mount(router, view));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void rulesListEveryRuleInFileOrderWithWhatItKeptAndDropped() {
    view.kept = Map.of("keep-errors", 7L, "baseline-uploads", 2L, "an-old-rule", 1L);
    view.dropped = Map.of("drop-health-checks", 40L, "baseline-uploads", 18L, "default", 3L);

    JsonObject body = json(server.get(SamplingApi.RULES_PATH), 200);

    assertThat(body.getString("default")).isEqualTo("drop");
    JsonArray rules = body.getJsonArray("rules");
    List<String> names = rules.stream().map(r -> ((JsonObject) r).getString("name")).toList();
    List<String> expected = new ArrayList<>(view.rules.ruleNames());
    expected.add("default");
    expected.add("an-old-rule");
    assertThat(names).isEqualTo(expected);
    assertThat(rule(rules, "keep-errors"))
        .isEqualTo(
            new JsonObject()
                .put("name", "keep-errors")
                .put("active", true)
                .put("description", "Every trace with an error.")
                .put("match", "all")
                .put("conditions", new JsonArray().add("error: true"))
                .put("action", "keep: {}")
                .put("kept", 7)
                .put("dropped", 0));
    assertThat(rule(rules, "an-old-rule").containsKey("conditions")).as("a rule no longer in the file").isFalse();
    assertThat(body.getString("version")).isEqualTo(VERSION);
    assertThat(rule(rules, "baseline-uploads").getLong("kept")).isEqualTo(2);
    assertThat(rule(rules, "baseline-uploads").getLong("dropped")).isEqualTo(18);
    assertThat(rule(rules, "default").getLong("dropped")).isEqualTo(3);
    assertThat(rule(rules, "an-old-rule").getBoolean("active")).isFalse();
    assertThat(body.containsKey("file")).isFalse();
  }

  @Test
  void withRecentCountsEachRuleShowsWhatItDidInTheWindow() {
    TestClock clock = new TestClock(DECIDED);
    RecentRuleCounts recent = new RecentRuleCounts(view, clock, Duration.ofSeconds(10), 6);
    view.kept = Map.of("keep-errors", 7L);
    recent.sample();
    clock.advance(Duration.ofSeconds(10));
    view.kept = Map.of("keep-errors", 9L);
    view.dropped = Map.of("default", 5L);
    recent.sample();
    try (TestServer withRecent =
        TestServer.start(router -> SamplingApi.mount(router, view, recent))) {
      JsonObject body = json(withRecent.get(SamplingApi.RULES_PATH), 200);

      assertThat(body.getJsonObject("recent"))
          .isEqualTo(
              new JsonObject()
                  .put("from", "2026-11-22T10:15:30.123Z")
                  .put("to", "2026-11-22T10:15:40.123Z")
                  .put("stepSeconds", 10.0));
      JsonArray rules = body.getJsonArray("rules");
      assertThat(rule(rules, "keep-errors").getLong("kept")).isEqualTo(9);
      assertThat(rule(rules, "keep-errors").getJsonObject("recent"))
          .isEqualTo(
              new JsonObject()
                  .put("kept", 2L)
                  .put("dropped", 0L)
                  .put("keptSteps", new JsonArray().add(2L))
                  .put("droppedSteps", new JsonArray().add(0L)));
      assertThat(rule(rules, "default").getJsonObject("recent").getLong("dropped")).isEqualTo(5);
      // A rule that did nothing in the window still has its (empty) recent counts.
      assertThat(rule(rules, "drop-health-checks").getJsonObject("recent").getLong("kept")).isZero();
    }
    assertThat(json(server.get(SamplingApi.RULES_PATH), 200).containsKey("recent")).isFalse();
  }

  @Test
  void aRefusedRulesFileShowsWithItsErrors() {
    view.status =
        Optional.of(
            new FileStatus(
                "/etc/tailkeep/rules.yaml",
                "ab12",
                DECIDED,
                2,
                1,
                true,
                Optional.of(
                    new Refusal(
                        DECIDED.plusSeconds(60),
                        List.of(
                            "/etc/tailkeep/rules.yaml:4:21:"
                                + " 'percent' must be between 0 and 100, got 150")))));

    JsonObject file = json(server.get(SamplingApi.RULES_PATH), 200).getJsonObject("file");

    assertThat(file.getString("path")).isEqualTo("/etc/tailkeep/rules.yaml");
    assertThat(file.getLong("reloads")).isEqualTo(2);
    assertThat(file.getLong("reloadErrors")).isEqualTo(1);
    assertThat(file.getBoolean("invalidOnDisk")).isTrue();
    assertThat(file.getJsonObject("lastError").getString("at"))
        .isEqualTo("2026-11-22T10:16:30.123Z");
    assertThat(file.getJsonObject("lastError").getJsonArray("errors").getString(0))
        .contains("rules.yaml:4:21").contains("percent");
  }

  @Test
  void whySaysWhichRuleDecidedWhenAndWithWhatProbability() {
    view.decision =
        new TraceDecision(KEPT, true, "baseline-uploads", 0.1, false, "root_grace", DECIDED, 12, 3, VERSION);

    JsonObject body = json(server.get("/api/v1/sampling/why/" + KEPT.toHex()), 200);

    assertThat(body)
        .isEqualTo(
            new JsonObject()
                .put("traceId", KEPT.toHex())
                .put("decision", "kept")
                .put("rule", "baseline-uploads")
                .put("probability", 0.1)
                .put("adjustedCount", 10.0)
                .put("rateLimited", false)
                .put("reason", "root_grace")
                .put("decidedAt", "2026-11-22T10:15:30.123Z")
                .put("spansDecided", 12)
                .put("lateSpans", 3)
                .put("rulesVersion", VERSION));
  }

  @Test
  void aDroppedTraceHasNoAdjustedCount() {
    view.decision =
        new TraceDecision(KEPT, false, "drop-health-checks", 0, false, "idle_timeout", DECIDED, 1, 0, VERSION);

    JsonObject body = json(server.get("/api/v1/sampling/why/" + KEPT.toHex()), 200);

    assertThat(body.getString("decision")).isEqualTo("dropped");
    assertThat(body.getDouble("adjustedCount")).isZero();
  }

  @Test
  void anUnknownTraceIs404AndABadIdIs400NamingIt() {
    JsonObject unknown =
        json(server.get("/api/v1/sampling/why/" + KEPT.toHex()), 404).getJsonObject("error");
    assertThat(unknown.getString("parameter")).isEqualTo("traceId");
    assertThat(unknown.getString("message"))
        .startsWith("no recent decision for trace " + KEPT.toHex());

    JsonObject bad =
        json(server.get("/api/v1/sampling/why/not-a-trace"), 400).getJsonObject("error");
    assertThat(bad.getString("parameter")).isEqualTo("traceId");
    assertThat(bad.getString("value")).isEqualTo("not-a-trace");
    assertThat(bad.getString("message"))
        .isEqualTo("traceId must be 32 hex characters, got 'not-a-trace'");
  }

  @Test
  void aDecisionLogThatCannotBeReadIs503NotA500() {
    view.failure = new IllegalStateException("Cassandra unreachable");

    JsonObject error = json(server.get("/api/v1/sampling/why/" + KEPT.toHex()), 503).getJsonObject("error");

    assertThat(error.getString("message"))
        .isEqualTo("the decision log cannot be read now; try again: Cassandra unreachable");
  }

  @Test
  void partitionsOffKafkaSayKafkaFalse() {
    assertThat(json(server.get(SamplingApi.PARTITIONS_PATH), 200)).isEqualTo(new JsonObject().put("kafka", false));
  }

  @Test
  void partitionsOnKafkaListEachPartitionsOwnerAndLagAndEachNodesTotal() {
    view.owners = CompletableFuture.completedFuture(Optional.of(new PartitionOwners(
        "tailkeep-spans", "tailkeep-samplers", "Stable", DECIDED,
        List.of(
            new PartitionOwners.Partition(0, Optional.of(new PartitionOwners.Owner("sampler-1", "sampler-1-0")),
                OptionalLong.of(120), 130, 10),
            new PartitionOwners.Partition(1, Optional.empty(), OptionalLong.empty(), 40, 40)),
        List.of(new PartitionOwners.Node("sampler-1", 1, 10)))));

    JsonObject body = json(server.get(SamplingApi.PARTITIONS_PATH), 200);

    assertThat(body).isEqualTo(new JsonObject()
        .put("kafka", true)
        .put("topic", "tailkeep-spans")
        .put("group", "tailkeep-samplers")
        .put("state", "Stable")
        .put("readAt", "2026-11-22T10:15:30.123Z")
        .put("partitions", new JsonArray()
            .add(new JsonObject().put("partition", 0).put("node", "sampler-1").put("consumer", "sampler-1-0")
                .put("committedOffset", 120).put("endOffset", 130).put("lag", 10))
            .add(new JsonObject().put("partition", 1).putNull("node").putNull("consumer")
                .putNull("committedOffset").put("endOffset", 40).put("lag", 40)))
        .put("nodes", new JsonArray()
            .add(new JsonObject().put("node", "sampler-1").put("partitions", 1).put("lag", 10))));
  }

  @Test
  void partitionsWhenKafkaCannotBeReadAre503NamingWhyNeverA500() {
    String why = "Kafka at kafka-1:9092: cannot read the members of group tailkeep-samplers: no answer within 5000 ms";
    // As a dependent stage fails: the cause wrapped in a CompletionException.
    view.owners = CompletableFuture.<Optional<PartitionOwners>>failedFuture(new IllegalStateException(why))
        .thenApply(owners -> owners);

    JsonObject error = json(server.get(SamplingApi.PARTITIONS_PATH), 503).getJsonObject("error");

    assertThat(error).isEqualTo(new JsonObject()
        .put("status", 503)
        .put("message", "the partitions' owners cannot be read from Kafka now; try again: " + why));

    view.ownersThrows = new IllegalStateException("group status closed");
    assertThat(json(server.get(SamplingApi.PARTITIONS_PATH), 503).getJsonObject("error").getString("message"))
        .endsWith("try again: group status closed");
  }

  private static JsonObject rule(JsonArray rules, String name) {
    return rules.stream()
        .map(JsonObject.class::cast)
        .filter(rule -> rule.getString("name").equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void deadLettersListTheRefusedBatchesNewestFirst() {
    TestSpans spans = new TestSpans(3);
    TraceId first = spans.newTraceId();
    TraceId second = spans.newTraceId();
    // As the sampler's dead letters list them: newest first (deploy's SamplerViewsTest reads real ones).
    DeadLetterList letters = new DeadLetterList("/var/lib/tailkeep/dead-letters", List.of(
        new DeadLetter("20261122T101535.123Z-" + second.toHex() + ".otlp", second, DECIDED.plusSeconds(5),
            "span too large: CQL Message of size 17825862 bytes exceeds allowed maximum of 16777216 bytes", 1, 310),
        new DeadLetter("20261122T101530.123Z-" + first.toHex() + ".otlp", first, DECIDED,
            "invalid request: Key length of 70000 is longer than maximum of 65535", 3, 930)),
        1_240, 1L << 20, 0);
    view.deadLetters = letters;

    JsonObject body = json(server.get(SamplingApi.DEAD_LETTERS_PATH), 200);

    assertThat(body.getBoolean("enabled")).isTrue();
    assertThat(body.getString("directory")).isEqualTo("/var/lib/tailkeep/dead-letters");
    assertThat(body.getInteger("total")).isEqualTo(2);
    assertThat(body.getLong("totalBytes")).isEqualTo(1_240);
    assertThat(body.getLong("maxBytes")).isEqualTo(1L << 20);
    assertThat(body.getLong("removed")).isZero();
    JsonArray entries = body.getJsonArray("entries");
    assertThat(entries).hasSize(2);
    JsonObject newest = entries.getJsonObject(0);
    assertThat(newest.getString("traceId")).isEqualTo(second.toHex());
    assertThat(newest.getString("time")).isEqualTo("2026-11-22T10:15:35.123Z");
    assertThat(newest.getString("reason")).startsWith("span too large: CQL Message of size");
    assertThat(newest.getInteger("spans")).isEqualTo(1);
    assertThat(newest.getLong("bytes")).isEqualTo(310);
    assertThat(newest.getString("file")).isEqualTo(letters.entries().get(0).file());
    JsonObject oldest = entries.getJsonObject(1);
    assertThat(oldest.getString("traceId")).isEqualTo(first.toHex());
    assertThat(oldest.getInteger("spans")).isEqualTo(3);

    JsonObject limited = json(server.get(SamplingApi.DEAD_LETTERS_PATH, "limit", "1"), 200);
    assertThat(limited.getInteger("total")).isEqualTo(2);
    assertThat(limited.getJsonArray("entries")).hasSize(1);
    assertThat(limited.getJsonArray("entries").getJsonObject(0).getString("traceId")).isEqualTo(second.toHex());
  }

  @Test
  void deadLettersOnANodeThatKeepsNoneSayso() {
    JsonObject body = json(server.get(SamplingApi.DEAD_LETTERS_PATH), 200);
    assertThat(body).isEqualTo(new JsonObject().put("enabled", false).put("total", 0).put("entries", new JsonArray()));
  }

  @Test
  void aBadDeadLettersLimitIsA400NamingIt() {
    for (String bad : List.of("0", "1001", "ten", "-3", "")) {
      JsonObject body = json(server.get(SamplingApi.DEAD_LETTERS_PATH, "limit", bad), 400);
      assertThat(body.getJsonObject("error").getString("parameter")).isEqualTo("limit");
      assertThat(body.getJsonObject("error").getString("value")).isEqualTo(bad);
      assertThat(body.getJsonObject("error").getString("message"))
          .isEqualTo("limit must be a whole number from 1 to 1000");
    }
  }

  private static final class FakeView implements SamplingView {
    final ActiveRules rules = new ActiveRules("default-rules.yaml", VERSION, List.of(
        new RuleText("keep-errors", "Every trace with an error.", "all", List.of("error: true"), "keep: {}"),
        rule("drop-health-checks"), rule("keep-slow-reports"), rule("keep-slow"), rule("keep-admin-actions"),
        rule("keep-payments"), rule("baseline-uploads"), rule("baseline-streaming"),
        rule("baseline-everything-else")), "default", false);

    private static RuleText rule(String name) {
      return new RuleText(name, "", "any", List.of("service: {contains: " + name + "}"), "keep: {percent: 10}");
    }
    volatile Optional<FileStatus> status = Optional.empty();
    volatile TraceDecision decision;
    volatile RuntimeException failure;
    volatile Map<String, Long> kept = Map.of();
    volatile Map<String, Long> dropped = Map.of();
    volatile CompletionStage<Optional<PartitionOwners>> owners;
    volatile RuntimeException ownersThrows;
    volatile DeadLetterList deadLetters;

    @Override
    public Optional<DeadLetterList> deadLetters() {
      return Optional.ofNullable(deadLetters);
    }

    @Override
    public CompletionStage<Optional<PartitionOwners>> partitionOwners() {
      if (ownersThrows != null) {
        throw ownersThrows;
      }
      return owners == null ? SamplingView.super.partitionOwners() : owners;
    }

    @Override
    public ActiveRules rules() {
      return rules;
    }

    @Override
    public Optional<FileStatus> rulesStatus() {
      return status;
    }

    @Override
    public CompletionStage<Optional<TraceDecision>> why(TraceId traceId) {
      if (failure != null) {
        return CompletableFuture.failedFuture(failure);
      }
      return CompletableFuture.completedFuture(decision != null && decision.traceId().equals(traceId)
          ? Optional.of(decision)
          : Optional.empty());
    }

    @Override
    public Map<String, Long> keptByRule() {
      return kept;
    }

    @Override
    public Map<String, Long> droppedByRule() {
      return dropped;
    }
  }
}
