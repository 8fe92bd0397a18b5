package io.tailkeep.collector;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.tailkeep.store.wire.ExportRequestScanner.ScannedRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What both receivers do with a parsed request: validate, offer to the sink, say how it went. */
final class TraceIngest {

  private static final Logger LOG = LoggerFactory.getLogger(TraceIngest.class);

  private final SpanSink sink;
  private final String transport;
  private final IngestMetrics metrics;

  /**
   * @param transport names the receiver in logs ({@code OTLP/gRPC}); its lower-case protocol
   *     ({@code grpc}) tags the metrics
   */
  TraceIngest(SpanSink sink, String transport, MeterRegistry registry) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.transport = Objects.requireNonNull(transport, "transport");
    String tag = transport.substring(transport.indexOf('/') + 1).toLowerCase(Locale.ROOT);
    this.metrics = new IngestMetrics(registry, tag);
  }

  /** Validates and offers; the stage completes with how it went, never exceptionally. */
  CompletionStage<Outcome> export(ScannedRequest request) {
    ValidatedSpans spans = ValidatedSpans.of(request);
    int offered = spans.accepted().size();
    metrics.received(offered + spans.rejected());
    if (spans.rejected() > 0) {
      LOG.debug("{} export: {}", transport, spans.errorMessage());
      metrics.refusedInvalidId(spans.rejected());
    }
    if (spans.accepted().isEmpty()) {
      return CompletableFuture.completedFuture(new Outcome.Accepted(spans.response()));
    }
    CompletionStage<Admission> admission;
    try {
      admission = Objects.requireNonNull(sink.offer(spans.accepted()), "the sink answered null");
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(sinkFailed(offered, e));
    }
    return admission.handle(
        (answer, failure) -> {
          if (failure != null || answer == null) {
            return sinkFailed(offered, failure == null ? new NullPointerException("the sink answered null") : failure);
          }
          if (!answer.accepted()) {
            LOG.debug(
                "{} export: {} spans refused, retry after {}: {}",
                transport,
                offered,
                answer.retryAfter(),
                answer.reason());
            metrics.refusedFull(offered);
            return new Outcome.Full(answer.reason(), answer.retryAfter());
          }
          metrics.accepted(offered);
          return new Outcome.Accepted(spans.response());
        });
  }

  /** A sink bug must not look like success (spans would vanish) nor like bad input (no retry). */
  private Outcome sinkFailed(int offered, Throwable failure) {
    LOG.warn("{} export: span sink failed on {} spans", transport, offered, failure);
    metrics.refusedSinkError(offered);
    return new Outcome.SinkFailed();
  }

  /** A request refused before its spans were read, counted under the status the exporter got. */
  void refusedRequest(String status) {
    metrics.requestRefused(status);
  }

  /** How an export went, for the receiver to put in its protocol's terms. */
  sealed interface Outcome {

    /** Taken (possibly with some spans refused for bad IDs, which {@code response} reports). */
    record Accepted(ExportTraceServiceResponse response) implements Outcome {}

    /** The sink is full: nothing was taken, the exporter should retry after {@code retryAfter}. */
    record Full(String reason, Duration retryAfter) implements Outcome {}

    /** The sink threw: nothing was taken; the exporter may retry. */
    record SinkFailed() implements Outcome {}
  }
}
