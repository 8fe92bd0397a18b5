package io.tailkeep.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One receiver's counters, names in one place. Spans are counted once parsed: received = accepted
 * + refused. Requests refused before their spans could be read (unparseable, too large, wrong
 * content type) are counted as requests, by the status the exporter got. The span counters are
 * registered once, since they are bumped on every export.
 */
final class IngestMetrics {

  private final MeterRegistry registry;
  private final String transport;
  private final Counter received;
  private final Counter accepted;
  private final Counter refusedInvalidId;
  private final Counter refusedFull;
  private final Counter refusedSinkError;
  /** By status; refused requests are rare, so registered on first use. */
  private final Map<String, Counter> refusedRequests = new ConcurrentHashMap<>();

  /** @param transport the metric tag: {@code grpc} or {@code http} */
  IngestMetrics(MeterRegistry registry, String transport) {
    this.registry = Objects.requireNonNull(registry, "meterRegistry");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.received = spans("tailkeep.collector.spans.received", "Spans in parsed export requests");
    this.accepted = spans("tailkeep.collector.spans.accepted", "Spans taken into the sampler");
    this.refusedInvalidId = refused("invalid_id");
    this.refusedFull = refused("full");
    this.refusedSinkError = refused("sink_error");
  }

  void received(long spans) {
    received.increment(spans);
  }

  void accepted(long spans) {
    accepted.increment(spans);
  }

  /** Bad IDs, reported to the exporter in partial success. */
  void refusedInvalidId(long spans) {
    refusedInvalidId.increment(spans);
  }

  /** The sink was full; the exporter retries. */
  void refusedFull(long spans) {
    refusedFull.increment(spans);
  }

  /** The sink failed; the exporter retries. */
  void refusedSinkError(long spans) {
    refusedSinkError.increment(spans);
  }

  /** A request refused whole before its spans were read; {@code status} as the exporter saw it. */
  void requestRefused(String status) {
    refusedRequests
        .computeIfAbsent(
            status,
            s ->
                Counter.builder("tailkeep.collector.requests.refused")
                    .description("Export requests refused before their spans were read")
                    .tags("transport", transport, "status", s)
                    .register(registry))
        .increment();
  }

  private Counter spans(String name, String description) {
    return Counter.builder(name)
        .description(description)
        .tags("transport", transport)
        .register(registry);
  }

  private Counter refused(String reason) {
    return Counter.builder("tailkeep.collector.spans.refused")
        .description("Spans refused: bad IDs (partial success), or full (the exporter retries)")
        .tags("transport", transport, "reason", reason)
        .register(registry);
  }
}
