package io.tailkeep.store.wire;

import static io.tailkeep.store.testing.TestSpans.attr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tailkeep.proto.store.v1.StoredSpan;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.StoredEnvelope;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.testing.TestSpans;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExportRequestScannerTest {

  private final TestSpans spans = new TestSpans(7);

  /** The request an exporter would send for these spans, grouped by resource and scope. */
  static ExportTraceServiceRequest requestOf(List<OtlpSpan> spans) {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (OtlpSpan span : spans) {
      request.addResourceSpans(
          ResourceSpans.newBuilder()
              .setResource(span.resource())
              .setSchemaUrl(span.resourceSchemaUrl())
              .addScopeSpans(
                  ScopeSpans.newBuilder()
                      .setScope(span.scope())
                      .setSchemaUrl(span.scopeSchemaUrl())
                      .addSpans(span.span())));
    }
    return request.build();
  }

  private List<OtlpSpan> sample() {
    TraceId traceId = spans.newTraceId();
    var root = spans.newSpanId();
    List<OtlpSpan> list = new ArrayList<>(spans.trace(traceId, "web", "GET /", 1_000, 500, 3, attr("http.route", "/")));
    list.add(spans.everyField(traceId, spans.newSpanId(), root, 2_000));
    return list;
  }

  @Test
  void everySpanReadsBackAsTheExporterSentIt() throws Exception {
    List<OtlpSpan> sent = sample();

    List<WireSpan> read = ExportRequestScanner.scan(requestOf(sent).toByteArray()).accepted();

    assertThat(read).extracting(WireSpan::toOtlpSpan).containsExactlyElementsOf(sent);
    WireSpan first = read.get(0);
    assertThat(first.traceId()).isEqualTo(sent.get(0).traceId());
    assertThat(first.spanId()).isEqualTo(sent.get(0).spanId());
    assertThat(first.isRoot()).isEqualTo(sent.get(0).isRoot());
    SpanFields fields = new SpanFieldReader(AttributeKeys.NONE).read(first);
    assertThat(fields.startNanos()).isEqualTo(sent.get(0).startEpochNanos());
    assertThat(fields.endNanos()).isEqualTo(sent.get(0).endEpochNanos());
    assertThat(fields.name()).isEqualTo(sent.get(0).name());
  }

  @Test
  void theStoredEnvelopeHoldsTheExportersSpanBytesUntouched() throws Exception {
    Span.Builder withUnknown = sample().get(3).span().toBuilder();
    withUnknown.setUnknownFields(
        UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("future")).build())
            .build());
    OtlpSpan sent = OtlpSpan.of(sample().get(0).resource(), sample().get(0).scope(), withUnknown.build());
    byte[] exporterSpanBytes = sent.span().toByteArray();

    WireSpan read = ExportRequestScanner.scan(requestOf(List.of(sent)).toByteArray()).accepted().get(0);
    byte[] stored = StoredEnvelope.encode(read);

    assertThat(read.bytes()).isEqualTo(exporterSpanBytes);
    assertThat(StoredSpan.parseFrom(stored).getSpan().toByteArray()).isEqualTo(exporterSpanBytes);
    assertThat(StoredSpan.parseFrom(stored).getSpan().getUnknownFields().hasField(99)).isTrue();
    assertThat(Arrays.equals(
            stored, stored.length - exporterSpanBytes.length, stored.length,
            exporterSpanBytes, 0, exporterSpanBytes.length))
        .as("the span's bytes end the envelope verbatim")
        .isTrue();
  }

  @Test
  void spansOfOneScopeShareOneOrigin() throws Exception {
    List<OtlpSpan> trace = spans.trace(spans.newTraceId(), "web", "GET /", 1_000, 500, 3);
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(trace.get(0).resource())
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .setScope(trace.get(0).scope())
                            .addSpans(trace.get(0).span())
                            .addSpans(trace.get(1).span())))
            .build();

    List<WireSpan> read = ExportRequestScanner.scan(request.toByteArray()).accepted();

    assertThat(read.get(0).origin()).isSameAs(read.get(1).origin());
    assertThat(read.get(0).origin().serviceName()).isEqualTo("web");
  }

  @Test
  void requestsWithTheSameResourceShareOneOriginThatNoSpanPaysFor() throws Exception {
    byte[] request = requestOf(sample().subList(0, 1)).toByteArray();

    WireSpan first = ExportRequestScanner.scan(request).accepted().get(0);
    WireSpan again = ExportRequestScanner.scan(request).accepted().get(0);

    assertThat(again.origin()).isSameAs(first.origin());
    assertThat(first.retainedBytes()).isEqualTo(WireSpan.OBJECT_BYTES + 16L + first.bytes().length);
  }

  @Test
  void invalidUtf8IsRefusedAsProtobufRefusesIt() {
    Span span =
        sample().get(0).span().toBuilder()
            .addAttributes(
                KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setStringValue("@@MARK@@")))
            .build();
    byte[] request = requestOf(List.of(OtlpSpan.of(sample().get(0).resource(), sample().get(0).scope(), span))).toByteArray();
    // Protobuf's builders refuse invalid UTF-8, so it is patched into the encoded request.
    String text = new String(request, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = text.indexOf("@@MARK@@");
    request[at] = (byte) 0xC3;
    request[at + 1] = 0x28;

    assertThatThrownBy(() -> ExportTraceServiceRequest.parseFrom(request))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> ExportRequestScanner.scan(request))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("invalid UTF-8");
  }

  @Test
  void aTruncatedRequestIsRefused() {
    byte[] request = requestOf(sample()).toByteArray();
    byte[] truncated = Arrays.copyOf(request, request.length - 5);

    assertThatThrownBy(() -> ExportRequestScanner.scan(truncated))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("ended in the middle of a field");
  }

  /**
   * Whatever the scanner takes must decode later (it is stored as it is): random corruptions of a
   * request are either refused by both, or read by both to the same spans.
   */
  @Test
  void whateverTheScannerTakesProtobufParsesToTheSameSpans() throws Exception {
    byte[] valid = requestOf(sample()).toByteArray();
    Random random = new Random(11);
    int acceptedByBoth = 0;
    for (int round = 0; round < 3_000; round++) {
      byte[] mutated = valid.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
      }
      ExportRequestScanner.ScannedRequest scanned;
      try {
        scanned = ExportRequestScanner.scan(mutated);
      } catch (InvalidProtocolBufferException refused) {
        continue;
      }
      ExportTraceServiceRequest parsed = ExportTraceServiceRequest.parseFrom(mutated);
      List<OtlpSpan> expected = new ArrayList<>();
      for (ResourceSpans rs : parsed.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span span : ss.getSpansList()) {
            if (OtlpSpan.idProblem(span) == null) {
              expected.add(new OtlpSpan(rs.getResource(), rs.getSchemaUrl(), ss.getScope(), ss.getSchemaUrl(), span));
            }
          }
        }
      }
      assertThat(scanned.accepted()).extracting(WireSpan::toOtlpSpan).containsExactlyElementsOf(expected);
      acceptedByBoth++;
    }
    assertThat(acceptedByBoth).as("some corruptions stay valid protobuf").isPositive();
  }
}
