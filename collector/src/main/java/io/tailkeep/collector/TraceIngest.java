package io.tailkeep.collector;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What both receivers do with a parsed request: validate, offer to the sink, say how it went. */
final class TraceIngest {

  private static final Logger LOG = LoggerFactory.getLogger(TraceIngest.class);

  private final SpanSink sink;
  private final IngestMetrics metrics;

  TraceIngest(SpanSink sink, IngestMetrics metrics) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** {@code transport} names the receiver in logs ("OTLP/gRPC") and metrics ("grpc"). */
  Outcome export(ExportTraceServiceRequest request, String transport) {
    String tag = metricTag(transport);
    ValidatedSpans spans = OtlpRequests.toSpans(request);
    int offered = spans.accepted().size();
    metrics.received(tag, offered + spans.rejected());
    if (spans.rejected() > 0) {
      LOG.debug("{} export: {}", transport, spans.errorMessage());
      metrics.refused(tag, IngestMetrics.INVALID_ID, spans.rejected());
    }
    if (spans.accepted().isEmpty()) {
      return new Outcome.Accepted(spans.response());
    }
    Admission admission;
    try {
      admission = sink.offer(spans.accepted());
    } catch (RuntimeException e) {
      // A sink bug must not look like success (spans would vanish) nor like bad input (no retry).
      LOG.warn("{} export: span sink failed on {} spans", transport, offered, e);
      metrics.refused(tag, IngestMetrics.SINK_ERROR, offered);
      return new Outcome.SinkFailed();
    }
    if (admission == null) {
      LOG.warn("{} export: span sink answered null for {} spans", transport, offered);
      metrics.refused(tag, IngestMetrics.SINK_ERROR, offered);
      return new Outcome.SinkFailed();
    }
    if (!admission.accepted()) {
      LOG.debug(
          "{} export: {} spans refused, retry after {}: {}",
          transport,
          spans.accepted().size(),
          admission.retryAfter(),
          admission.reason());
      metrics.refused(tag, IngestMetrics.FULL, offered);
      return new Outcome.Full(admission.reason(), admission.retryAfter());
    }
    metrics.accepted(tag, offered);
    return new Outcome.Accepted(spans.response());
  }

  /** A request refused before its spans were read, counted under the status the exporter got. */
  void refusedRequest(String transport, String status) {
    metrics.requestRefused(metricTag(transport), status);
  }

  private static String metricTag(String transport) {
    return transport.substring(transport.indexOf('/') + 1).toLowerCase(Locale.ROOT);
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
