package io.tailkeep.store.wire;

import com.google.protobuf.CodedOutputStream;
import io.tailkeep.store.SpanOrigin;
import io.tailkeep.store.WireSpan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes spans as a {@code TraceRecord} ({@code trace_record.proto}): {@code ResourceSpans} and
 * {@code ScopeSpans} composed from the exporter's resource, scope and span bytes, copied, not
 * parsed. Read back with {@link ExportRequestScanner}, as the message is wire-compatible with an
 * export request.
 */
public final class TraceRecords {

  private static final int RESOURCE_SPANS = 1;
  private static final int RESOURCE = 1;
  private static final int SCOPE_SPANS = 2;
  private static final int RESOURCE_SCHEMA_URL = 3;
  private static final int SCOPE = 1;
  private static final int SPANS = 2;
  private static final int SCOPE_SCHEMA_URL = 3;

  private TraceRecords() {}

  /**
   * The record of {@code spans}; spans sharing an origin are written under one {@code ScopeSpans}
   * when they come one after another, as the scanner hands them out.
   */
  public static byte[] encode(List<WireSpan> spans) {
    int size = 0;
    for (int start = 0; start < spans.size(); start = runEnd(spans, start)) {
      size += lengthDelimitedSize(RESOURCE_SPANS, resourceSpansSize(spans, start, runEnd(spans, start)));
    }
    byte[] out = new byte[size];
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    try {
      for (int start = 0; start < spans.size(); start = runEnd(spans, start)) {
        int end = runEnd(spans, start);
        SpanOrigin origin = spans.get(start).origin();
        coded.writeTag(RESOURCE_SPANS, 2);
        coded.writeUInt32NoTag(resourceSpansSize(spans, start, end));
        if (origin.resource().length > 0) {
          coded.writeByteArray(RESOURCE, origin.resource());
        }
        coded.writeTag(SCOPE_SPANS, 2);
        coded.writeUInt32NoTag(scopeSpansSize(spans, start, end));
        if (origin.scope().length > 0) {
          coded.writeByteArray(SCOPE, origin.scope());
        }
        for (int i = start; i < end; i++) {
          coded.writeByteArray(SPANS, spans.get(i).bytes());
        }
        if (!origin.scopeSchemaUrl().isEmpty()) {
          coded.writeString(SCOPE_SCHEMA_URL, origin.scopeSchemaUrl());
        }
        if (!origin.resourceSchemaUrl().isEmpty()) {
          coded.writeString(RESOURCE_SCHEMA_URL, origin.resourceSchemaUrl());
        }
      }
      coded.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Where the run of spans sharing {@code spans.get(start)}'s origin ends. */
  private static int runEnd(List<WireSpan> spans, int start) {
    SpanOrigin origin = spans.get(start).origin();
    int end = start + 1;
    while (end < spans.size() && sameOrigin(spans.get(end).origin(), origin)) {
      end++;
    }
    return end;
  }

  private static boolean sameOrigin(SpanOrigin a, SpanOrigin b) {
    return a == b || a.equals(b);
  }

  private static int resourceSpansSize(List<WireSpan> spans, int start, int end) {
    SpanOrigin origin = spans.get(start).origin();
    return (origin.resource().length > 0 ? CodedOutputStream.computeByteArraySize(RESOURCE, origin.resource()) : 0)
        + lengthDelimitedSize(SCOPE_SPANS, scopeSpansSize(spans, start, end))
        + stringSize(RESOURCE_SCHEMA_URL, origin.resourceSchemaUrl());
  }

  private static int scopeSpansSize(List<WireSpan> spans, int start, int end) {
    SpanOrigin origin = spans.get(start).origin();
    int size = (origin.scope().length > 0 ? CodedOutputStream.computeByteArraySize(SCOPE, origin.scope()) : 0)
        + stringSize(SCOPE_SCHEMA_URL, origin.scopeSchemaUrl());
    for (int i = start; i < end; i++) {
      size += CodedOutputStream.computeByteArraySize(SPANS, spans.get(i).bytes());
    }
    return size;
  }

  private static int lengthDelimitedSize(int field, int length) {
    return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
  }

  private static int stringSize(int field, String value) {
    return value.isEmpty() ? 0 : CodedOutputStream.computeStringSize(field, value);
  }
}
