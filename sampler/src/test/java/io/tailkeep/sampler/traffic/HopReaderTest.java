package io.tailkeep.sampler.traffic;

import static io.tailkeep.sampler.traffic.TrafficSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.AttributeKeys;
import io.tailkeep.store.wire.SpanFieldReader;
import io.tailkeep.store.wire.SpanFields;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The service graph's light reader says what the project's span reader says. */
class HopReaderTest {

  private static final SpanFieldReader READER = new SpanFieldReader(AttributeKeys.NONE);

  @Test
  void kindTimesStatusAndErrorAgreeWithTheSpanReader() {
    AnyValue array5xx =
        AnyValue.newBuilder()
            .setArrayValue(ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setIntValue(503)))
            .build();
    List<WireSpan> spans =
        List.of(
            span("a", 1, 0).server().millis(7).build(),
            span("a", 2, 0).server().attribute("http.response.status_code", 503).build(),
            span("a", 3, 0).server().attribute("http.status_code", " 500 ").build(),
            span("a", 4, 0).server().status(StatusCode.STATUS_CODE_OK).attribute("http.response.status_code", 599).build(),
            span("a", 5, 0).server().attribute("http.response.status_code", 404).build(),
            span("a", 6, 0).server().attribute("http.response.status_code", "n/a").build(),
            span("a", 7, 0).server().attribute("http.response.status_code", array5xx).build(), // no status
            span("a", 13, 0).server().attribute("http.response.status_code", 503.0).build(),
            span("a", 8, 0).client().attribute("http.response.status_code", 500).build(),
            span("a", 9, 0).client().error().build(),
            span("a", 10, 0).kind(SpanKind.SPAN_KIND_CONSUMER).error().millis(2).build(),
            span("a", 11, 0).nanos(-5).build(), // an end before the start
            span("a", 12, 0).server().attribute("http.response.status_code", 200)
                .attribute("http.status_code", 502).build());
    for (WireSpan span : spans) {
      SpanFields fields = READER.read(span);
      HopReader.Frame frame = HopReader.frame(span.bytes());
      assertThat(frame.kind()).as("kind of %s", span).isEqualTo(fields.kind());
      assertThat(frame.statusCode()).isEqualTo(fields.statusCode());
      assertThat(frame.durationNanos()).isEqualTo(fields.durationNanos());
      assertThat(HopReader.isError(span.bytes(), frame)).as("error of span %s", span.spanId()).isEqualTo(fields.isError());
    }
  }

  @Test
  void peerNamesAreStringsOfTheEarliestKey() {
    assertThat(HopReader.peerName(span("a", 1, 0).client()
        .attribute("net.peer.name", "host").attribute("db.system", "postgresql").build().bytes()))
        .isEqualTo("postgresql");
    assertThat(HopReader.peerName(span("a", 1, 0).client()
        .attribute("peer.service", 42).attribute("server.address", "host").build().bytes()))
        .isEqualTo("host");
    assertThat(HopReader.peerName(span("a", 1, 0).client().attribute("db.systemx", "no").build().bytes()))
        .isNull();
  }
}
