package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.deploy.OtelServices.Transport;
import io.tailkeep.sampler.buffer.TraceBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Prometheus scrape after known traffic: each number where the traffic makes it knowable. */
class MetricsTest {

  static final String KEYSPACE = "e2e_metrics";
  static final Duration GRACE = Duration.ofSeconds(3);
  static final int ERROR_TRACES = 5;
  static final int HEALTH_CHECKS = 4;

  @Test
  void theScrapeCountsWhatHappened() {
    TailkeepServer server =
        TestServers.start(
            TestServers.builder(
                TestStores.open(KEYSPACE),
                b -> b.gracePeriod(GRACE).idleTimeout(Duration.ofSeconds(5)).maxWait(Duration.ofSeconds(20)),
                TestServers.QUICK_RETRIES));
    try (OtelServices grpc = OtelServices.exportingTo(Transport.GRPC, server.grpcPort());
        OtelServices http = OtelServices.exportingTo(Transport.HTTP, server.httpPort())) {
      TraceBuffer buffer = server.sampler().buffer();
      List<SentTrace> errors = new ArrayList<>();
      List<SentTrace> probes = new ArrayList<>();
      for (int i = 0; i < ERROR_TRACES; i++) {
        errors.add(grpc.send("error", TraceShapes.errorStatus()));
      }
      for (int i = 0; i < HEALTH_CHECKS; i++) {
        probes.add(http.send("health check", TraceShapes.healthCheck()));
      }
      grpc.flush();
      http.flush();
      long errorSpans = errors.stream().mapToLong(SentTrace::spanCount).sum();
      long probeSpans = probes.stream().mapToLong(SentTrace::spanCount).sum();

      // While the traces wait out their grace period.
      PrometheusScrape buffered = PrometheusScrape.parse(server.scrapeMetrics());
      long bytes = buffer.stats().bufferedBytes();
      assertThat(buffer.stats().tracesKept() + buffer.stats().tracesDropped())
          .as("decided before the first scrape (grace %s too short for this machine?)", GRACE)
          .isZero();
      assertThat(buffered.value("tailkeep_sampler_buffer_traces")).isEqualTo(ERROR_TRACES + HEALTH_CHECKS);
      assertThat(buffered.value("tailkeep_sampler_buffer_spans")).isEqualTo(errorSpans + probeSpans);
      assertThat(buffered.value("tailkeep_sampler_buffer_bytes")).isEqualTo(bytes).isPositive();
      assertThat(buffered.value("tailkeep_collector_spans_received_total", "transport", "grpc"))
          .isEqualTo(errorSpans);
      assertThat(buffered.value("tailkeep_collector_spans_accepted_total", "transport", "grpc"))
          .isEqualTo(errorSpans);
      assertThat(buffered.value("tailkeep_collector_spans_received_total", "transport", "http"))
          .isEqualTo(probeSpans);
      assertThat(buffered.value("tailkeep_collector_spans_accepted_total", "transport", "http"))
          .isEqualTo(probeSpans);

      Poll.until(
          Duration.ofSeconds(30),
          "every trace decided and every kept one written",
          () ->
              buffer.stats().tracesKept() + buffer.stats().tracesDropped() == ERROR_TRACES + HEALTH_CHECKS
                  && server.sampler().storeQueue().stats().queuedBatches() == 0);

      PrometheusScrape after = PrometheusScrape.parse(server.scrapeMetrics());
      assertThat(
              after.value(
                  "tailkeep_sampler_traces_decided_total",
                  "decision", "kept",
                  "reason", "root_grace",
                  "rule", "keep-errors"))
          .isEqualTo(ERROR_TRACES);
      assertThat(
              after.value(
                  "tailkeep_sampler_traces_decided_total",
                  "decision", "dropped",
                  "reason", "root_grace",
                  "rule", "drop-health-checks"))
          .isEqualTo(HEALTH_CHECKS);
      assertThat(after.matching("tailkeep_sampler_traces_decided_total")).hasSize(2);
      assertThat(after.value("tailkeep_sampler_decision_wait_seconds_count", "reason", "root_grace"))
          .isEqualTo(ERROR_TRACES + HEALTH_CHECKS);
      assertThat(after.value("tailkeep_sampler_decision_wait_seconds_sum", "reason", "root_grace"))
          .as("each trace waited at least the grace period")
          .isGreaterThanOrEqualTo((ERROR_TRACES + HEALTH_CHECKS) * (double) GRACE.toSeconds());
      assertThat(after.value("tailkeep_sampler_buffer_bytes")).isZero();
      assertThat(after.value("tailkeep_sampler_buffer_traces")).isZero();
      assertThat(after.value("tailkeep_sampler_spans_decided_total", "decision", "kept")).isEqualTo(errorSpans);
      assertThat(after.value("tailkeep_sampler_spans_decided_total", "decision", "dropped"))
          .isEqualTo(probeSpans);
      assertThat(after.value("tailkeep_store_writes_total")).isEqualTo(ERROR_TRACES);
      assertThat(after.value("tailkeep_store_spans_written_total")).isEqualTo(errorSpans);
      assertThat(after.value("tailkeep_store_dead_lettered_batches_total")).isZero();
      assertThat(after.value("tailkeep_store_queue_batches")).isZero();
      assertThat(after.value("tailkeep_sampler_evictions_total")).isZero();
      assertThat(after.value("tailkeep_rules_count")).isEqualTo(server.sampler().rules().ruleNames().size());

      // gRPC, HTTP and JVM meters from the libraries, in the same scrape.
      assertThat(
              after.sum(
                  "grpc_server_processing_duration_seconds_count",
                  "method", "Export",
                  "statusCode", "OK"))
          .as("OTLP/gRPC exports timed")
          .isPositive();
      assertThat(
              after.sum(
                  "vertx_http_server_requests_total",
                  "method", "POST",
                  "code", "200"))
          .as("OTLP/HTTP exports counted (the only POSTs here)")
          .isEqualTo(http.exportRequests());
      assertThat(after.sum("jvm_memory_used_bytes", "area", "heap")).isPositive();
      assertThat(after.sum("jvm_threads_live_threads")).isPositive();
    } finally {
      server.close();
    }
  }
}
