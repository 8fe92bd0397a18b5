package io.tailkeep.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tailkeep.store.wire.ExportRequestScanner;
import io.tailkeep.store.wire.ExportRequestScanner.ScannedRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The collector's read of one OTLP export request of 512 spans at the wire level, what both
 * receivers do with a protobuf body ({@code ExportRequestMarshaller} for gRPC, {@code
 * ExportRequestReader} for HTTP): structure and UTF-8 checked, each span's bytes copied out, resource
 * and scope shared. Requests take turns, so no single one stays in the caches.
 */
public class ExportRequestScanBenchmark extends HotPathBenchmark {

  /** Distinct requests taking turns. */
  @Param("16")
  int requests;

  RoundRobin<byte[]> encoded;

  @Setup
  public void makeRequests() {
    encoded = new RoundRobin<>(HotPathInputs.requests(requests));
  }

  @Benchmark
  public ScannedRequest scan() throws InvalidProtocolBufferException {
    return ExportRequestScanner.scan(encoded.next());
  }
}
