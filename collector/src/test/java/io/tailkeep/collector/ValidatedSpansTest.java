package io.tailkeep.collector;

import static io.tailkeep.collector.TestRequests.bytes;
import static io.tailkeep.collector.TestRequests.request;
import static io.tailkeep.collector.TestRequests.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.wire.ExportRequestScanner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The wire-level reading of export requests, as the receivers see it. */
class ValidatedSpansTest {

  private static ValidatedSpans read(ExportTraceServiceRequest request) throws Exception {
    return ValidatedSpans.of(ExportRequestScanner.scan(request.toByteArray()));
  }

  @Test
  void validSpansCarryTheirResourceScopeAndSchemaUrls() throws Exception {
    ExportTraceServiceRequest request = request(span("GET /cart"), span("SELECT").clearParentSpanId());

    ValidatedSpans spans = read(request);

    assertThat(spans.rejected()).isZero();
    assertThat(spans.errorMessage()).isEmpty();
    assertThat(spans.response()).isEqualTo(ExportTraceServiceResponse.getDefaultInstance());
    assertThat(spans.accepted()).hasSize(2);
    OtlpSpan first = spans.accepted().get(0).toOtlpSpan();
    assertThat(first.serviceName()).isEqualTo("checkout");
    assertThat(first.scope().getName()).isEqualTo("test-scope");
    assertThat(first.resourceSchemaUrl()).isEqualTo("https://opentelemetry.io/schemas/1.25.0");
    assertThat(first.scopeSchemaUrl()).isEqualTo("https://opentelemetry.io/schemas/1.24.0");
    assertThat(first.span()).isEqualTo(request.getResourceSpans(0).getScopeSpans(0).getSpans(0));
    assertThat(spans.accepted().get(1).isRoot()).isTrue();
  }

  @Test
  void emptyRequestIsFine() throws Exception {
    ValidatedSpans spans = read(ExportTraceServiceRequest.getDefaultInstance());

    assertThat(spans.accepted()).isEmpty();
    assertThat(spans.rejected()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "short trace id  | trace  | 4  | 1 | span.trace_id must be 16 bytes, got 4",
        "empty trace id  | trace  | 0  | 1 | span.trace_id must be 16 bytes, got 0",
        "zero trace id   | trace  | 16 | 0 | span.trace_id must not be all zeros",
        "long span id    | span   | 9  | 1 | span.span_id must be 8 bytes, got 9",
        "zero span id    | span   | 8  | 0 | span.span_id must not be all zeros",
        "short parent id | parent | 3  | 1 | span.parent_span_id must be 8 bytes, got 3",
        "zero parent id  | parent | 8  | 0 | span.parent_span_id must not be all zeros",
      })
  void badIdIsRejectedWithItsProblemNamed(
      String caseName, String field, int length, int fill, String problem) throws Exception {
    ByteString id = bytes(length, fill);
    var bad = span("bad");
    switch (field) {
      case "trace" -> bad.setTraceId(id);
      case "span" -> bad.setSpanId(id);
      default -> bad.setParentSpanId(id);
    }

    ValidatedSpans spans = read(request(span("good"), bad));

    assertThat(spans.accepted()).extracting(span -> span.toOtlpSpan().name()).containsExactly("good");
    assertThat(spans.rejected()).isOne();
    assertThat(spans.errorMessage())
        .isEqualTo("1 span rejected: " + problem + " (first: resource 0, scope 0, span 1)");
  }

  @Test
  void manyRejectionsAreCountedAndTheFirstIsLocated() throws Exception {
    ExportTraceServiceRequest single = request(span("ok"));
    ResourceSpans second =
        ResourceSpans.newBuilder()
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(span("ok")))
            .addScopeSpans(
                ScopeSpans.newBuilder()
                    .addSpans(span("ok"))
                    .addSpans(span("ok"))
                    .addSpans(span("short").setTraceId(bytes(4, 1)))
                    .addSpans(span("zero span").setSpanId(bytes(8, 0))))
            .build();
    ExportTraceServiceRequest request = single.toBuilder().addResourceSpans(second).build();

    ValidatedSpans spans = read(request);

    assertThat(spans.accepted()).hasSize(4);
    assertThat(spans.rejected()).isEqualTo(2);
    assertThat(spans.errorMessage())
        .isEqualTo(
            "2 spans rejected: span.trace_id must be 16 bytes, got 4"
                + " (first: resource 1, scope 1, span 2)");
    assertThat(spans.response().getPartialSuccess().getRejectedSpans()).isEqualTo(2);
    assertThat(spans.response().getPartialSuccess().getErrorMessage())
        .isEqualTo(spans.errorMessage());
  }

  @Test
  void spansWithoutResourceOrScopeGetEmptyOnes() throws Exception {
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span("x"))))
            .build();

    OtlpSpan only = read(request).accepted().get(0).toOtlpSpan();

    assertThat(only.serviceName()).isEqualTo(OtlpSpan.UNKNOWN_SERVICE);
    assertThat(only.scope().getName()).isEmpty();
  }
}
