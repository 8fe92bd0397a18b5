package io.tailkeep.store.wire;

import static io.tailkeep.store.testing.TestSpans.attr;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.tailkeep.proto.ingest.v1.TraceRecord;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanId;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.testing.TestSpans;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceRecordsTest {

  private final TestSpans spans = new TestSpans(11);

  @Test
  void aRecordReadsBackAsTheSameSpansUnderTheSameResourcesAndScopes() throws Exception {
    TraceId traceId = spans.newTraceId();
    SpanId root = spans.newSpanId();
    List<OtlpSpan> sent = new ArrayList<>(spans.trace(traceId, "web", "GET /", 1_000, 500, 3, attr("http.route", "/")));
    sent.add(spans.everyField(traceId, spans.newSpanId(), root, 2_000));
    OtlpSpan bare = spans.span(traceId, spans.newSpanId(), root, "db", "SELECT", 1_200, 30);
    sent.add(new OtlpSpan(Resource.getDefaultInstance(), "", InstrumentationScope.getDefaultInstance(), "", bare.span()));
    List<WireSpan> scanned = ExportRequestScanner.scan(ExportRequestScannerTest.requestOf(sent).toByteArray()).accepted();

    byte[] record = TraceRecords.encode(scanned);

    List<WireSpan> read = ExportRequestScanner.scan(record).accepted();
    assertThat(read).extracting(WireSpan::toOtlpSpan).containsExactlyElementsOf(sent);
    for (int i = 0; i < read.size(); i++) {
      assertThat(read.get(i).bytes()).isEqualTo(scanned.get(i).bytes());
    }
    TraceRecord parsed = TraceRecord.parseFrom(record);
    assertThat(parsed.getResourceSpansCount()).isEqualTo(groupsOfConsecutiveOrigins(scanned));
    assertThat(ExportTraceServiceRequest.parseFrom(record).getResourceSpansList())
        .isEqualTo(parsed.getResourceSpansList());
  }

  @Test
  void spansSharingAnOriginShareOneScopeSpans() throws Exception {
    TraceId traceId = spans.newTraceId();
    List<OtlpSpan> sent = spans.trace(traceId, "web", "GET /", 1_000, 500, 5);
    ExportTraceServiceRequest.Builder export = ExportTraceServiceRequest.newBuilder();
    ScopeSpans.Builder scope = ScopeSpans.newBuilder().setScope(sent.get(0).scope()).setSchemaUrl("https://scope");
    sent.forEach(span -> scope.addSpans(span.span()));
    export.addResourceSpans(
        ResourceSpans.newBuilder().setResource(sent.get(0).resource()).setSchemaUrl("https://resource").addScopeSpans(scope));
    List<WireSpan> scanned = ExportRequestScanner.scan(export.build().toByteArray()).accepted();

    TraceRecord parsed = TraceRecord.parseFrom(TraceRecords.encode(scanned));

    assertThat(parsed.getResourceSpansList()).isEqualTo(export.build().getResourceSpansList());
  }

  private static int groupsOfConsecutiveOrigins(List<WireSpan> spans) {
    int groups = 0;
    for (int i = 0; i < spans.size(); i++) {
      if (i == 0 || !spans.get(i).origin().equals(spans.get(i - 1).origin())) {
        groups++;
      }
    }
    return groups;
  }
}
