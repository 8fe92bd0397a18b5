package io.tailkeep.store.wire;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.tailkeep.store.OriginCache;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.SpanOrigin;
import io.tailkeep.store.WireSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an encoded {@code ExportTraceServiceRequest} at the wire level: for each span its byte
 * range (copied into its own array) and its IDs; each {@code ResourceSpans}' resource and
 * each {@code ScopeSpans}' scope once, shared by their spans. Checks what protobuf's parser
 * checks (structure, UTF-8 in every string), so a request that passes decodes later; a span with
 * an invalid ID is refused alone (OTLP's partial success), naming the first problem and where.
 */
public final class ExportRequestScanner {

  private static final int REQUEST_RESOURCE_SPANS = 1 << 3 | ProtoCursor.LEN;
  private static final int RESOURCE = 1 << 3 | ProtoCursor.LEN;
  private static final int SCOPE_SPANS = 2 << 3 | ProtoCursor.LEN;
  private static final int SCHEMA_URL = 3 << 3 | ProtoCursor.LEN;
  private static final int SCOPE = 1 << 3 | ProtoCursor.LEN;
  private static final int SPANS = 2 << 3 | ProtoCursor.LEN;
  private static final int TRACE_ID = 1 << 3 | ProtoCursor.LEN;
  private static final int SPAN_ID = 2 << 3 | ProtoCursor.LEN;
  private static final int PARENT_SPAN_ID = 4 << 3 | ProtoCursor.LEN;

  private static final MessageShape RESOURCE_SHAPE = MessageShape.of(Resource.getDescriptor());
  private static final MessageShape SCOPE_SHAPE = MessageShape.of(InstrumentationScope.getDescriptor());
  private static final MessageShape SPAN_SHAPE = MessageShape.of(Span.getDescriptor());
  private static final byte[] EMPTY = new byte[0];
  /** Shared by every request this process reads. */
  private static final OriginCache ORIGINS = new OriginCache();

  /**
   * The spans of a request that passed, and how many did not.
   *
   * @param firstProblem what was wrong with the first refused span and where; empty when none
   */
  public record ScannedRequest(List<WireSpan> accepted, long rejected, String firstProblem) {}

  private final List<WireSpan> accepted = new ArrayList<>();
  private long rejected;
  private String firstProblem = "";

  private ExportRequestScanner() {}

  /** Scans a whole request; a malformed one throws, naming what was wrong. */
  public static ScannedRequest scan(byte[] request) throws InvalidProtocolBufferException {
    return scan(request, 0, request.length);
  }

  public static ScannedRequest scan(byte[] request, int offset, int length)
      throws InvalidProtocolBufferException {
    ExportRequestScanner scanner = new ExportRequestScanner();
    ProtoCursor in = new ProtoCursor(request, offset, length);
    int resourceIndex = 0;
    while (in.hasMore()) {
      int tag = in.readTag();
      if (tag == REQUEST_RESOURCE_SPANS) {
        int outer = in.pushLimit(in.readLength());
        scanner.resourceSpans(in, resourceIndex++);
        in.popLimit(outer);
      } else {
        in.skipField(tag);
      }
    }
    return new ScannedRequest(List.copyOf(scanner.accepted), scanner.rejected, scanner.firstProblem);
  }

  /**
   * One ResourceSpans. Its schema URL comes after its spans on the wire, so the spans' ranges are
   * noted on a first pass and read once the resource is known.
   */
  private void resourceSpans(ProtoCursor in, int r) throws InvalidProtocolBufferException {
    byte[] resource = EMPTY;
    String schemaUrl = "";
    int[] scopes = new int[8];
    int scopeCount = 0;
    while (in.hasMore()) {
      int tag = in.readTag();
      switch (tag) {
        case RESOURCE -> resource = concat(resource, checkedMessage(in, RESOURCE_SHAPE));
        case SCHEMA_URL -> schemaUrl = in.readString();
        case SCOPE_SPANS -> {
          int length = in.readLength();
          if (scopeCount * 2 == scopes.length) {
            scopes = Arrays.copyOf(scopes, scopes.length * 2);
          }
          scopes[scopeCount * 2] = in.position();
          scopes[scopeCount * 2 + 1] = length;
          scopeCount++;
          in.skipBytes(length);
        }
        default -> in.skipField(tag);
      }
    }
    for (int s = 0; s < scopeCount; s++) {
      ProtoCursor scope = new ProtoCursor(in.buffer(), scopes[s * 2], scopes[s * 2 + 1]);
      scopeSpans(scope, resource, schemaUrl, r, s);
    }
  }

  private void scopeSpans(ProtoCursor in, byte[] resource, String resourceSchemaUrl, int r, int s)
      throws InvalidProtocolBufferException {
    byte[] scope = EMPTY;
    String schemaUrl = "";
    int[] spans = new int[32];
    int spanCount = 0;
    while (in.hasMore()) {
      int tag = in.readTag();
      switch (tag) {
        case SCOPE -> scope = concat(scope, checkedMessage(in, SCOPE_SHAPE));
        case SCHEMA_URL -> schemaUrl = in.readString();
        case SPANS -> {
          int length = in.readLength();
          if (spanCount * 2 == spans.length) {
            spans = Arrays.copyOf(spans, spans.length * 2);
          }
          spans[spanCount * 2] = in.position();
          spans[spanCount * 2 + 1] = length;
          spanCount++;
          in.skipBytes(length);
        }
        default -> in.skipField(tag);
      }
    }
    if (spanCount == 0) {
      return;
    }
    SpanOrigin origin =
        ORIGINS.intern(new SpanOrigin(resource, resourceSchemaUrl, scope, schemaUrl, spanCount));
    for (int i = 0; i < spanCount; i++) {
      span(new ProtoCursor(in.buffer(), spans[i * 2], spans[i * 2 + 1]), origin, r, s, i);
    }
  }

  private void span(ProtoCursor in, SpanOrigin origin, int r, int s, int i)
      throws InvalidProtocolBufferException {
    int start = in.position();
    byte[] buf = in.buffer();
    int traceIdAt = -1;
    int traceIdLength = 0;
    int spanIdAt = -1;
    int spanIdLength = 0;
    int parentAt = -1;
    int parentLength = 0;
    // Singular fields sent twice: protobuf keeps the last, and so does this.
    while (in.hasMore()) {
      int tag = in.readTag();
      switch (tag) {
        case TRACE_ID -> {
          traceIdLength = in.readLength();
          traceIdAt = in.position();
          in.skipBytes(traceIdLength);
        }
        case SPAN_ID -> {
          spanIdLength = in.readLength();
          spanIdAt = in.position();
          in.skipBytes(spanIdLength);
        }
        case PARENT_SPAN_ID -> {
          parentLength = in.readLength();
          parentAt = in.position();
          in.skipBytes(parentLength);
        }
        default -> SPAN_SHAPE.checkField(in, tag);
      }
    }
    String problem = OtlpSpan.idProblem(buf, traceIdAt, traceIdLength, 16, "span.trace_id");
    if (problem == null) {
      problem = OtlpSpan.idProblem(buf, spanIdAt, spanIdLength, 8, "span.span_id");
    }
    if (problem == null && parentLength > 0) {
      problem = OtlpSpan.idProblem(buf, parentAt, parentLength, 8, "span.parent_span_id");
    }
    if (problem != null) {
      if (rejected++ == 0) {
        firstProblem = problem + " (first: resource " + r + ", scope " + s + ", span " + i + ")";
      }
      return;
    }
    accepted.add(
        new WireSpan(
            origin,
            Arrays.copyOfRange(buf, start, in.position()),
            in.longAt(traceIdAt),
            in.longAt(traceIdAt + 8),
            in.longAt(spanIdAt),
            parentLength == 0 ? 0 : in.longAt(parentAt)));
  }

  private static byte[] checkedMessage(ProtoCursor in, MessageShape shape)
      throws InvalidProtocolBufferException {
    int length = in.readLength();
    int at = in.position();
    int outer = in.pushLimit(length);
    shape.check(in);
    in.popLimit(outer);
    return Arrays.copyOfRange(in.buffer(), at, at + length);
  }

  /** A singular message field sent twice merges, which on the wire is concatenation. */
  private static byte[] concat(byte[] first, byte[] second) {
    if (first.length == 0) {
      return second;
    }
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }
}
