package io.tailkeep.collector;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ends an export whose request message has not arrived in full within the read timeout of its
 * headers: a client uploading slowly, or not at all, gives back its stream and buffers. gRPC itself
 * only enforces the deadline a client asks for.
 *
 * <p>A stream tracer rather than an interceptor: it sees the stream from its headers on, and the
 * context it hands gRPC, once cancelled with a {@link TimeoutException}, makes gRPC reset the stream
 * (RST_STREAM; the client sees CANCELLED). Merely closing the call would leave the stream open until
 * the client ends it, still counted against the connection's stream cap.
 */
final class RequestReadTimeout extends ServerStreamTracer.Factory {

  private static final int WAITING = 0;
  private static final int ARRIVED = 1;
  private static final int TIMED_OUT = 2;

  private final ScheduledExecutorService timer;
  private final Duration timeout;
  private final TraceIngest ingest;

  RequestReadTimeout(ScheduledExecutorService timer, Duration timeout, TraceIngest ingest) {
    this.timer = timer;
    this.timeout = timeout;
    this.ingest = ingest;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    return new Watch();
  }

  /** One stream: settled by whichever comes first, its message in full or the timeout. */
  private final class Watch extends ServerStreamTracer {

    private final AtomicInteger state = new AtomicInteger(WAITING);
    private volatile ScheduledFuture<?> deadline;

    @Override
    public Context filterContext(Context context) {
      Context.CancellableContext call = context.withCancellation();
      deadline = timer.schedule(() -> {
        if (state.compareAndSet(WAITING, TIMED_OUT)) {
          ingest.refusedRequest("cancelled"); // what the client sees
          call.cancel(new TimeoutException(
              "the request did not arrive within the read timeout of " + timeout.toMillis() + " ms"));
        }
      }, timeout.toNanos(), TimeUnit.NANOSECONDS);
      return call;
    }

    @Override
    public void inboundMessageRead(int seqNo, long wireSize, long uncompressedSize) {
      settle();
    }

    @Override
    public void streamClosed(Status status) {
      settle();
    }

    private void settle() {
      if (state.compareAndSet(WAITING, ARRIVED)) {
        ScheduledFuture<?> pending = deadline;
        if (pending != null) {
          pending.cancel(false);
        }
      }
    }
  }
}
