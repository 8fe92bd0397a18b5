package io.tailkeep.store.cassandra;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanOrigin;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.ProtoCursor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a written batch's spans are stored (schema v4): in blocks, each an OTLP {@code TracesData}
 * message, the form of OTLP's own file exports. A block is composed from the exporter's bytes by
 * concatenation: one {@code ResourceSpans} per origin (resource and scope) with its spans' messages
 * copied in, so nothing is parsed or re-encoded, and a resource is stored once per block instead
 * of once per span. A read ({@link Decoder}) decodes each distinct resource and scope once.
 */
final class SpanBlocks {
  /**
   * The most bytes of spans in one block, one row: a 1 000-span trace is a few rows, not a
   * thousand, while a row stays far below what Cassandra handles well. A span bigger than this
   * goes in a block of its own.
   */
  static final int MAX_BLOCK_BYTES = 128 * 1024;

  private static final int RESOURCE_SPANS = 1; // TracesData.resource_spans
  private static final int RESOURCE = 1; // ResourceSpans.resource
  private static final int SCOPE_SPANS = 2; // ResourceSpans.scope_spans
  private static final int SCHEMA_URL = 3; // ResourceSpans.schema_url and ScopeSpans.schema_url
  private static final int SCOPE = 1; // ScopeSpans.scope
  private static final int SPANS = 2; // ScopeSpans.spans
  /** Tags and length prefixes of one origin's ResourceSpans and ScopeSpans, at most. */
  private static final int ORIGIN_FRAMING = 4 * 6;

  /** One block: its place among the batch's blocks, how many spans it holds, its bytes. */
  record Block(int part, int spanCount, byte[] bytes) {}

  private SpanBlocks() {}

  /**
   * The spans in blocks of at most {@code maxBytes} each (a bigger span alone), in the given
   * order: the same spans in the same order give the same blocks.
   */
  static List<Block> encode(List<WireSpan> spans, int maxBytes) {
    List<Block> blocks = new ArrayList<>();
    Map<SpanOrigin, List<WireSpan>> block = new LinkedHashMap<>();
    long bytes = 0;
    int count = 0;
    for (WireSpan span : spans) {
      long spanBytes = CodedOutputStream.computeByteArraySize(SPANS, span.bytes());
      long added = spanBytes + (block.containsKey(span.origin()) ? 0 : originBytes(span.origin()));
      if (count > 0 && bytes + added > maxBytes) {
        blocks.add(new Block(blocks.size(), count, write(block)));
        block.clear();
        bytes = 0;
        count = 0;
        added = spanBytes + originBytes(span.origin()); // the new block holds no origin yet
      }
      block.computeIfAbsent(span.origin(), origin -> new ArrayList<>()).add(span);
      bytes += added;
      count++;
    }
    if (count > 0) {
      blocks.add(new Block(blocks.size(), count, write(block)));
    }
    return blocks;
  }

  /**
   * Decodes the blocks of one read. Blocks are read at the wire level; each span keeps its bytes
   * in the block and has its fields read from them ({@link OtlpSpan#decode}), and a resource or
   * scope is decoded once per read however many blocks and origins carry the same bytes: the spans
   * that share them share one object, which the views look up by identity (a trace's dozen
   * resources, not one per origin per block).
   */
  static final class Decoder {
    private final Map<ByteString, Resource> resources = new HashMap<>();
    private final Map<ByteString, InstrumentationScope> scopes = new HashMap<>();

    /** Appends a stored block's spans to {@code into}, every field as the exporter sent it. */
    void decode(ByteBuffer block, List<OtlpSpan> into) {
      // The driver hands each value in an array of its own, which the spans may keep.
      byte[] buf;
      int offset;
      if (block.hasArray()) {
        buf = block.array();
        offset = block.arrayOffset() + block.position();
      } else {
        buf = new byte[block.remaining()];
        block.duplicate().get(buf);
        offset = 0;
      }
      ProtoCursor in = new ProtoCursor(buf, offset, block.remaining());
      try {
        while (in.hasMore()) {
          int tag = in.readTag();
          if (tag == lengthDelimited(RESOURCE_SPANS)) {
            int outer = in.pushLimit(in.readLength());
            resourceSpans(in, into);
            in.popLimit(outer);
          } else {
            in.skipField(tag);
          }
        }
      } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
        throw new IllegalStateException("a stored span block is not a valid OTLP TracesData message", e);
      }
    }

    private void resourceSpans(ProtoCursor in, List<OtlpSpan> into) throws InvalidProtocolBufferException {
      ByteString resource = ByteString.EMPTY;
      String schemaUrl = "";
      List<ScopedSpans> scopeSpans = new ArrayList<>(1); // the schema URL may come after them
      while (in.hasMore()) {
        int tag = in.readTag();
        if (tag == lengthDelimited(RESOURCE)) {
          resource = resource.concat(bytes(in)); // a repeated message field merges
        } else if (tag == lengthDelimited(SCOPE_SPANS)) {
          int outer = in.pushLimit(in.readLength());
          scopeSpans.add(scopeSpans(in));
          in.popLimit(outer);
        } else if (tag == lengthDelimited(SCHEMA_URL)) {
          schemaUrl = in.readString();
        } else {
          in.skipField(tag);
        }
      }
      Resource decoded = once(resources, resource, Resource.parser());
      byte[] buf = in.buffer();
      for (ScopedSpans spans : scopeSpans) {
        for (int i = 0; i < spans.ranges.length; i += 2) {
          into.add(OtlpSpan.decode(
              decoded, schemaUrl, spans.scope, spans.schemaUrl, buf, spans.ranges[i], spans.ranges[i + 1]));
        }
      }
    }

    private ScopedSpans scopeSpans(ProtoCursor in) throws InvalidProtocolBufferException {
      ByteString scope = ByteString.EMPTY;
      String schemaUrl = "";
      int[] ranges = new int[16]; // offset, length of each span message
      int count = 0;
      while (in.hasMore()) {
        int tag = in.readTag();
        if (tag == lengthDelimited(SCOPE)) {
          scope = scope.concat(bytes(in));
        } else if (tag == lengthDelimited(SPANS)) {
          int length = in.readLength();
          if (count == ranges.length) {
            ranges = Arrays.copyOf(ranges, count * 2);
          }
          ranges[count++] = in.position();
          ranges[count++] = length;
          in.skipBytes(length);
        } else if (tag == lengthDelimited(SCHEMA_URL)) {
          schemaUrl = in.readString();
        } else {
          in.skipField(tag);
        }
      }
      return new ScopedSpans(once(scopes, scope, InstrumentationScope.parser()), schemaUrl,
          Arrays.copyOf(ranges, count));
    }

    /** A length-delimited field's bytes, in place. */
    private static ByteString bytes(ProtoCursor in) throws InvalidProtocolBufferException {
      int length = in.readLength();
      ByteString bytes = UnsafeByteOperations.unsafeWrap(in.buffer(), in.position(), length);
      in.skipBytes(length);
      return bytes;
    }

    /** The message these bytes encode, decoded the first time they are met. */
    private static <M> M once(Map<ByteString, M> decoded, ByteString bytes, Parser<M> parser)
        throws InvalidProtocolBufferException {
      M message = decoded.get(bytes);
      if (message == null) {
        message = parser.parseFrom(bytes);
        decoded.put(bytes, message);
      }
      return message;
    }

    /** The spans of one {@code ScopeSpans}: their byte ranges, their resource not known yet. */
    private record ScopedSpans(InstrumentationScope scope, String schemaUrl, int[] ranges) {}

    private static int lengthDelimited(int field) {
      return field << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED; // the field's tag, as protobuf writes it
    }
  }

  private static long originBytes(SpanOrigin origin) {
    return ORIGIN_FRAMING + origin.resource().length + origin.scope().length
        + 3L * (origin.resourceSchemaUrl().length() + origin.scopeSchemaUrl().length());
  }

  private static byte[] write(Map<SpanOrigin, List<WireSpan>> block) {
    int[] scopeSpansSizes = new int[block.size()];
    int[] resourceSpansSizes = new int[block.size()];
    int total = 0;
    int i = 0;
    for (Map.Entry<SpanOrigin, List<WireSpan>> entry : block.entrySet()) {
      SpanOrigin origin = entry.getKey();
      int scopeSpans = CodedOutputStream.computeByteArraySize(SCOPE, origin.scope());
      for (WireSpan span : entry.getValue()) {
        scopeSpans += CodedOutputStream.computeByteArraySize(SPANS, span.bytes());
      }
      if (!origin.scopeSchemaUrl().isEmpty()) {
        scopeSpans += CodedOutputStream.computeStringSize(SCHEMA_URL, origin.scopeSchemaUrl());
      }
      int resourceSpans = CodedOutputStream.computeByteArraySize(RESOURCE, origin.resource())
          + CodedOutputStream.computeTagSize(SCOPE_SPANS)
          + CodedOutputStream.computeUInt32SizeNoTag(scopeSpans)
          + scopeSpans;
      if (!origin.resourceSchemaUrl().isEmpty()) {
        resourceSpans += CodedOutputStream.computeStringSize(SCHEMA_URL, origin.resourceSchemaUrl());
      }
      scopeSpansSizes[i] = scopeSpans;
      resourceSpansSizes[i] = resourceSpans;
      total += CodedOutputStream.computeTagSize(RESOURCE_SPANS)
          + CodedOutputStream.computeUInt32SizeNoTag(resourceSpans)
          + resourceSpans;
      i++;
    }
    byte[] out = new byte[total];
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    try {
      i = 0;
      for (Map.Entry<SpanOrigin, List<WireSpan>> entry : block.entrySet()) {
        SpanOrigin origin = entry.getKey();
        coded.writeTag(RESOURCE_SPANS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        coded.writeUInt32NoTag(resourceSpansSizes[i]);
        coded.writeByteArray(RESOURCE, origin.resource());
        coded.writeTag(SCOPE_SPANS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        coded.writeUInt32NoTag(scopeSpansSizes[i]);
        coded.writeByteArray(SCOPE, origin.scope());
        for (WireSpan span : entry.getValue()) {
          coded.writeByteArray(SPANS, span.bytes());
        }
        if (!origin.scopeSchemaUrl().isEmpty()) {
          coded.writeString(SCHEMA_URL, origin.scopeSchemaUrl());
        }
        if (!origin.resourceSchemaUrl().isEmpty()) {
          coded.writeString(SCHEMA_URL, origin.resourceSchemaUrl());
        }
        i++;
      }
      coded.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
