package io.tailkeep.store;

import io.tailkeep.store.wire.SpanFieldReader;
import java.util.Objects;
import java.util.Optional;

/**
 * One span as it travels from the receiver to the span store: the {@code Span} message's bytes as
 * the exporter encoded them, its shared {@link SpanOrigin}, and its IDs. Everything else (times,
 * name, status, attributes) is read from the bytes when needed, by a {@link SpanFieldReader}.
 *
 * <p>Made by the wire-level request reader, which has checked the bytes parse and the IDs are
 * valid; {@link #of(OtlpSpan)} encodes a decoded span (tests, benchmarks, tools).
 */
public final class WireSpan {

  /** Object header and fields of this class, with its reference from a list: for weighing. */
  public static final int OBJECT_BYTES = 64;

  private final SpanOrigin origin;
  private final byte[] bytes;
  private final long traceIdHigh;
  private final long traceIdLow;
  private final long spanId;
  /** Zero for a root span: an all-zero parent ID is refused at the door. */
  private final long parentSpanId;

  public WireSpan(
      SpanOrigin origin,
      byte[] bytes,
      long traceIdHigh,
      long traceIdLow,
      long spanId,
      long parentSpanId) {
    this.origin = Objects.requireNonNull(origin, "origin");
    this.bytes = Objects.requireNonNull(bytes, "bytes");
    if (traceIdHigh == 0 && traceIdLow == 0) {
      throw new IllegalArgumentException("span.trace_id must not be all zeros");
    }
    if (spanId == 0) {
      throw new IllegalArgumentException("span.span_id must not be all zeros");
    }
    this.traceIdHigh = traceIdHigh;
    this.traceIdLow = traceIdLow;
    this.spanId = spanId;
    this.parentSpanId = parentSpanId;
  }

  /** Encodes a decoded span: its messages are serialized once here. */
  public static WireSpan of(OtlpSpan span) {
    SpanOrigin origin =
        new SpanOrigin(
            span.resource().toByteArray(),
            span.resourceSchemaUrl(),
            span.scope().toByteArray(),
            span.scopeSchemaUrl(),
            1);
    return of(origin, span);
  }

  /** Encodes a decoded span under an origin shared with other spans. */
  public static WireSpan of(SpanOrigin origin, OtlpSpan span) {
    TraceId traceId = span.traceId();
    return new WireSpan(
        origin,
        span.span().toByteArray(),
        traceId.high(),
        traceId.low(),
        span.spanId().value(),
        span.parentSpanId().map(SpanId::value).orElse(0L));
  }

  public SpanOrigin origin() {
    return origin;
  }

  /** The {@code Span} message as the exporter sent it. Not copied: do not modify. */
  public byte[] bytes() {
    return bytes;
  }

  public TraceId traceId() {
    return new TraceId(traceIdHigh, traceIdLow);
  }

  public boolean hasTraceId(TraceId traceId) {
    return traceId.high() == traceIdHigh && traceId.low() == traceIdLow;
  }

  public SpanId spanId() {
    return new SpanId(spanId);
  }

  public Optional<SpanId> parentSpanId() {
    return isRoot() ? Optional.empty() : Optional.of(new SpanId(parentSpanId));
  }

  public boolean isRoot() {
    return parentSpanId == 0;
  }

  /** Heap this span holds: its object, its bytes, and its share of its origin. */
  public long retainedBytes() {
    return OBJECT_BYTES + 16L + bytes.length + origin.shareBytes();
  }

  /** The decoded messages, every field as the exporter sent it. */
  public OtlpSpan toOtlpSpan() {
    return StoredEnvelope.decode(java.nio.ByteBuffer.wrap(StoredEnvelope.encode(this)));
  }

  @Override
  public String toString() {
    return "WireSpan{trace " + traceId() + ", span " + spanId() + ", " + bytes.length + " B}";
  }
}
