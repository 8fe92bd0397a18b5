package io.tailkeep.store.cassandra;

import static io.tailkeep.store.testing.TestSpans.attr;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanOrigin;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.testing.TestSpans;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanBlocksTest {
  private final TestSpans spans = new TestSpans(7);

  @Test
  void aBlockHoldsTheExportersBytesAndGivesBackEveryFieldWithOneResourcePerOrigin() {
    TraceId traceId = spans.newTraceId();
    List<OtlpSpan> shop = spans.trace(traceId, "shop", "GET /", 1_000, 500, 4);
    OtlpSpan every = spans.everyField(traceId, spans.newSpanId(), shop.get(0).spanId(), 1_100);
    OtlpSpan withSchemas =
        new OtlpSpan(every.resource(), "https://opentelemetry.io/schemas/1.26.0", every.scope(),
            "https://example.com/scope-schema", every.span());
    OtlpSpan bare =
        new OtlpSpan(Resource.getDefaultInstance(), "", InstrumentationScope.getDefaultInstance(), "",
            spans.span(traceId, spans.newSpanId(), null, "x", "no resource", 1_200, 5).span());
    List<WireSpan> wire = new ArrayList<>();
    SpanOrigin shopOrigin = WireSpan.of(shop.get(1)).origin();
    wire.add(WireSpan.of(shop.get(0)));
    for (OtlpSpan child : shop.subList(1, shop.size())) {
      wire.add(WireSpan.of(shopOrigin, child)); // the children share one origin, as in a request
    }
    wire.add(WireSpan.of(withSchemas));
    wire.add(WireSpan.of(bare));

    List<SpanBlocks.Block> blocks = SpanBlocks.encode(wire, SpanBlocks.MAX_BLOCK_BYTES);

    assertThat(blocks).hasSize(1);
    assertThat(blocks.get(0).part()).isZero();
    assertThat(blocks.get(0).spanCount()).isEqualTo(6);
    byte[] stored = blocks.get(0).bytes();
    for (WireSpan span : wire) {
      assertThat(indexOf(stored, span.bytes())).as("the exporter's bytes of %s", span).isNotNegative();
    }
    List<OtlpSpan> read = new ArrayList<>();
    SpanBlocks.decode(ByteBuffer.wrap(stored), read);
    List<OtlpSpan> written = new ArrayList<>(shop);
    written.add(withSchemas);
    written.add(bare);
    assertThat(read).containsExactlyInAnyOrderElementsOf(written);
    List<OtlpSpan> children =
        read.stream().filter(s -> s.name().startsWith("child-")).toList();
    assertThat(children).hasSize(3).allSatisfy(s -> assertThat(s.resource()).isSameAs(children.get(0).resource()));
  }

  @Test
  void blocksStayWithinTheirBoundAndASpanOverItGoesAlone() {
    TraceId traceId = spans.newTraceId();
    List<OtlpSpan> trace = spans.trace(traceId, "batch", "run", 1_000, 50_000, 60);
    trace.add(30, spans.span(traceId, spans.newSpanId(), trace.get(0).spanId(), "batch", "big", 2_000, 10,
        attr("payload", "b".repeat(10_000))));
    List<WireSpan> wire = trace.stream().map(WireSpan::of).toList();

    List<SpanBlocks.Block> blocks = SpanBlocks.encode(wire, 2_048);

    assertThat(blocks.size()).isGreaterThan(3);
    assertThat(blocks).extracting(SpanBlocks.Block::part)
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, blocks.size()).boxed().toList());
    assertThat(blocks).filteredOn(b -> b.bytes().length > 2_048).singleElement()
        .extracting(SpanBlocks.Block::spanCount).isEqualTo(1);
    assertThat(blocks.stream().mapToInt(SpanBlocks.Block::spanCount).sum()).isEqualTo(61);
    List<OtlpSpan> read = new ArrayList<>();
    for (SpanBlocks.Block block : blocks) {
      SpanBlocks.decode(ByteBuffer.wrap(block.bytes()), read);
    }
    assertThat(read).containsExactlyInAnyOrderElementsOf(trace);
    // The same spans in the same order make the same blocks: a retried batch rewrites its rows.
    List<SpanBlocks.Block> again = SpanBlocks.encode(wire, 2_048);
    assertThat(again).hasSameSizeAs(blocks);
    for (int i = 0; i < blocks.size(); i++) {
      assertThat(Arrays.equals(again.get(i).bytes(), blocks.get(i).bytes())).isTrue();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
