package io.tailkeep.deploy;

import static io.tailkeep.deploy.SpanTree.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.deploy.OtelServices.Transport;
import io.tailkeep.sampler.buffer.DecisionRecord;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceSummary;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Spans that arrive after their trace was decided follow the decision: stored with a kept trace,
 * counted and dropped with a dropped one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LateSpansTest {

  static final String KEYSPACE = "e2e_late_spans";
  static final Duration WAIT = Duration.ofSeconds(30);

  private TailkeepServer server;
  private StoredTraces stored;
  private OtelServices services;

  @BeforeAll
  void start() {
    server = TestServers.start(TestStores.open(KEYSPACE));
    stored = new StoredTraces(server.store().reader());
    services = OtelServices.exportingTo(Transport.GRPC, server.grpcPort());
  }

  @AfterAll
  void stop() {
    if (services != null) {
      services.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aLateSpanOfAKeptTraceIsStoredWithIt() {
    SentTrace trace = services.send("error", TraceShapes.errorStatus());
    services.flush();
    DecisionRecord decided = awaitDecision(trace.traceId());
    assertThat(decided.keep()).isTrue();
    assertThat(decided.rule()).isEqualTo("keep-errors");
    assertThat(decided.spansDecided()).isEqualTo(trace.spanCount());
    stored.awaitComplete(trace, WAIT);

    String lateSpan =
        services.sendLate(trace, span("orders", "send confirmation email").client().lasting(15));
    services.flush();

    SentTrace withLateSpan = trace.plus(lateSpan);
    stored.awaitComplete(withLateSpan, WAIT);
    TraceBuffer buffer = server.sampler().buffer();
    assertThat(buffer.stats().lateSpansKept()).isEqualTo(1);
    assertThat(server.sampler().why(trace.traceId()).orElseThrow().lateSpans()).isEqualTo(1);
    TraceSummary summary = stored.summary(trace.traceId());
    assertThat(summary.spanCount()).isEqualTo(withLateSpan.spanCount());
    // The late batch carries no decision; the trace's own stays.
    assertThat(summary.sampling()).isEqualTo(new Sampling("keep-errors", 1.0));
  }

  @Test
  void aLateSpanOfADroppedTraceIsCountedAndNotStored() {
    SentTrace probe = services.send("health check", TraceShapes.healthCheck());
    services.flush();
    DecisionRecord decided = awaitDecision(probe.traceId());
    assertThat(decided.keep()).isFalse();
    assertThat(decided.rule()).isEqualTo("drop-health-checks");

    services.sendLate(probe, span("orders", "refresh cache").lasting(2));
    services.flush();

    TraceBuffer buffer = server.sampler().buffer();
    Poll.until(WAIT, "the late span counted as dropped", () -> buffer.stats().lateSpansDropped() == 1);
    assertThat(server.sampler().why(probe.traceId()).orElseThrow().lateSpans()).isEqualTo(1);
    assertThat(buffer.stats().bufferedTraces()).as("a late span starts no new trace").isZero();
    Poll.until(WAIT, "an empty store queue", () -> server.sampler().storeQueue().stats().queuedBatches() == 0);
    assertThat(stored.get(probe.traceId())).isEmpty();
    PrometheusScrape scrape = PrometheusScrape.parse(server.scrapeMetrics());
    assertThat(scrape.value("tailkeep_sampler_late_spans_total", "decision", "dropped")).isEqualTo(1.0);
  }

  private DecisionRecord awaitDecision(TraceId traceId) {
    return Poll.until(WAIT, "a decision on " + traceId, () -> server.sampler().why(traceId), o -> o.isPresent())
        .orElseThrow();
  }
}
