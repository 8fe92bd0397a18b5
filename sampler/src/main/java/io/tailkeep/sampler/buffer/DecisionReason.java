package io.tailkeep.sampler.buffer;

/** What made the buffer decide a trace when it did. */
public enum DecisionReason {
  /** The root span had arrived and no span came for the grace period. */
  ROOT_GRACE,
  /** No span came for the idle timeout (the root span may never have arrived). */
  IDLE_TIMEOUT,
  /** The trace reached the maximum wait since its first span, spans still arriving or not. */
  MAX_WAIT,
  /** The trace reached the per-trace span cap. */
  SPAN_CAP,
  /** The buffer was full and Caffeine evicted the trace; it was decided on what it had. */
  EVICTED,
  /** {@link TraceBuffer#decideAll()} at shutdown. */
  SHUTDOWN
}
