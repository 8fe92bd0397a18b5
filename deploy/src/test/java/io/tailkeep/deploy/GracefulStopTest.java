package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tailkeep.deploy.OtelServices.Transport;
import io.tailkeep.deploy.TraceShapes.MustKeep;
import io.tailkeep.sampler.buffer.DecisionReason;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.cassandra.CassandraSpanStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stop (SIGTERM) while every trace is still waiting for its decision: close() decides them all
 * and writes the kept ones before it returns.
 */
class GracefulStopTest {

  static final String KEYSPACE = "e2e_graceful_stop";

  @Test
  void closeDecidesAndStoresEveryBufferedTrace() {
    TailkeepServer server =
        TestServers.start(
            TestServers.builder(
                TestStores.open(KEYSPACE), TestServers.NO_TIMED_DECISIONS, TestServers.QUICK_RETRIES));
    TraceBuffer buffer = server.sampler().buffer();
    Map<SentTrace, MustKeep> sent = new LinkedHashMap<>();
    long spans = 0;
    int grpcPort = server.grpcPort();
    try (OtelServices grpc = OtelServices.exportingTo(Transport.GRPC, server.grpcPort());
        OtelServices http = OtelServices.exportingTo(Transport.HTTP, server.httpPort())) {
      for (OtelServices services : List.of(grpc, http)) {
        for (MustKeep kind : TraceShapes.MUST_KEEP) {
          for (int i = 0; i < 2; i++) {
            SentTrace trace = services.send(kind.kind(), kind.shape().get());
            sent.put(trace, kind);
            spans += trace.spanCount();
          }
        }
        services.flush();
      }
      assertThat(buffer.stats().bufferedTraces()).isEqualTo(sent.size());
      assertThat(buffer.stats().bufferedSpans()).isEqualTo(spans);
      assertThat(buffer.stats().tracesKept() + buffer.stats().tracesDropped()).as("decided before the stop").isZero();
    } finally {
      server.close();
    }

    assertThat(buffer.stats().tracesDecided(DecisionReason.SHUTDOWN)).isEqualTo(sent.size());
    assertThat(buffer.stats().tracesKept()).isEqualTo(sent.size());
    assertThat(server.sampler().storeQueue().stats().queuedBatches()).isZero();
    assertThat(exportAfterStop(grpcPort).isSuccess()).as("export to a stopped server").isFalse();

    try (CassandraSpanStore reopened = TestStores.open(KEYSPACE)) {
      StoredTraces stored = new StoredTraces(reopened.reader());
      sent.forEach(
          (trace, kind) -> {
            assertThat(stored.spanIds(trace.traceId())).as("spans of %s", trace).isEqualTo(trace.spanIds());
            assertThat(stored.summary(trace.traceId()).sampling())
                .as("sampling of %s", trace)
                .isEqualTo(new Sampling(kind.rule(), 1.0));
            assertThat(server.sampler().why(trace.traceId()).orElseThrow().reason())
                .isEqualTo(DecisionReason.SHUTDOWN);
          });
    }
  }

  private static CompletableResultCode exportAfterStop(int grpcPort) {
    try (OtelServices collecting = OtelServices.collecting()) {
      collecting.send("error", TraceShapes.errorStatus());
      List<SpanData> spans = collecting.takeEnded();
      SpanExporter exporter = OtelServices.exporter(Transport.GRPC, grpcPort, false);
      try {
        return exporter.export(spans).join(30, TimeUnit.SECONDS);
      } finally {
        exporter.shutdown().join(10, TimeUnit.SECONDS);
      }
    }
  }
}
