package io.tailkeep.collector;

import static io.tailkeep.collector.TestRequests.bytes;
import static io.tailkeep.collector.TestRequests.request;
import static io.tailkeep.collector.TestRequests.scanned;
import static io.tailkeep.collector.TestRequests.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every way an export can go is counted, in spans once they are read. */
class IngestMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RecordingSpanSink sink = new RecordingSpanSink();
  private final TraceIngest grpc = new TraceIngest(sink, "OTLP/gRPC", registry);
  private final TraceIngest http = new TraceIngest(sink, "OTLP/HTTP", registry);

  @Test
  void acceptedAndBadIdSpansAreCountedApart() {
    grpc.export(scanned(request(span("a"), span("b"), span("zero span").setSpanId(bytes(8, 0)))));

    assertThat(count("tailkeep.collector.spans.received", "transport", "grpc")).isEqualTo(3);
    assertThat(count("tailkeep.collector.spans.accepted", "transport", "grpc")).isEqualTo(2);
    assertThat(refused("grpc", "invalid_id")).isEqualTo(1);
  }

  @Test
  void aFullSinkAndAFailingSinkAreRefusals() {
    sink.answerWith(Admission.full("full", Duration.ofSeconds(1)));
    http.export(scanned(request(span("a"), span("b"))));
    sink.failWith(new IllegalStateException("boom"));
    http.export(scanned(request(span("c"))));

    assertThat(count("tailkeep.collector.spans.received", "transport", "http")).isEqualTo(3);
    assertThat(refused("http", "full")).isEqualTo(2);
    assertThat(refused("http", "sink_error")).isEqualTo(1);
    assertThat(count("tailkeep.collector.spans.accepted", "transport", "http")).isZero();
  }

  @Test
  void requestsRefusedUnreadAreCountedByStatus() {
    http.refusedRequest("415");
    http.refusedRequest("415");
    grpc.refusedRequest("invalid_argument");

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
