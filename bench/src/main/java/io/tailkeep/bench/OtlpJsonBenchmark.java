package io.tailkeep.bench;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.tailkeep.collector.OtlpJsonPaths;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one OTLP/JSON export body, shaped like the ingest benchmark's requests, over and over on one
 * thread: the JsonFormat path the collector used before, the streaming reader alone, and the
 * streaming reader followed by {@code parseFrom} (what the HTTP receiver does with a JSON body now).
 * Paths alternate in rounds so that each sees the same background load; the figures are spans per
 * CPU-second of the reading thread, and per CPU-second of the whole process (GC and JIT included).
 * Settings are system properties, see {@code bench/README.md}.
 */
public final class OtlpJsonBenchmark {

  private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
  private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmupSeconds", 10);
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  private static final long SEED = Long.getLong("bench.seed", 42);

  /** The target for OTLP/JSON ingest end to end, in spans per server CPU-second. */
  private static final double TARGET = 100_000;

  private interface Path {
    Object read(byte[] json) throws Exception;
  }

  private record Figures(long spans, long threadCpuNanos, long processCpuNanos, long wallNanos, long allocatedBytes) {
    Figures plus(Figures other) {
      return new Figures(
          spans + other.spans,
          threadCpuNanos + other.threadCpuNanos,
          processCpuNanos + other.processCpuNanos,
          wallNanos + other.wallNanos,
          allocatedBytes + other.allocatedBytes);
    }
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** Keeps results reachable so the JIT cannot drop the work. */
  private static volatile Object sink;

  public static void main(String[] args) throws Exception {
    ExportTraffic.Requests requests = new ExportTraffic(SEED, 1_700_000_000_000_000_000L).next(1);
    ByteBuffer encoded = requests.encoded().get(0);
    byte[] protobuf = new byte[encoded.remaining()];
    encoded.get(protobuf);
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(protobuf);
    int spans = spanCount(request);
    byte[] json = OtlpJsonPaths.print(request).getBytes(StandardCharsets.UTF_8);
    System.out.printf(
        "One OTLP/JSON body: %d spans in %d resources, %,d bytes (%,d as protobuf); seed %d%n",
        spans, request.getResourceSpansCount(), json.length, protobuf.length, SEED);

    // Both paths must read the body back as the request it was printed from.
    if (!OtlpJsonPaths.jsonFormatRead(json).equals(request)
        || !ExportTraceServiceRequest.parseFrom(OtlpJsonPaths.streamingBytes(json)).equals(request)
        || OtlpJsonPaths.receiverRead(json).accepted().size() != spans) {
      System.out.println("FAILED: a path read the body as a different request");
      System.exit(1);
    }

    Map<String, Path> paths = new LinkedHashMap<>();
    paths.put("before: Vert.x tree + JsonFormat", OtlpJsonPaths::jsonFormatRead);
    paths.put("streaming reader to protobuf bytes", OtlpJsonPaths::streamingBytes);
    paths.put("streaming reader + wire-level read (receiver now)", OtlpJsonPaths::receiverRead);

    for (Map.Entry<String, Path> path : paths.entrySet()) {
      System.out.printf("Warming up %s for %d s%n", path.getKey(), WARMUP_SECONDS);
      run(path.getValue(), json, spans, WARMUP_SECONDS);
    }
    Map<String, Figures> totals = new LinkedHashMap<>();
    for (int round = 1; round <= ROUNDS; round++) {
      for (Map.Entry<String, Path> path : paths.entrySet()) {
        Figures figures = run(path.getValue(), json, spans, SECONDS);
        totals.merge(path.getKey(), figures, Figures::plus);
        System.out.printf("round %d  %-45s %s%n", round, path.getKey(), describe(figures));
      }
    }

    System.out.printf(
        "%nSummary (%d rounds of %d s each; load average now %s)%n",
        ROUNDS, SECONDS, loadAverage());
    System.out.printf(
        "%-45s %16s %16s %14s %12s %14s%n",
        "path", "spans/thread-CPU-s", "spans/process-CPU-s", "spans/s wall", "µs/span", "alloc B/span");
    List<Double> perProcessCpu = new ArrayList<>();
    for (Map.Entry<String, Figures> total : totals.entrySet()) {
      Figures f = total.getValue();
      double perThreadCpu = f.spans() / (f.threadCpuNanos() / 1e9);
      double perProcess = f.spans() / (f.processCpuNanos() / 1e9);
      perProcessCpu.add(perProcess);
      System.out.printf(
          "%-45s %16.0f %16.0f %14.0f %12.2f %14.0f%n",
          total.getKey(),
          perThreadCpu,
          perProcess,
          f.spans() / (f.wallNanos() / 1e9),
          f.threadCpuNanos() / 1e3 / f.spans(),
          (double) f.allocatedBytes() / f.spans());
    }
    double receiverNow = perProcessCpu.get(2);
    System.out.printf(
        "%nThe JSON read the receiver does now, per process CPU-second: %.0f spans, %.1f× before;"
            + " the whole OTLP/JSON ingest target is %.0f spans per server CPU-second (reading is"
            + " only its first step)%n",
        receiverNow, receiverNow / perProcessCpu.get(0), TARGET);
  }

  private static Figures run(Path path, byte[] json, int spansPerBody, int seconds) throws Exception {
    long threadId = Thread.currentThread().getId();
    long thread0 = THREADS.getCurrentThreadCpuTime();
    long process0 = OS.getProcessCpuTime();
    long allocated0 = THREADS.getThreadAllocatedBytes(threadId);
    long start = System.nanoTime();
    long deadline = start + seconds * 1_000_000_000L;
    long bodies = 0;
    while (System.nanoTime() < deadline) {
      sink = path.read(json);
      bodies++;
    }
    return new Figures(
        bodies * spansPerBody,
        THREADS.getCurrentThreadCpuTime() - thread0,
        OS.getProcessCpuTime() - process0,
        System.nanoTime() - start,
        THREADS.getThreadAllocatedBytes(threadId) - allocated0);
  }

  private static String describe(Figures f) {
    return String.format(
        "%,10.0f spans/thread-CPU-s  %,10.0f spans/process-CPU-s",
        f.spans() / (f.threadCpuNanos() / 1e9), f.spans() / (f.processCpuNanos() / 1e9));
  }

  private static int spanCount(ExportTraceServiceRequest request) {
    int spans = 0;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        spans += scopeSpans.getSpansCount();
      }
    }
    return spans;
  }

  private static String loadAverage() {
    return String.format("%.2f", OS.getSystemLoadAverage());
  }
}
