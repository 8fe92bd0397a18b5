package io.tailkeep.ui.sampling;

import io.tailkeep.query.ApiJson;
import io.tailkeep.store.AsyncFailure;
import io.tailkeep.store.TraceId;
import io.tailkeep.ui.sampling.SamplingView.ActiveRules;
import io.tailkeep.ui.sampling.SamplingView.CandidateFileStatus;
import io.tailkeep.ui.sampling.SamplingView.CandidateState;
import io.tailkeep.ui.sampling.SamplingView.Comparison;
import io.tailkeep.ui.sampling.SamplingView.DeadLetter;
import io.tailkeep.ui.sampling.SamplingView.DeadLetterList;
import io.tailkeep.ui.sampling.SamplingView.DisagreeingTrace;
import io.tailkeep.ui.sampling.SamplingView.Disagreement;
import io.tailkeep.ui.sampling.SamplingView.FileStatus;
import io.tailkeep.ui.sampling.SamplingView.RuleEffect;
import io.tailkeep.ui.sampling.SamplingView.RuleText;
import io.tailkeep.ui.sampling.SamplingView.TraceDecision;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The sampling admin API: the rules in force with what each has kept and dropped, the rules
 * file's reload state (a refused version and its errors show here), and "why" for one trace.
 *
 * <pre>
 * GET /api/v1/sampling/rules
 * GET /api/v1/sampling/why/{traceId}
 * GET /api/v1/sampling/partitions
 * GET /api/v1/sampling/dead-letters[?limit=100]
 * GET /api/v1/sampling/candidate
 * PUT /api/v1/sampling/candidate     (body: a rules file, YAML, at most 1 MiB)
 * DELETE /api/v1/sampling/candidate
 * </pre>
 *
 * <p>The candidate routes show the rules on trial beside the rules in force, put rules sent in the
 * body on trial (refused with every problem when invalid), and end the trial.
 */
public final class SamplingApi {

  public static final String RULES_PATH = "/api/v1/sampling/rules";
  public static final String WHY_PATH = "/api/v1/sampling/why/:traceId";
  public static final String PARTITIONS_PATH = "/api/v1/sampling/partitions";
  public static final String DEAD_LETTERS_PATH = "/api/v1/sampling/dead-letters";
  public static final String CANDIDATE_PATH = "/api/v1/sampling/candidate";
  /** A rules file is a few KiB; a megabyte is far past any real one. */
  static final int MAX_CANDIDATE_BYTES = 1 << 20;
  static final int DEFAULT_DEAD_LETTERS_LIMIT = 100;
  static final int MAX_DEAD_LETTERS_LIMIT = 1000;

  private final SamplingView view;
  private final RecentRuleCounts recent;

  private SamplingApi(SamplingView view, RecentRuleCounts recent) {
    this.view = Objects.requireNonNull(view, "view");
    this.recent = recent;
  }

  /** Adds the sampling routes to {@code router}; counts are since start only. */
  public static void mount(Router router, SamplingView view) {
    mount(router, view, null);
  }

  /**
   * As above, and each rule also shows what it kept and dropped over the last minutes, from
   * {@code recent} (see {@link RecentRuleCounts#start}); {@code null} for counts since start only.
   */
  public static void mount(Router router, SamplingView view, RecentRuleCounts recent) {
    SamplingApi api = new SamplingApi(view, recent);
    router.get(RULES_PATH).handler(api::rules);
    router.get(WHY_PATH).handler(api::why);
    router.get(PARTITIONS_PATH).handler(api::partitions);
    router.get(DEAD_LETTERS_PATH).handler(api::deadLetters);
    router.get(CANDIDATE_PATH).handler(api::candidate);
    router
        .put(CANDIDATE_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(MAX_CANDIDATE_BYTES))
        .handler(api::proposeCandidate);
    router.delete(CANDIDATE_PATH).handler(api::withdrawCandidate);
  }

  private void rules(RoutingContext ctx) {
    ActiveRules rules = view.rules();
    Map<String, Long> kept = view.keptByRule();
    Map<String, Long> dropped = view.droppedByRule();
    RecentRuleCounts.Window window = recent == null ? null : recent.window();
    // Rules in file order, then names that decided under an earlier version of the file.
    Set<String> names = new LinkedHashSet<>(rules.ruleNames());
    names.add(rules.defaultRule());
    names.addAll(kept.keySet());
    names.addAll(dropped.keySet());
    if (window != null) {
      names.addAll(window.byRule().keySet());
    }
    Map<String, RuleText> written = new HashMap<>();
    rules.rules().forEach(rule -> written.put(rule.name(), rule));
    JsonArray effect = new JsonArray();
    for (String name : names) {
      JsonObject rule =
          new JsonObject()
              .put("name", name)
              .put("active", name.equals(rules.defaultRule()) || written.containsKey(name));
      RuleText text = written.get(name);
      if (text != null) {
        putText(rule, text);
      }
      rule.put("kept", kept.getOrDefault(name, 0L)).put("dropped", dropped.getOrDefault(name, 0L));
      if (window != null) {
        rule.put("recent", recentCounts(window.byRule().get(name)));
      }
      effect.add(rule);
    }
    JsonObject body =
        new JsonObject()
            .put("source", rules.source())
            .put("version", rules.version())
            .put("default", rules.keepsByDefault() ? "keep" : "drop")
            .put("rules", effect);
    if (window != null) {
      body.put(
          "recent",
          new JsonObject()
              .put("from", window.from().toString())
              .put("to", window.to().toString())
              .put("stepSeconds", window.step().toMillis() / 1000.0));
    }
    view.rulesStatus().ifPresent(status -> body.put("file", fileStatus(status)));
    send(ctx, 200, body);
  }

  /** What a rule does, as written. */
  private static JsonObject putText(JsonObject rule, RuleText text) {
    return rule.put("description", text.description())
        .put("match", text.match())
        .put("conditions", new JsonArray(text.conditions()))
        .put("action", text.action());
  }

  /**
   * The candidate on trial and its comparison with the rules in force; {@code {"active": false}}
   * when none is on trial.
   */
  private void candidate(RoutingContext ctx) {
    send(ctx, 200, candidateJson(view.candidate()));
  }

  private void proposeCandidate(RoutingContext ctx) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes()))
          .toString();
    } catch (CharacterCodingException e) {
      send(ctx, 400, ApiJson.error(400, "the candidate rules must be UTF-8 text (a rules file in YAML)"));
      return;
    }
    if (text.isBlank()) {
      send(ctx, 400, ApiJson.error(400,
          "the request body is empty: send a rules file (YAML) to try as the candidate"));
      return;
    }
    List<String> problems;
    try {
      problems = view.proposeCandidate(text);
    } catch (UnsupportedOperationException e) {
      send(ctx, 409, ApiJson.error(409, e.getMessage()));
      return;
    }
    if (!problems.isEmpty()) {
      JsonObject body = ApiJson.error(400, "the candidate rules were refused: " + problems.size()
          + (problems.size() == 1 ? " problem" : " problems") + "; the candidate on trial, if any, stays");
      body.getJsonObject("error").put("errors", new JsonArray(problems));
      send(ctx, 400, body);
      return;
    }
    send(ctx, 200, candidateJson(view.candidate()));
  }

  private void withdrawCandidate(RoutingContext ctx) {
    try {
      view.withdrawCandidate();
    } catch (UnsupportedOperationException e) {
      send(ctx, 409, ApiJson.error(409, e.getMessage()));
      return;
    }
    send(ctx, 200, candidateJson(view.candidate()));
  }

  private static JsonObject candidateJson(CandidateState state) {
    JsonObject body = new JsonObject()
        .put("sampling", state.sampling())
        .put("active", state.comparison().isPresent());
    state.file().ifPresent(file -> body.put("file", candidateFileJson(file)));
    state.comparison().ifPresent(comparison -> putComparison(body, comparison));
    return body;
  }

  private static JsonObject candidateFileJson(CandidateFileStatus file) {
    JsonObject json = new JsonObject().put("path", file.path()).put("present", file.present());
    file.refused().ifPresent(refusal -> json.put("refused", new JsonObject()
        .put("at", refusal.at().toString())
        .put("errors", new JsonArray(refusal.errors()))));
    return json;
  }

  private static void putComparison(JsonObject body, Comparison c) {
    JsonArray rules = new JsonArray();
    Map<String, RuleText> written = new HashMap<>();
    c.rules().forEach(rule -> written.put(rule.name(), rule));
    for (RuleEffect effect : c.byRule()) {
      JsonObject rule = new JsonObject().put("name", effect.rule());
      RuleText text = written.get(effect.rule());
      if (text != null) {
        putText(rule, text);
      }
      rules.add(rule.put("kept", effect.kept()).put("dropped", effect.dropped()));
    }
    double seconds = Math.max(1, Duration.between(c.from(), c.to()).toMillis() / 1000.0);
    body.put("origin", c.origin())
        .put("version", c.version())
        .put("default", c.keepsByDefault() ? "keep" : "drop")
        .put("since", c.since().toString())
        .put("window", new JsonObject()
            .put("from", c.from().toString())
            .put("to", c.to().toString())
            .put("seconds", seconds))
        .put("traces", c.traces())
        .put("live", keptJson(c.keptLive(), c.traces(), seconds))
        .put("candidate", keptJson(c.keptCandidate(), c.traces(), seconds))
        .put("rules", rules)
        .put("disagreements", new JsonObject()
            .put("keptOnlyLive", disagreementJson(c.keptOnlyLive()))
            .put("keptOnlyCandidate", disagreementJson(c.keptOnlyCandidate())));
  }

  /** Kept traces in the window: how many, per second, and as a share of the traces decided. */
  private static JsonObject keptJson(long kept, long traces, double seconds) {
    return new JsonObject()
        .put("kept", kept)
        .put("keptPerSecond", kept / seconds)
        .put("keptFraction", traces == 0 ? 0.0 : (double) kept / traces);
  }

  private static JsonObject disagreementJson(Disagreement disagreement) {
    JsonArray examples = new JsonArray();
    for (DisagreeingTrace trace : disagreement.examples()) {
      examples.add(new JsonObject()
          .put("traceId", trace.traceId().toHex())
          .put("decidedAt", trace.decidedAt().toString())
          .put("liveRule", trace.liveRule())
          .put("candidateRule", trace.candidateRule()));
    }
    return new JsonObject().put("traces", disagreement.traces()).put("examples", examples);
  }

  /** A rule's counts over the window, and per step (oldest first) for a small chart. */
  private static JsonObject recentCounts(RecentRuleCounts.Series series) {
    if (series == null) {
      return new JsonObject()
          .put("kept", 0L)
          .put("dropped", 0L)
          .put("keptSteps", new JsonArray())
          .put("droppedSteps", new JsonArray());
    }
    return new JsonObject()
        .put("kept", series.keptTotal())
        .put("dropped", series.droppedTotal())
        .put("keptSteps", new JsonArray(series.kept()))
        .put("droppedSteps", new JsonArray(series.dropped()));
  }

  private static JsonObject fileStatus(FileStatus status) {
    JsonObject file =
        new JsonObject()
            .put("path", status.path())
            .put("sha256", status.sha256())
            .put("loadedAt", status.loadedAt().toString())
            .put("reloads", status.reloads())
            .put("reloadErrors", status.reloadErrors())
            .put("invalidOnDisk", status.invalidOnDisk());
    status
        .lastError()
        .ifPresent(
            error ->
                file.put(
                    "lastError",
                    new JsonObject()
                        .put("at", error.at().toString())
                        .put("errors", new JsonArray(error.errors()))));
    return file;
  }

  private void why(RoutingContext ctx) {
    String text = ctx.pathParam("traceId");
    TraceId traceId;
    try {
      traceId = TraceId.fromHex(text);
    } catch (IllegalArgumentException e) {
      sendError(ctx, 400, "traceId", text, e.getMessage());
      return;
    }
    Future.fromCompletionStage(view.why(traceId), ctx.vertx().getOrCreateContext())
        .onComplete(answer -> {
          if (answer.failed()) {
            sendError(ctx, 503, "traceId", text,
                "the decision log cannot be read now; try again: " + AsyncFailure.cause(answer.cause()).getMessage());
          } else {
            answerWhy(ctx, text, answer.result());
          }
        });
  }

  /** Who owns which partition of the spans topic, with lag; {@code {"kafka": false}} off Kafka. */
  private void partitions(RoutingContext ctx) {
    CompletionStage<Optional<PartitionOwners>> read;
    try {
      read = view.partitionOwners();
    } catch (RuntimeException e) {
      read = CompletableFuture.failedFuture(e);
    }
    Future.fromCompletionStage(read, ctx.vertx().getOrCreateContext())
        .onComplete(answer -> {
          if (answer.failed()) {
            send(ctx, 503, ApiJson.error(503,
                "the partitions' owners cannot be read from Kafka now; try again: "
                    + AsyncFailure.cause(answer.cause()).getMessage()));
          } else {
            send(ctx, 200, answer.result().map(SamplingApi::ownersJson)
                .orElseGet(() -> new JsonObject().put("kafka", false)));
          }
        });
  }

  /**
   * The batches the span store refused for good, newest first, at most {@code limit} of them;
   * {@code {"enabled": false}} on a node that keeps none.
   */
  private void deadLetters(RoutingContext ctx) {
    String limitText = ctx.queryParams().get("limit");
    int limit = DEFAULT_DEAD_LETTERS_LIMIT;
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText.strip());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_DEAD_LETTERS_LIMIT) {
        sendError(ctx, 400, "limit", limitText,
            "limit must be a whole number from 1 to " + MAX_DEAD_LETTERS_LIMIT);
        return;
      }
    }
    Optional<DeadLetterList> kept = view.deadLetters();
    if (kept.isEmpty()) {
      send(ctx, 200, new JsonObject().put("enabled", false).put("total", 0).put("entries", new JsonArray()));
      return;
    }
    DeadLetterList letters = kept.get();
    List<DeadLetter> all = letters.entries();
    JsonArray entries = new JsonArray();
    for (DeadLetter letter : all.subList(0, Math.min(limit, all.size()))) {
      entries.add(new JsonObject()
          .put("traceId", letter.traceId().toHex())
          .put("time", letter.time().toString())
          .put("reason", letter.reason())
          .put("spans", letter.spans())
          .put("bytes", letter.bytes())
          .put("file", letter.file()));
    }
    send(ctx, 200, new JsonObject()
        .put("enabled", true)
        .put("directory", letters.directory())
        .put("total", all.size())
        .put("totalBytes", letters.keptBytes())
        .put("maxBytes", letters.maxBytes())
        .put("removed", letters.removed())
        .put("entries", entries));
  }

  private static JsonObject ownersJson(PartitionOwners owners) {
    JsonArray partitions = new JsonArray();
    for (PartitionOwners.Partition row : owners.partitions()) {
      partitions.add(new JsonObject()
          .put("partition", row.partition())
          .put("node", row.owner().map(PartitionOwners.Owner::node).orElse(null))
          .put("consumer", row.owner().map(PartitionOwners.Owner::consumer).orElse(null))
          .put("committedOffset", row.committedOffset().isPresent() ? row.committedOffset().getAsLong() : null)
          .put("endOffset", row.endOffset())
          .put("lag", row.lag()));
    }
    JsonArray nodes = new JsonArray();
    for (PartitionOwners.Node node : owners.nodes()) {
      nodes.add(new JsonObject()
          .put("node", node.node())
          .put("partitions", node.partitions())
          .put("lag", node.lag()));
    }
    return new JsonObject()
        .put("kafka", true)
        .put("topic", owners.topic())
        .put("group", owners.group())
        .put("state", owners.state())
        .put("readAt", owners.readAt().toString())
        .put("partitions", partitions)
        .put("nodes", nodes);
  }

  private static void answerWhy(RoutingContext ctx, String text, Optional<TraceDecision> record) {
    if (record.isEmpty()) {
      sendError(
          ctx,
          404,
          "traceId",
          text,
          "no recent decision for trace "
              + text
              + ": not decided yet, never seen, or decided longer ago than decisions are kept");
      return;
    }
    TraceDecision decision = record.get();
    send(
        ctx,
        200,
        new JsonObject()
            .put("traceId", decision.traceId().toHex())
            .put("decision", decision.kept() ? "kept" : "dropped")
            .put("rule", decision.rule())
            .put("probability", decision.probability())
            .put("adjustedCount", decision.kept() ? 1 / decision.probability() : 0)
            .put("rateLimited", decision.rateLimited())
            .put("reason", decision.reason())
            .put("decidedAt", decision.decidedAt().toString())
            .put("spansDecided", decision.spansDecided())
            .put("lateSpans", decision.lateSpans())
            .put("rulesVersion", decision.rulesVersion()));
  }

  private static void sendError(
      RoutingContext ctx, int status, String parameter, String value, String message) {
    send(ctx, status, ApiJson.error(status, message, parameter, value));
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ApiJson.send(ctx.response(), status, body);
  }

}
