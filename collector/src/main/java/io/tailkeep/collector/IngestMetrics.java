package io.tailkeep.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * The receivers' counters, names in one place. Spans are counted once parsed: received = accepted
 * + refused. Requests refused before their spans could be read (unparseable, too large, wrong
 * content type) are counted as requests, by the status the exporter got.
 */
final class IngestMetrics {

  static final String INVALID_ID = "invalid_id";
  static final String FULL = "full";
  static final String SINK_ERROR = "sink_error";

  private final MeterRegistry registry;

  IngestMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "meterRegistry");
  }

  void received(String transport, long spans) {
    spans("tailkeep.collector.spans.received", "Spans in parsed export requests", transport)
        .increment(spans);
  }

  void accepted(String transport, long spans) {
    spans("tailkeep.collector.spans.accepted", "Spans taken into the sampler", transport)
        .increment(spans);
  }

  /** {@code reason}: {@link #INVALID_ID}, {@link #FULL} or {@link #SINK_ERROR}. */
  void refused(String transport, String reason, long spans) {
    Counter.builder("tailkeep.collector.spans.refused")
        .description("Spans refused: bad IDs (partial success), or full (the exporter retries)")
        .tags("transport", transport, "reason", reason)
        .register(registry)
        .increment(spans);
  }

  /** A request refused whole before its spans were read; {@code status} as the exporter saw it. */
  void requestRefused(String transport, String status) {
    Counter.builder("tailkeep.collector.requests.refused")
        .description("Export requests refused before their spans were read")
        .tags("transport", transport, "status", status)
        .register(registry)
        .increment();
  }

  private Counter spans(String name, String description, String transport) {
    return Counter.builder(name)
        .description(description)
        .tags("transport", transport)
        .register(registry);
  }
}
