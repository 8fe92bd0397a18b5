package io.tailkeep.bench;

import io.grpc.CallOptions;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;

/**
 * Exporters for the benchmark: {@code callers} threads, each with its own connection (as separate
 * exporters have), sending pre-serialized {@code Export} requests with blocking calls. The requests
 * go out as the bytes they are, so the client spends no CPU encoding protobuf. The channels run on
 * their own Netty event loops, not gRPC's shared ones, so the CPU time of every client thread can be
 * read and told apart from the server's.
 */
final class ExportClients implements AutoCloseable {

  /** {@code TraceService/Export} taking the request's bytes. */
  private static final MethodDescriptor<ByteBuffer, ExportTraceServiceResponse> EXPORT =
      TraceServiceGrpc.getExportMethod().toBuilder(
              new EncodedRequestMarshaller(),
              ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
          .build();

  private static final long CALL_DEADLINE_SECONDS = 60;
  private static final int EVENT_LOOP_THREADS = 2;

  /** What one round of sending did. */
  record Result(
      int requests,
      long wallNanos,
      long clientCpuNanos,
      Histogram latencyNanos,
      int failures,
      Throwable firstFailure) {}

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final List<Thread> eventLoopThreads = new CopyOnWriteArrayList<>();
  private final EventLoopGroup eventLoops;
  private final List<ManagedChannel> channels = new ArrayList<>();

  ExportClients(int port, int callers) {
    if (callers <= 0) {
      throw new IllegalArgumentException("callers must be positive, got " + callers);
    }
    AtomicInteger created = new AtomicInteger();
    this.eventLoops =
        new MultiThreadIoEventLoopGroup(
            EVENT_LOOP_THREADS,
            runnable -> {
              Thread thread = new Thread(runnable, "bench-client-netty-" + created.incrementAndGet());
              thread.setDaemon(true);
              eventLoopThreads.add(thread);
              return thread;
            },
            NioIoHandler.newFactory());
    for (int i = 0; i < callers; i++) {
      channels.add(
          NettyChannelBuilder.forAddress("127.0.0.1", port)
              .usePlaintext()
              .eventLoopGroup(eventLoops)
              .channelType(NioSocketChannel.class)
              .build());
    }
  }

  /** Opens every connection with an empty export, so connecting is not part of what is measured. */
  void connect() {
    for (ManagedChannel channel : channels) {
      call(channel, ByteBuffer.allocate(0));
    }
  }

  /**
   * Sends {@code requests} in order, each caller taking the next one, until all are sent or {@code
   * limitNanos} has passed (calls under way then still finish).
   */
  Result send(List<ByteBuffer> requests, long limitNanos) throws InterruptedException {
    return send(requests, limitNanos, 0);
  }

  /**
   * As {@link #send(List, long)}, but request {@code i} goes no sooner than {@code i /
   * requestsPerSecond} after the start (0: as fast as the callers go). A paced call's latency counts
   * from when it was due, so time spent behind schedule counts too (no coordinated omission).
   */
  Result send(List<ByteBuffer> requests, long limitNanos, double requestsPerSecond)
      throws InterruptedException {
    return send(requests, limitNanos, requestsPerSecond, index -> {});
  }

  /**
   * As {@link #send(List, long, double)}; {@code acknowledged} is told the index of each request the
   * server accepted, on the caller's thread, as soon as its answer arrived.
   */
  Result send(List<ByteBuffer> requests, long limitNanos, double requestsPerSecond, IntConsumer acknowledged)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    List<Histogram> latencies = new CopyOnWriteArrayList<>();
    long[] callerCpu = new long[channels.size()];
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> callers = new ArrayList<>();
    long[] deadline = new long[2]; // the end of sending, and its start
    for (int c = 0; c < channels.size(); c++) {
      int caller = c;
      ManagedChannel channel = channels.get(c);
      Thread thread =
          new Thread(
              () -> {
                Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(CALL_DEADLINE_SECONDS), 3);
                latencies.add(latency);
                awaitQuietly(go);
                long cpuStart = threads.getCurrentThreadCpuTime();
                for (int i = next.getAndIncrement();
                    i < requests.size() && System.nanoTime() - deadline[0] < 0;
                    i = next.getAndIncrement()) {
                  sent.incrementAndGet();
                  long start = System.nanoTime();
                  if (requestsPerSecond > 0) {
                    long due = deadline[1] + (long) (i * 1e9 / requestsPerSecond);
                    for (long wait = due - start; wait > 0; wait = due - System.nanoTime()) {
                      LockSupport.parkNanos(wait);
                    }
                    start = due;
                  }
                  try {
                    ExportTraceServiceResponse response = call(channel, requests.get(i));
                    if (response.hasPartialSuccess() && response.getPartialSuccess().getRejectedSpans() > 0) {
                      throw new IllegalStateException(
                          "export rejected spans: " + response.getPartialSuccess().getErrorMessage());
                    }
                    acknowledged.accept(i);
                  } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet(null, e);
                  }
                  latency.recordValue(Math.min(System.nanoTime() - start, latency.getHighestTrackableValue()));
                }
                callerCpu[caller] = threads.getCurrentThreadCpuTime() - cpuStart;
              },
              "bench-client-caller-" + (c + 1));
      thread.setDaemon(true);
      callers.add(thread);
      thread.start();
    }
    long eventLoopCpuStart = eventLoopCpuNanos();
    long start = System.nanoTime();
    deadline[0] = limitNanos == Long.MAX_VALUE ? start + Long.MAX_VALUE / 2 : start + limitNanos;
    deadline[1] = start;
    go.countDown(); // the latch also publishes deadline[0] to the callers
    for (Thread caller : callers) {
      caller.join();
    }
    long wallNanos = System.nanoTime() - start;
    long clientCpu = eventLoopCpuNanos() - eventLoopCpuStart;
    for (long cpu : callerCpu) {
      clientCpu += cpu;
    }
    Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(CALL_DEADLINE_SECONDS), 3);
    latencies.forEach(all::add);
    return new Result(sent.get(), wallNanos, clientCpu, all, failures.get(), firstFailure.get());
  }

  private static ExportTraceServiceResponse call(ManagedChannel channel, ByteBuffer request) {
    return ClientCalls.blockingUnaryCall(
        channel, EXPORT, CallOptions.DEFAULT.withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS), request);
  }

  private long eventLoopCpuNanos() {
    long total = 0;
    for (Thread thread : eventLoopThreads) {
      long cpu = threads.getThreadCpuTime(thread.getId());
      if (cpu > 0) {
        total += cpu;
      }
    }
    return total;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdown);
    try {
      for (ManagedChannel channel : channels) {
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      }
      eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      channels.forEach(ManagedChannel::shutdownNow);
      Thread.currentThread().interrupt();
    }
  }

  /** Writes a request's bytes as they are; the client never parses a request. */
  private static final class EncodedRequestMarshaller implements MethodDescriptor.Marshaller<ByteBuffer> {

    @Override
    public InputStream stream(ByteBuffer value) {
      return new EncodedRequest(value.duplicate());
    }

    @Override
    public ByteBuffer parse(InputStream stream) {
      throw new UnsupportedOperationException("the benchmark's client only sends requests");
    }
  }

  /** Known length and drainable, so gRPC sizes the frame at once and takes the bytes in large copies. */
  private static final class EncodedRequest extends InputStream implements KnownLength, Drainable {

    private static final ThreadLocal<byte[]> COPY_BUFFER = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    private final ByteBuffer bytes;

    EncodedRequest(ByteBuffer bytes) {
      this.bytes = bytes;
    }

    @Override
    public int available() {
      return bytes.remaining();
    }

    @Override
    public int read() {
      return bytes.hasRemaining() ? bytes.get() & 0xFF : -1;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
      if (!bytes.hasRemaining()) {
        return -1;
      }
      int n = Math.min(length, bytes.remaining());
      bytes.get(target, offset, n);
      return n;
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int drained = bytes.remaining();
      byte[] copy = COPY_BUFFER.get();
      while (bytes.hasRemaining()) {
        int n = Math.min(copy.length, bytes.remaining());
        bytes.get(copy, 0, n);
        target.write(copy, 0, n);
      }
      return drained;
    }
  }
}
