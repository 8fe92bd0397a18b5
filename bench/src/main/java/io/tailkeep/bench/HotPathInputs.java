package io.tailkeep.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.store.SpanBatch;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.ExportRequestScanner;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inputs of the JMH micro-benchmarks, all made by the ingest benchmark's traffic model
 * ({@link ExportTraffic}, a fixed seed): export requests of 512 spans as an agent sends them, the
 * same requests read as the receivers read them, the traces they complete, and the traces the
 * default rules keep, as the buffer hands them to the store.
 */
final class HotPathInputs {

  static final long SEED = 42;
  /** A fixed clock for the spans' times, so every run makes the same requests. */
  private static final long EPOCH_NANOS = 1_700_000_000_000_000_000L;

  private HotPathInputs() {}

  /** {@code count} serialized export requests, as the gRPC and HTTP receivers get their bodies. */
  static List<byte[]> requests(int count) {
    ExportTraffic.Requests made =
        new ExportTraffic(SEED, EPOCH_NANOS).next((long) count * ExportTraffic.SPANS_PER_REQUEST);
    List<byte[]> requests = new ArrayList<>(count);
    for (ByteBuffer encoded : made.encoded()) {
      byte[] bytes = new byte[encoded.remaining()];
      encoded.duplicate().get(bytes);
      requests.add(bytes);
    }
    return requests;
  }

  /** The spans of {@code count} requests, each request's as the receivers hand them to the buffer. */
  static List<List<WireSpan>> scannedRequests(int count) {
    List<List<WireSpan>> scanned = new ArrayList<>(count);
    for (byte[] request : requests(count)) {
      try {
        scanned.add(ExportRequestScanner.scan(request).accepted());
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("the traffic model made an unreadable request", e);
      }
    }
    return scanned;
  }

  /**
   * The traces whose root span is in the first {@code requests} requests, each with all its spans
   * in arrival order: the traffic exports a trace's root last, so those traces are complete.
   */
  static List<List<WireSpan>> completedTraces(int requests) {
    Map<TraceId, List<WireSpan>> byTrace = new LinkedHashMap<>();
    List<List<WireSpan>> completed = new ArrayList<>();
    for (List<WireSpan> request : scannedRequests(requests)) {
      for (WireSpan span : request) {
        List<WireSpan> trace = byTrace.computeIfAbsent(span.traceId(), id -> new ArrayList<>());
        trace.add(span);
        if (span.isRoot()) {
          completed.add(trace);
        }
      }
    }
    return completed;
  }

  /**
   * The completed traces of the first {@code requests} requests that the default rules keep, each
   * as the trace buffer hands it to the store (spans, summary grown on arrival, sampling).
   */
  static List<SpanBatch> keptTraces(int requests) {
    List<SpanBatch> kept = new ArrayList<>();
    TraceBuffer buffer = TraceBuffer.builder().rules(RulesFile.loadDefault()).sink(kept::add).build();
    completedTraces(requests).forEach(buffer::offer);
    buffer.decideAll();
    return kept;
  }
}
