package io.tailkeep.sampler.buffer;

import io.tailkeep.store.SpanOrigin;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The spans of one buffered trace, written into {@link SpanSlabs}: per span a record there (its
 * span ID and parent span ID, then the exporter's bytes) and, here, its place, length and origin.
 * {@link WireSpan}s are made again only when asked for: for a kept trace, or to summarize the
 * trace under other rules. Not thread-safe: its trace's monitor guards it.
 */
final class TraceSpans {

  /** The record's header: span ID, parent span ID. */
  static final int HEADER_BYTES = 2 * Long.BYTES;
  /** Heap per span outside the slabs: its place, record length and origin reference here. */
  static final int INDEX_BYTES = Long.BYTES + Integer.BYTES + 4;

  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final SpanSlabs slabs;
  private long[] places = new long[4];
  /** Kept here too, so releasing a decided trace does not read its records back from memory. */
  private int[] lengths = new int[4];
  private SpanOrigin[] origins = new SpanOrigin[4];
  private int count;
  private boolean released;

  TraceSpans(SpanSlabs slabs) {
    this.slabs = slabs;
  }

  /** Copies the span into room from {@code writer}; returns the bytes it takes in all. */
  int add(WireSpan span, SpanSlabs.Writer writer) {
    if (released) {
      throw new IllegalStateException("the trace's spans were released");
    }
    if (count == places.length) {
      places = Arrays.copyOf(places, count * 2);
      lengths = Arrays.copyOf(lengths, count * 2);
      origins = Arrays.copyOf(origins, count * 2);
    }
    byte[] bytes = span.bytes();
    int length = HEADER_BYTES + bytes.length;
    long place = writer.place(length);
    byte[] array = slabs.array(place);
    int offset = SpanSlabs.offset(place);
    LONG.set(array, offset, span.spanId().value());
    long parent = span.isRoot() ? 0 : span.parentSpanId().orElseThrow().value();
    LONG.set(array, offset + Long.BYTES, parent);
    System.arraycopy(bytes, 0, array, offset + HEADER_BYTES, bytes.length);
    places[count] = place;
    lengths[count] = length;
    origins[count] = span.origin();
    count++;
    return length + INDEX_BYTES;
  }

  int count() {
    return count;
  }

  /** The spans as {@link WireSpan}s, each with a copy of its bytes. */
  List<WireSpan> toWireSpans(TraceId traceId) {
    List<WireSpan> spans = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      spans.add(wireSpan(traceId, i));
    }
    return spans;
  }

  private WireSpan wireSpan(TraceId traceId, int index) {
    if (released) {
      throw new IllegalStateException("the trace's spans were released");
    }
    long place = places[index];
    byte[] array = slabs.array(place);
    int offset = SpanSlabs.offset(place);
    int length = lengths[index];
    long spanId = (long) LONG.get(array, offset);
    long parentSpanId = (long) LONG.get(array, offset + Long.BYTES);
    byte[] bytes = Arrays.copyOfRange(array, offset + HEADER_BYTES, offset + length);
    return new WireSpan(origins[index], bytes, traceId.high(), traceId.low(), spanId, parentSpanId);
  }

  /**
   * Moves the trace's records out of slabs that are mostly dead (see {@link
   * SpanSlabs#isSparse}) into the one being filled, so a long-waiting trace does not keep them.
   * Looks at the first record's slab, the oldest, and if it is sparse moves every record that is
   * in a sparse slab.
   */
  void moveOutOfSparseSlabs() {
    if (count == 0 || released || !slabs.isSparse(places[0])) {
      return;
    }
    for (int i = 0; i < count; i++) {
      long from = places[i];
      if (!slabs.isSparse(from)) {
        continue;
      }
      int length = lengths[i];
      long to = slabs.reserve(length);
      System.arraycopy(
          slabs.array(from), SpanSlabs.offset(from), slabs.array(to), SpanSlabs.offset(to), length);
      places[i] = to;
      slabs.release(from, length);
    }
  }

  /**
   * Gives every record's room back, once per run of records in one slab; the spans cannot be read
   * afterwards.
   */
  void release() {
    if (released) {
      return;
    }
    released = true;
    int i = 0;
    while (i < count) {
      long first = places[i];
      int bytes = 0;
      do {
        bytes += lengths[i++];
      } while (i < count && SpanSlabs.sameSlab(first, places[i]));
      slabs.release(first, bytes);
    }
  }
}
