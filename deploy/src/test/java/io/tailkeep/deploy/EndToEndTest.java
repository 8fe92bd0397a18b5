package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.deploy.OtelServices.Transport;
import io.tailkeep.deploy.TraceShapes.MustKeep;
import io.tailkeep.sampler.buffer.DecisionRecord;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceQuery;
import io.tailkeep.store.TraceSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product's promise with the shipped default rules, end to end: applications instrumented with
 * the OpenTelemetry SDK export over OTLP/gRPC and OTLP/HTTP, Tailkeep decides on whole traces and
 * stores the kept ones in Cassandra.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {

  private static final Logger LOG = LoggerFactory.getLogger(EndToEndTest.class);

  static final String KEYSPACE = "e2e_default_rules";
  static final Duration WAIT = Duration.ofSeconds(60);
  static final int TRACES_PER_KIND = 2;

  private final Instant testStart = Instant.now();
  private TailkeepServer server;
  private StoredTraces stored;
  private OtelServices grpc;
  private OtelServices http;

  @BeforeAll
  void start() {
    server = TestServers.start(TestStores.open(KEYSPACE));
    stored = new StoredTraces(server.store().reader());
    grpc = OtelServices.exportingTo(Transport.GRPC, server.grpcPort());
    http = OtelServices.exportingTo(Transport.HTTP, server.httpPort());
  }

  @AfterAll
  void stop() {
    if (grpc != null) {
      grpc.close();
    }
    if (http != null) {
      http.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyMustKeepTraceIsStoredCompleteAndHealthChecksAreDropped() {
    Map<SentTrace, MustKeep> mustKeep = new HashMap<>();
    List<SentTrace> healthChecks = new ArrayList<>();
    for (OtelServices services : List.of(grpc, http)) {
      for (MustKeep kind : TraceShapes.MUST_KEEP) {
        for (int i = 0; i < TRACES_PER_KIND; i++) {
          mustKeep.put(services.send(kind.kind(), kind.shape().get()), kind);
        }
      }
      for (int i = 0; i < TRACES_PER_KIND; i++) {
        healthChecks.add(services.send("health check", TraceShapes.healthCheck()));
        healthChecks.add(services.send("readiness probe", TraceShapes.readinessProbe()));
      }
    }
    grpc.flush();
    http.flush();

    for (Map.Entry<SentTrace, MustKeep> entry : mustKeep.entrySet()) {
      SentTrace trace = entry.getKey();
      String rule = entry.getValue().rule();
      stored.awaitComplete(trace, WAIT);
      TraceSummary summary = stored.summary(trace.traceId());
      assertThat(summary.sampling()).as("sampling of %s", trace).isEqualTo(new Sampling(rule, 1.0));
      assertThat(summary.spanCount()).as("span count of %s", trace).isEqualTo(trace.spanCount());
      assertThat(summary.rootSeen()).as("root of %s", trace).isTrue();
      DecisionRecord why = server.sampler().why(trace.traceId()).orElseThrow();
      assertThat(why.keep()).isTrue();
      assertThat(why.rule()).as("rule of %s", trace).isEqualTo(rule);
      assertThat(why.spansDecided()).as("spans %s was decided on", trace).isEqualTo(trace.spanCount());
    }

    for (SentTrace probe : healthChecks) {
      DecisionRecord why = awaitDecision(probe.traceId());
      assertThat(why.keep()).as("%s kept", probe).isFalse();
      assertThat(why.rule()).as("rule of %s", probe).isEqualTo("drop-health-checks");
      assertThat(why.spansDecided()).as("spans %s was decided on", probe).isEqualTo(probe.spanCount());
    }
    awaitStoreQueueEmpty();
    for (SentTrace probe : healthChecks) {
      assertThat(stored.get(probe.traceId())).as("%s in Cassandra", probe).isEmpty();
    }

    TraceBuffer buffer = server.sampler().buffer();
    int perKindTotal = 2 * TRACES_PER_KIND;
    assertThat(buffer.stats().tracesDropped("drop-health-checks")).isEqualTo(healthChecks.size());
    assertThat(buffer.stats().tracesKept("keep-errors")).isEqualTo(2L * perKindTotal);
    assertThat(buffer.stats().tracesKept("keep-slow")).isEqualTo(perKindTotal);
    assertThat(buffer.stats().tracesKept("keep-admin-actions")).isEqualTo(perKindTotal);
    assertThat(buffer.stats().tracesKept("keep-payments")).isEqualTo(2L * perKindTotal);
  }

  /**
   * 10 000 upload traces, decided by baseline-uploads at 10 %: the largest baseline share, so the
   * tightest relative check. Which traces a percentage keeps depends on the trace ID alone, so for
   * random IDs the kept count is binomial(n, p) and must lie within 3 standard deviations of n·p.
   * The IDs come from seeded generators: the same 10 000 IDs every run, so a sampler that passes
   * once always passes (no 0.3 % false alarms), and one that is off by more than 3 sd still fails.
   */
  @Test
  void baselineUploadsAreKeptAtTheirPercentage() {
    int n = 10_000;
    double p = 0.10;
    String rule = "baseline-uploads";
    Map<TraceId, Integer> sent = new HashMap<>();
    try (OtelServices grpcUploads = OtelServices.exportingTo(Transport.GRPC, server.grpcPort(), 20_240_501L);
        OtelServices httpUploads = OtelServices.exportingTo(Transport.HTTP, server.httpPort(), 20_240_502L)) {
      for (int chunk = 0; chunk < n / 500; chunk++) {
        OtelServices services = chunk % 2 == 0 ? grpcUploads : httpUploads;
        for (int i = 0; i < 500; i++) {
          SentTrace trace = services.send("upload", TraceShapes.upload(chunk * 500 + i));
          sent.put(trace.traceId(), trace.spanCount());
        }
        services.flush();
      }
    }
    assertThat(sent).hasSize(n);

    TraceBuffer buffer = server.sampler().buffer();
    Poll.until(
        WAIT,
        n + " upload traces decided by " + rule,
        () -> buffer.stats().tracesKept(rule) + buffer.stats().tracesDropped(rule),
        decided -> decided == n);
    awaitStoreQueueEmpty();

    long kept = buffer.stats().tracesKept(rule);
    double mean = n * p;
    double sd = Math.sqrt(n * p * (1 - p));
    LOG.info("{} of {} upload traces kept at {} (expected {} ± {} for 3 sd)", kept, n, p, mean, 3 * sd);
    assertThat((double) kept).as("uploads kept of %s at %s", n, p).isBetween(mean - 3 * sd, mean + 3 * sd);

    Set<TraceId> keptIds =
        sent.keySet().stream()
            .filter(id -> server.sampler().why(id).orElseThrow().keep())
            .collect(Collectors.toSet());
    assertThat(keptIds).hasSize((int) kept);
    assertThat(sent.keySet())
        .allSatisfy(id -> assertThat(server.sampler().why(id).orElseThrow().rule()).isEqualTo(rule));

    List<TraceSummary> found =
        stored.find(
            TraceQuery.builder()
                .service("upload-api")
                .window(testStart.minus(Duration.ofMinutes(10)), Instant.now().plus(Duration.ofMinutes(10)))
                .limit(TraceQuery.MAX_LIMIT)
                .build());
    assertThat(found).extracting(TraceSummary::traceId).containsExactlyInAnyOrderElementsOf(keptIds);
    assertThat(found)
        .allSatisfy(
            summary -> {
              assertThat(summary.sampling()).isEqualTo(new Sampling(rule, p));
              assertThat(summary.spanCount()).isEqualTo(sent.get(summary.traceId()));
            });
  }

  private DecisionRecord awaitDecision(TraceId traceId) {
    return Poll.until(
            WAIT, "a decision on " + traceId, () -> server.sampler().why(traceId), o -> o.isPresent())
        .orElseThrow();
  }

  private void awaitStoreQueueEmpty() {
    Poll.until(
        WAIT,
        "an empty buffer and store queue",
        () ->
            server.sampler().buffer().stats().bufferedTraces() == 0
                && server.sampler().storeQueue().stats().queuedBatches() == 0);
  }
}
