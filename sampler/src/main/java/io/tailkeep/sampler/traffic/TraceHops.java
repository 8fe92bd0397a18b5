package io.tailkeep.sampler.traffic;

import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.SpanFieldReader;
import io.tailkeep.store.wire.SpanFields;
import java.util.Arrays;

/**
 * What the service graph needs of one buffered trace, noted span by span as the spans arrive,
 * from the fields the buffer reads anyway: the trace's CLIENT, PRODUCER, SERVER and CONSUMER
 * spans with their IDs, service, duration and whether they are errors, and for a CLIENT span the
 * peer its attributes name. {@link ServiceGraph#record(TraceHops)} pairs them when the trace is
 * decided without reading any span again: by then their bytes have left the CPU's caches, and
 * reading every span of every trace a second time cost more than the rules' whole summary
 * (bench/README.md, "Span metrics and the service graph"). A client span's peer comes with its
 * fields: the buffer's reader picks it out of the span's attributes in the summary's one pass
 * ({@link SpanFieldReader}, given {@link ServiceGraph#PEER_KEYS}).
 *
 * <p>25 bytes a noted span at capacity (its service, peer, the one span ID pairing needs, duration
 * and kind), more while the arrays have room to grow: a buffered trace holds them until it is
 * decided, and the garbage collector copies them meanwhile. Not thread-safe: grown under its
 * trace's lock, as {@code TraceFacts}.
 */
public final class TraceHops {

  /**
   * What a noted span holds here, with the arrays' room to grow on average: what a buffer weighs a
   * noted span at.
   */
  public static final int BYTES_PER_HOP = 32;

  static final int KIND_SERVER = 2;
  static final int KIND_CLIENT = 3;
  static final int KIND_PRODUCER = 4;
  static final int KIND_CONSUMER = 5;
  /** Flag bits beside the kind. */
  static final int ERROR = 8;

  /** Most traces note a few calls and answers; three arrays rather than one per field, fewer to grow. */
  private static final int INITIAL_CAPACITY = 8;

  /** Per hop: its service, then its peer (a CLIENT span's; "" when it names none, null for others). */
  private String[] names = new String[2 * INITIAL_CAPACITY];
  /** Per hop: the span ID that pairs it (a call's own, an answer's parent's), then its duration in nanoseconds. */
  private long[] numbers = new long[2 * INITIAL_CAPACITY];
  /** Per hop: its kind and flags. */
  private byte[] kinds = new byte[INITIAL_CAPACITY];
  int size;
  int callers;

  /** Whether spans of this kind (OTLP's number) may be noted: servers, clients, producers, consumers. */
  public static boolean notesKind(int kind) {
    return kind >= KIND_SERVER && kind <= KIND_CONSUMER;
  }

  /**
   * Notes a span of the trace, from its fields as the buffer read them (a CLIENT span's with its
   * peer: read with {@link ServiceGraph#PEER_KEYS}); other kinds are ignored.
   */
  public void add(WireSpan span, SpanFields fields) {
    int kind = fields.kind();
    if (kind == KIND_CLIENT && fields.peer() == null) {
      throw new IllegalArgumentException("a CLIENT span's fields were read without the peer keys");
    }
    boolean caller = kind == KIND_CLIENT || kind == KIND_PRODUCER;
    boolean answer = (kind == KIND_SERVER || kind == KIND_CONSUMER) && !span.isRoot();
    if (!caller && !answer) {
      return;
    }
    if (size == kinds.length) {
      grow();
    }
    names[2 * size] = span.origin().serviceName();
    names[2 * size + 1] = fields.peer();
    numbers[2 * size] = answer ? span.parentSpanId().orElseThrow().value() : span.spanId().value();
    numbers[2 * size + 1] = fields.durationNanos();
    kinds[size] = (byte) (kind | (fields.isError() ? ERROR : 0));
    size++;
    if (caller) {
      callers++;
    }
  }

  private void grow() {
    names = Arrays.copyOf(names, 2 * names.length);
    numbers = Arrays.copyOf(numbers, 2 * numbers.length);
    kinds = Arrays.copyOf(kinds, 2 * kinds.length);
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

  String service(int hop) {
    return names[2 * hop];
  }

  /** A CLIENT span's peer, "" when its attributes name none. */
  String peer(int hop) {
    return names[2 * hop + 1];
  }

  /** A call's span ID, or an answer's parent span ID: the ID that pairs them. */
  long pairingId(int hop) {
    return numbers[2 * hop];
  }

  long durationNanos(int hop) {
    return numbers[2 * hop + 1];
  }
}
