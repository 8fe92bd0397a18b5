package io.tailkeep.store.cassandra;

import static io.tailkeep.store.testing.TestSpans.attr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.TracesData;
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
    new SpanBlocks.Decoder().decode(ByteBuffer.wrap(stored), read);
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
    SpanBlocks.Decoder decoder = new SpanBlocks.Decoder(); // one read's
    for (SpanBlocks.Block block : blocks) {
      decoder.decode(ByteBuffer.wrap(block.bytes()), read);
    }
    assertThat(read).containsExactlyInAnyOrderElementsOf(trace);
    // Each resource and scope is one object for the whole read, though every block holds them.
    assertThat(read.stream().map(OtlpSpan::resource).distinct()).hasSizeGreaterThan(1);
    for (OtlpSpan span : read) {
      assertThat(read).filteredOn(other -> other.resource().equals(span.resource()))
          .allSatisfy(other -> assertThat(other.resource()).isSameAs(span.resource()));
    }
    assertThat(read).allSatisfy(span -> assertThat(span.scope()).isSameAs(read.get(0).scope()));
    // The same spans in the same order make the same blocks: a retried batch rewrites its rows.
    List<SpanBlocks.Block> again = SpanBlocks.encode(wire, 2_048);
    assertThat(again).hasSameSizeAs(blocks);
    for (int i = 0; i < blocks.size(); i++) {
      assertThat(Arrays.equals(again.get(i).bytes(), blocks.get(i).bytes())).isTrue();
    }
  }

  @Test
  void readsWhatProtobufReadsWithRepeatedResourcesUnknownFieldsAndNoResource() throws Exception {
    TraceId traceId = spans.newTraceId();
    OtlpSpan every = spans.everyField(traceId, spans.newSpanId(), spans.newSpanId(), 1_000);
    Resource more = Resource.newBuilder().addAttributes(attr("host.name", "h1")).build();
    ByteString unknown = ByteString.copyFrom(new byte[] {(byte) 0xF8, 0x07, 0x2A}); // field 127, varint 42
    // A resource sent in two parts merges, as protobuf merges a repeated message field; unknown
    // fields at every level are skipped; a ResourceSpans without a resource has the empty one.
    ResourceSpans twoParts =
        ResourceSpans.newBuilder()
            .setResource(every.resource())
            .addScopeSpans(ScopeSpans.newBuilder().setScope(every.scope()).addSpans(every.span())
                .setSchemaUrl("https://example.com/scope"))
            .setSchemaUrl("https://example.com/resource")
            .build();
    ByteString block =
        TracesData.newBuilder().addResourceSpans(twoParts).build().toByteString()
            .concat(unknown)
            .concat(TracesData.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().setResource(more)
                    .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                        .mergeVarintField(99, 7).build()))
                .addResourceSpans(ResourceSpans.newBuilder()
                    .addScopeSpans(ScopeSpans.newBuilder().addSpans(every.span())))
                .build().toByteString());
    // The resource "more" without spans shows nowhere. Sent again as a later part of the first
    // ResourceSpans, it merges into that one's resource: protobuf's own parse says how.
    ByteString extraPart = ByteString.copyFrom(new byte[] {0x0A}).concat(sized(more.toByteString()));
    ByteString twoPartsAgain = sized(twoParts.toByteString().concat(extraPart));
    ByteString mergedBlock = ByteString.copyFrom(new byte[] {0x0A}).concat(twoPartsAgain);

    List<OtlpSpan> read = new ArrayList<>();
    new SpanBlocks.Decoder().decode(block.asReadOnlyByteBuffer(), read);
    new SpanBlocks.Decoder().decode(mergedBlock.asReadOnlyByteBuffer(), read);

    assertThat(read).containsExactly(
        new OtlpSpan(every.resource(), "https://example.com/resource", every.scope(), "https://example.com/scope",
            every.span()),
        new OtlpSpan(Resource.getDefaultInstance(), "", InstrumentationScope.getDefaultInstance(), "", every.span()),
        fromProtobuf(mergedBlock));
    assertThat(read.get(2).resource().getAttributesList())
        .contains(attr("host.name", "h1"))
        .containsAll(every.resource().getAttributesList());
  }

  @Test
  void aDamagedBlockIsAnErrorThatSaysSo() {
    assertThatThrownBy(() -> new SpanBlocks.Decoder().decode(ByteBuffer.wrap(new byte[] {0x0A, 0x7F, 0x01}),
        new ArrayList<>()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a stored span block is not a valid OTLP TracesData message");
  }

  private static OtlpSpan fromProtobuf(ByteString block) throws Exception {
    ResourceSpans resourceSpans = TracesData.parseFrom(block).getResourceSpans(0);
    ScopeSpans scopeSpans = resourceSpans.getScopeSpans(0);
    return new OtlpSpan(resourceSpans.getResource(), resourceSpans.getSchemaUrl(), scopeSpans.getScope(),
        scopeSpans.getSchemaUrl(), scopeSpans.getSpans(0));
  }

  /** The bytes with their length in front, as a length-delimited field's value. */
  private static ByteString sized(ByteString bytes) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream coded = com.google.protobuf.CodedOutputStream.newInstance(out);
    coded.writeUInt32NoTag(bytes.size());
    coded.flush();
    return ByteString.copyFrom(out.toByteArray()).concat(bytes);
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
