package io.tailkeep.sampler.traffic;

import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.SpanFields;
import java.util.Arrays;

/**
 * What the service graph needs of one buffered trace, noted span by span as the spans arrive,
 * from the fields the buffer reads anyway: the trace's CLIENT, PRODUCER, SERVER and CONSUMER
 * spans with their IDs, service, duration and whether they are errors. {@link
 * ServiceGraph#record(TraceHops)} pairs them when the trace is decided without reading the spans
 * again: by then their bytes have left the CPU's caches, and reading every span of every trace a
 * second time cost more than the rules' whole summary (bench/README.md, "Span metrics and the
 * service graph"). Only a client span left without a server is read then, for its peer attributes.
 *
 * <p>About 37 bytes a noted span (its reference, service, peer, IDs, duration, kind), more while the
 * arrays have room to grow. Not thread-safe: grown under its trace's lock, as {@code TraceFacts}.
 */
public final class TraceHops {

  /**
   * What a noted span holds here at capacity (its reference, service, peer, IDs, duration, kind),
   * rounded up: what a buffer weighs a noted span at.
   */
  public static final int BYTES_PER_HOP = 40;

  static final int KIND_SERVER = 2;
  static final int KIND_CLIENT = 3;
  static final int KIND_PRODUCER = 4;
  static final int KIND_CONSUMER = 5;
  /** Flag bits beside the kind. */
  static final int ERROR = 8;

  WireSpan[] spans = new WireSpan[4];
  String[] services = new String[4];
  /** The peer name a reader found; null when it did not look, empty when it found none. */
  String[] peers = new String[4];
  long[] spanIds = new long[4];
  long[] parentIds = new long[4];
  long[] durations = new long[4];
  byte[] kinds = new byte[4];
  int size;
  int callers;

  /** Whether spans of this kind (OTLP's number) may be noted: servers, clients, producers, consumers. */
  public static boolean notesKind(int kind) {
    return kind >= KIND_SERVER && kind <= KIND_CONSUMER;
  }

  /** Notes a span of the trace, from its fields as the buffer read them; other kinds are ignored. */
  public void add(WireSpan span, SpanFields fields) {
    add(span, fields.kind(), fields.durationNanos(), fields.isError(), null);
  }

  /**
   * Notes a span with the name its {@link ServiceGraph#PEER_ATTRIBUTES} give its server (the value
   * of the earliest one it carries, null if none), for a reader that collected those attributes
   * while it read the span: a client span left without a server then needs no second read at the
   * decision. In the shop's traffic most client spans are calls to a database or a cache, and
   * those second reads were most of a decision's cost (bench/README.md).
   */
  public void add(WireSpan span, SpanFields fields, String peer) {
    add(span, fields.kind(), fields.durationNanos(), fields.isError(), peer == null ? "" : peer);
  }

  void add(WireSpan span, int kind, long durationNanos, boolean error, String peer) {
    boolean caller = kind == KIND_CLIENT || kind == KIND_PRODUCER;
    boolean answer = (kind == KIND_SERVER || kind == KIND_CONSUMER) && !span.isRoot();
    if (!caller && !answer) {
      return;
    }
    if (size == spans.length) {
      grow();
    }
    spans[size] = span;
    services[size] = span.origin().serviceName();
    peers[size] = kind == KIND_CLIENT ? peer : null;
    spanIds[size] = span.spanId().value();
    parentIds[size] = answer ? span.parentSpanId().orElseThrow().value() : 0;
    durations[size] = durationNanos;
    kinds[size] = (byte) (kind | (error ? ERROR : 0));
    size++;
    if (caller) {
      callers++;
    }
  }

  private void grow() {
    int capacity = size * 2;
    spans = Arrays.copyOf(spans, capacity);
    services = Arrays.copyOf(services, capacity);
    peers = Arrays.copyOf(peers, capacity);
    spanIds = Arrays.copyOf(spanIds, capacity);
    parentIds = Arrays.copyOf(parentIds, capacity);
    durations = Arrays.copyOf(durations, capacity);
    kinds = Arrays.copyOf(kinds, capacity);
  }

  /** Spans noted: calls and answers. */
  public int size() {
    return size;
  }

  int kind(int hop) {
    return kinds[hop] & 7;
  }

  boolean isError(int hop) {
    return (kinds[hop] & ERROR) != 0;
  }
}
