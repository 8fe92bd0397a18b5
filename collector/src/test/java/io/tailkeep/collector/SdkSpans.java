package io.tailkeep.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tailkeep.store.OtlpSpan;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Two spans made by the real OpenTelemetry SDK and sent through a real OTLP exporter. */
final class SdkSpans {

  record Sent(String traceId, String parentSpanId, String childSpanId) {}

  private SdkSpans() {}

  static Sent sendThrough(SpanExporter exporter) {
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), "checkout"))))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    try {
      Tracer tracer = provider.get("io.tailkeep.test", "1.0");
      Span parent =
          tracer
              .spanBuilder("GET /cart")
              .setSpanKind(SpanKind.SERVER)
              .setAttribute("http.route", "/cart")
              .startSpan();
      Span child;
      try (Scope ignored = parent.makeCurrent()) {
        child = tracer.spanBuilder("SELECT cart").setAttribute("db.rows", 3L).startSpan();
        child.setStatus(StatusCode.ERROR, "deadlock");
        child.end();
      }
      parent.end();
      CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
      assertThat(flushed.isSuccess()).as("exporter reported success").isTrue();
      return new Sent(
          parent.getSpanContext().getTraceId(),
          parent.getSpanContext().getSpanId(),
          child.getSpanContext().getSpanId());
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  static void assertReceived(List<OtlpSpan> received, Sent sent) {
    assertThat(received).hasSize(2);
    assertThat(received).allSatisfy(span -> {
      assertThat(span.traceId().toHex()).isEqualTo(sent.traceId());
      assertThat(span.serviceName()).isEqualTo("checkout");
      assertThat(span.scope().getName()).isEqualTo("io.tailkeep.test");
    });
    OtlpSpan parent = find(received, sent.parentSpanId());
    OtlpSpan child = find(received, sent.childSpanId());
    assertThat(parent.name()).isEqualTo("GET /cart");
    assertThat(parent.isRoot()).isTrue();
    assertThat(parent.attribute("http.route").orElseThrow().getStringValue()).isEqualTo("/cart");
    assertThat(parent.attribute("telemetry.sdk.language").orElseThrow().getStringValue())
        .isEqualTo("java");
    assertThat(child.name()).isEqualTo("SELECT cart");
    assertThat(child.parentSpanId().orElseThrow().toHex()).isEqualTo(sent.parentSpanId());
    assertThat(child.attribute("db.rows").orElseThrow().getIntValue()).isEqualTo(3);
    assertThat(child.isError()).isTrue();
  }

  private static OtlpSpan find(List<OtlpSpan> spans, String spanIdHex) {
    return spans.stream()
        .filter(span -> span.spanId().toHex().equals(spanIdHex))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + spanIdHex + " in " + spans));
  }
}
