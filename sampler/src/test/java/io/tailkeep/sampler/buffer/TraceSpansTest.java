package io.tailkeep.sampler.buffer;

import static io.tailkeep.store.testing.TestSpans.child;
import static io.tailkeep.store.testing.TestSpans.root;
import static io.tailkeep.store.testing.TestSpans.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Buffered spans written into shared slabs read back as sent, and give their room back. */
class TraceSpansTest {

  private final SpanSlabs slabs = new SpanSlabs();

  @Test
  void spansReadBackWithTheirBytesIdsAndOrigin() {
    TraceId trace = traceId(7);
    WireSpan rootSpan = root(trace).attribute("http.route", "/checkout").build();
    WireSpan small = child(trace).build();
    // Larger than a quarter of a slab: an array of its own.
    WireSpan large =
        child(trace).attribute("payload", "x".repeat(SpanSlabs.SLAB_BYTES / 2)).build();
    TraceSpans spans = new TraceSpans(slabs);

    int added = add(spans, rootSpan, small, large);

    assertThat(added)
        .isEqualTo(3 * (TraceSpans.HEADER_BYTES + TraceSpans.INDEX_BYTES)
            + rootSpan.bytes().length + small.bytes().length + large.bytes().length);
    List<WireSpan> read = spans.toWireSpans(trace);
    assertThat(read).hasSize(3);
    for (int i = 0; i < 3; i++) {
      WireSpan sent = List.of(rootSpan, small, large).get(i);
      WireSpan back = read.get(i);
      assertThat(back.bytes()).isEqualTo(sent.bytes()).isNotSameAs(sent.bytes());
      assertThat(back.traceId()).isEqualTo(trace);
      assertThat(back.spanId()).isEqualTo(sent.spanId());
      assertThat(back.parentSpanId()).isEqualTo(sent.parentSpanId());
      assertThat(back.origin()).isSameAs(sent.origin());
    }
    assertThat(read.get(0).isRoot()).isTrue();
  }

  @Test
  void releasedSpansGiveTheirRoomBackAndCannotBeRead() {
    TraceId trace = traceId(8);
    TraceSpans spans = new TraceSpans(slabs);
    WireSpan large = child(trace).attribute("payload", "y".repeat(SpanSlabs.SLAB_BYTES)).build();
    add(spans, root(trace).build(), large);
    assertThat(slabs.liveBytes()).isPositive();
    long heldWithLarge = slabs.heldBytes();

    spans.release();
    spans.release(); // twice is once

    assertThat(slabs.liveBytes()).isZero();
    // The large span's own array is let go; the shared slab stays, being filled.
    assertThat(slabs.heldBytes()).isEqualTo(SpanSlabs.SLAB_BYTES).isLessThan(heldWithLarge);
    assertThatThrownBy(() -> spans.toWireSpans(trace))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("released");
    assertThatThrownBy(() -> add(spans, child(trace).build()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aFreedSlabIsReusedWithinThePoolsBudgetAndLetGoBeyondIt() {
    slabs.poolWithin(4L * SpanSlabs.SLAB_BYTES);
    byte[][] first = fillToTheEnd(); // the first slab is freed into the pool
    byte[][] second = fillToTheEnd(); // the second is freed; the next comes from the pool
    assertThat(second[1]).isSameAs(first[0]);

    slabs.poolWithin(0); // lets the second go
    byte[][] third = fillToTheEnd(); // the first again, freed and let go; the next is new
    assertThat(third[0]).isSameAs(first[0]);
    assertThat(third[1]).isNotSameAs(first[0]).isNotSameAs(second[0]);
  }

  /**
   * Fills the slab being filled to its end, which takes the next one, then releases every record
   * in it; returns that slab and the next.
   */
  private byte[][] fillToTheEnd() {
    int quarter = SpanSlabs.SLAB_BYTES / 4;
    long place = slabs.reserve(quarter);
    byte[] slab = slabs.array(place);
    List<Long> places = new ArrayList<>(List.of(place));
    long next;
    while (slabs.array(next = slabs.reserve(quarter)) == slab) {
      places.add(next);
    }
    places.forEach(p -> slabs.release(p, quarter));
    slabs.release(next, quarter); // its room stays used until the next slab is freed in turn
    return new byte[][] {slab, slabs.array(next)};
  }

  @Test
  void slabsInUseStayFewWhileTracesComeAndGo() {
    slabs.poolWithin(64L * SpanSlabs.SLAB_BYTES);
    WireSpan span = child(traceId(9)).attribute("note", "z".repeat(1_000)).build();
    int perSlab = SpanSlabs.SLAB_BYTES / (TraceSpans.HEADER_BYTES + span.bytes().length);
    // Fifty slabs' worth of spans, each released a round after it was written.
    TraceSpans previous = null;
    for (int round = 0; round < 50; round++) {
      TraceSpans spans = new TraceSpans(slabs);
      for (int i = 0; i < perSlab; i++) {
        add(spans, span);
      }
      if (previous != null) {
        previous.release();
      }
      previous = spans;
    }
    // Two rounds' worth in use at most, over three slabs, and a freed one kept.
    assertThat(slabs.slabsInUse()).isLessThanOrEqualTo(3);
    assertThat(slabs.heldBytes()).isLessThanOrEqualTo(4L * SpanSlabs.SLAB_BYTES);
    previous.release();
    assertThat(slabs.liveBytes()).isZero();
  }

  @Test
  void aLongWaitingTraceMovesOutOfMostlyDeadSlabsAndFreesThem() {
    TraceId waiting = traceId(10);
    TraceSpans longTrace = new TraceSpans(slabs);
    WireSpan early = root(waiting).attribute("step", "early").build();
    add(longTrace, early);
    // Other traces fill the rest of the first slab and part of the next, then are decided.
    List<TraceSpans> others = fillSlabs(2);
    for (TraceSpans other : others) {
      other.release();
    }
    slabs.markSparse(); // as each pass of decideDue does first
    // In use: the first slab, held by the long trace alone, and the one being filled.
    assertThat(slabs.slabsInUse()).isEqualTo(2);

    longTrace.moveOutOfSparseSlabs();

    // The first slab is free for reuse...
    assertThat(slabs.slabsInUse()).isEqualTo(1);
    assertThat(slabs.liveBytes()).isEqualTo(TraceSpans.HEADER_BYTES + early.bytes().length);
    // ...and the trace reads as before.
    WireSpan back = longTrace.toWireSpans(waiting).get(0);
    assertThat(back.bytes()).isEqualTo(early.bytes());
    assertThat(back.spanId()).isEqualTo(early.spanId());
    // A trace in the slab being filled stays where it is.
    TraceSpans fresh = new TraceSpans(slabs);
    add(fresh, child(waiting).build());
    long live = slabs.liveBytes();
    slabs.markSparse();
    fresh.moveOutOfSparseSlabs();
    assertThat(slabs.liveBytes()).isEqualTo(live);
  }

  @Test
  void threadsWritingReadingAndReleasingAtOnceLoseNothing() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(threads.submit(() -> {
          int checked = 0;
          for (int n = 0; n < 2_000; n++) {
            TraceId trace = traceId(thread * 1_000_000L + n + 1);
            List<WireSpan> sent = List.of(
                root(trace).attribute("n", n).build(),
                child(trace).attribute("pad", "p".repeat(n % 700)).build());
            TraceSpans spans = new TraceSpans(slabs);
            add(spans, sent.toArray(WireSpan[]::new));
            if (n % 7 == 0) {
              slabs.markSparse();
              spans.moveOutOfSparseSlabs();
            }
            List<WireSpan> back = spans.toWireSpans(trace);
            for (int i = 0; i < sent.size(); i++) {
              assertThat(back.get(i).bytes()).isEqualTo(sent.get(i).bytes());
              assertThat(back.get(i).spanId()).isEqualTo(sent.get(i).spanId());
              checked++;
            }
            spans.release();
          }
          return checked;
        }));
      }
      for (Future<Integer> thread : done) {
        assertThat(thread.get()).isEqualTo(4_000);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(slabs.liveBytes()).isZero();
  }

  /** Adds spans as an offer does: with room reserved for all of them at once. */
  private int add(TraceSpans trace, WireSpan... spans) {
    long expected = 0;
    for (WireSpan span : spans) {
      expected += TraceSpans.HEADER_BYTES + span.bytes().length;
    }
    SpanSlabs.Writer writer = slabs.writer(expected);
    int added = 0;
    for (WireSpan span : spans) {
      added += trace.add(span, writer);
    }
    writer.close();
    return added;
  }

  /** Traces of one 1 KiB span each, enough to fill {@code count} slabs. */
  private List<TraceSpans> fillSlabs(int count) {
    WireSpan span = child(traceId(11)).attribute("note", "f".repeat(1_000)).build();
    int perSlab = SpanSlabs.SLAB_BYTES / (TraceSpans.HEADER_BYTES + span.bytes().length);
    List<TraceSpans> traces = new ArrayList<>();
    for (int i = 0; i < count * perSlab; i++) {
      TraceSpans trace = new TraceSpans(slabs);
      add(trace, span);
      traces.add(trace);
    }
    return traces;
  }
}
