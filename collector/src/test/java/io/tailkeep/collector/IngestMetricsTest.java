package io.tailkeep.collector;

import static io.tailkeep.collector.TestRequests.bytes;
import static io.tailkeep.collector.TestRequests.request;
import static io.tailkeep.collector.TestRequests.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every way an export can go is counted, in spans once they are read. */
class IngestMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RecordingSink sink = new RecordingSink();
  private final TraceIngest ingest = new TraceIngest(sink, new IngestMetrics(registry));

  @Test
  void acceptedAndBadIdSpansAreCountedApart() {
    ingest.export(
        request(span("a"), span("b"), span("zero span").setSpanId(bytes(8, 0))), "OTLP/gRPC");

    assertThat(count("tailkeep.collector.spans.received", "transport", "grpc")).isEqualTo(3);
    assertThat(count("tailkeep.collector.spans.accepted", "transport", "grpc")).isEqualTo(2);
    assertThat(refused("grpc", IngestMetrics.INVALID_ID)).isEqualTo(1);
  }

  @Test
  void aFullSinkAndAFailingSinkAreRefusals() {
    sink.answerWith(Admission.full("full", Duration.ofSeconds(1)));
    ingest.export(request(span("a"), span("b")), "OTLP/HTTP");
    sink.failWith(new IllegalStateException("boom"));
    ingest.export(request(span("c")), "OTLP/HTTP");

    assertThat(count("tailkeep.collector.spans.received", "transport", "http")).isEqualTo(3);
    assertThat(refused("http", IngestMetrics.FULL)).isEqualTo(2);
    assertThat(refused("http", IngestMetrics.SINK_ERROR)).isEqualTo(1);
    assertThat(registry.find("tailkeep.collector.spans.accepted").counter()).isNull();
  }

  @Test
  void requestsRefusedUnreadAreCountedByStatus() {
    ingest.refusedRequest("OTLP/HTTP", "415");
    ingest.refusedRequest("OTLP/HTTP", "415");
    ingest.refusedRequest("OTLP/gRPC", "invalid_argument");

    assertThat(
            registry
                .get("tailkeep.collector.requests.refused")
                .tags("transport", "http", "status", "415")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get("tailkeep.collector.requests.refused")
                .tags("transport", "grpc", "status", "invalid_argument")
                .counter()
                .count())
        .isEqualTo(1);
  }

  private double count(String name, String tag, String value) {
    return registry.get(name).tags(tag, value).counter().count();
  }

  private double refused(String transport, String reason) {
    return registry
        .get("tailkeep.collector.spans.refused")
        .tags("transport", transport, "reason", reason)
        .counter()
        .count();
  }
}
