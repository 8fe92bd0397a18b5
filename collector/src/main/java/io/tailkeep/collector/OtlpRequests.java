package io.tailkeep.collector;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tailkeep.store.OtlpSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an OTLP export request into {@link OtlpSpan}s, refusing spans with invalid IDs one by one so the
 * valid spans of the same request still go on (OTLP's partial success).
 */
final class OtlpRequests {

  private OtlpRequests() {}

  static ValidatedSpans toSpans(ExportTraceServiceRequest request) {
    List<OtlpSpan> accepted = new ArrayList<>();
    long rejected = 0;
    String firstProblem = null;
    for (int r = 0; r < request.getResourceSpansCount(); r++) {
      ResourceSpans resourceSpans = request.getResourceSpans(r);
      Resource resource = resourceSpans.getResource();
      for (int s = 0; s < resourceSpans.getScopeSpansCount(); s++) {
        ScopeSpans scopeSpans = resourceSpans.getScopeSpans(s);
        InstrumentationScope scope = scopeSpans.getScope();
        for (int i = 0; i < scopeSpans.getSpansCount(); i++) {
          Span span = scopeSpans.getSpans(i);
          String problem = OtlpSpan.idProblem(span);
          if (problem == null) {
            accepted.add(
                new OtlpSpan(
                    resource,
                    resourceSpans.getSchemaUrl(),
                    scope,
                    scopeSpans.getSchemaUrl(),
                    span));
          } else if (rejected++ == 0) {
            firstProblem =
                problem + " (first: resource " + r + ", scope " + s + ", span " + i + ")";
          }
        }
      }
    }
    String message =
        rejected == 0
            ? ""
            : rejected + (rejected == 1 ? " span" : " spans") + " rejected: " + firstProblem;
    return new ValidatedSpans(List.copyOf(accepted), rejected, message);
  }
}
