package io.tailkeep.deploy;

import static io.tailkeep.deploy.SpanTree.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.deploy.OtelServices.Transport;
import io.tailkeep.sampler.buffer.DecisionRecord;
import io.tailkeep.sampler.reload.RulesStatus;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.TraceId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules file changes under a running server: a valid version applies, an invalid one is refused. */
class RulesHotReloadTest {

  static final String KEYSPACE = "e2e_rules_reload";
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String SERVICE = "inventory-sync";

  static final String ERRORS_ONLY =
      """
      version: 1
      default: drop
      rules:
        - name: keep-errors
          conditions:
            - error: true
          keep: {}
      """;

  static final String ALSO_INVENTORY_SYNC =
      ERRORS_ONLY
          + """
            - name: keep-inventory-sync
              conditions:
                - service: inventory-sync
              keep: {}
          """;

  static final String INVALID =
      ALSO_INVENTORY_SYNC
          + """
            - name: sample-reports
              conditions:
                - service: reports
              keep:
                percent: 250
          """;

  @TempDir Path directory;

  private TailkeepServer server;
  private OtelServices services;

  @AfterEach
  void stop() {
    if (services != null) {
      services.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aValidChangeAppliesWithoutRestartAndAnInvalidOneIsRefused() throws IOException {
    Path rules = directory.resolve("rules.yaml");
    Files.writeString(rules, ERRORS_ONLY);
    server = TestServers.start(TestStores.open(KEYSPACE), rules);
    services = OtelServices.exportingTo(Transport.HTTP, server.httpPort());
    StoredTraces stored = new StoredTraces(server.store().reader());

    SentTrace before = sendSync();
    DecisionRecord dropped = awaitDecision(before.traceId());
    assertThat(dropped.keep()).isFalse();
    assertThat(dropped.rule()).isEqualTo("default");

    replace(rules, ALSO_INVENTORY_SYNC);
    Poll.until(WAIT, "the new rules applied", () -> status().reloads() == 1);
    assertThat(server.sampler().rules().ruleNames()).containsExactly("keep-errors", "keep-inventory-sync");

    SentTrace after = sendSync();
    stored.awaitComplete(after, WAIT);
    assertThat(stored.summary(after.traceId()).sampling())
        .isEqualTo(new Sampling("keep-inventory-sync", 1.0));
    awaitEmptyStoreQueue();
    assertThat(stored.get(before.traceId())).as("the trace dropped before the change").isEmpty();

    replace(rules, INVALID);
    Poll.until(WAIT, "the invalid rules refused", () -> status().reloadErrors() == 1);
    RulesStatus status = status();
    assertThat(status.reloads()).isEqualTo(1);
    assertThat(status.invalidOnDisk()).isTrue();
    assertThat(status.ruleNames()).containsExactly("keep-errors", "keep-inventory-sync");
    int percentLine = lineOf(INVALID, "percent: 250");
    assertThat(status.lastError().orElseThrow().errors())
        .anySatisfy(
            error ->
                assertThat(error)
                    .startsWith(rules + ":" + percentLine + ":")
                    .contains("'percent' must be between 0 and 100, got 250"));

    SentTrace stillKept = sendSync();
    stored.awaitComplete(stillKept, WAIT);
    assertThat(stored.summary(stillKept.traceId()).sampling())
        .isEqualTo(new Sampling("keep-inventory-sync", 1.0));

    PrometheusScrape scrape = PrometheusScrape.parse(server.scrapeMetrics());
    assertThat(scrape.value("tailkeep_rules_reloads_total")).isEqualTo(1.0);
    assertThat(scrape.value("tailkeep_rules_reload_errors_total")).isEqualTo(1.0);
    assertThat(scrape.value("tailkeep_rules_file_invalid")).isEqualTo(1.0);
    assertThat(scrape.value("tailkeep_rules_count")).isEqualTo(2.0);
  }

  private SentTrace sendSync() {
    SentTrace trace =
        services.send(
            "inventory sync",
            span(SERVICE, "POST /sync").server().route("/sync").lasting(30)
                .child(span(SERVICE, "apply delta").at(2).lasting(10)));
    services.flush();
    return trace;
  }

  private RulesStatus status() {
    return server.sampler().rulesStatus().orElseThrow();
  }

  private DecisionRecord awaitDecision(TraceId traceId) {
    return Poll.until(WAIT, "a decision on " + traceId, () -> server.sampler().why(traceId), o -> o.isPresent())
        .orElseThrow();
  }

  private void awaitEmptyStoreQueue() {
    Poll.until(WAIT, "an empty store queue", () -> server.sampler().storeQueue().stats().queuedBatches() == 0);
  }

  /** As editors and Kubernetes do: the new version appears at once, never half written. */
  private static void replace(Path file, String content) throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".next");
    Files.writeString(next, content);
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static int lineOf(String text, String fragment) {
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(fragment)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException(fragment + " not in the text");
  }
}
