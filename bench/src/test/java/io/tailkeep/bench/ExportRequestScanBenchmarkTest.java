package io.tailkeep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.store.wire.ExportRequestScanner.ScannedRequest;
import org.junit.jupiter.api.Test;

class ExportRequestScanBenchmarkTest {

  @Test
  void scanReadsEverySpanOfARequest() throws Exception {
    ExportRequestScanBenchmark benchmark = new ExportRequestScanBenchmark();
    benchmark.requests = 2;
    benchmark.makeRequests();

    ScannedRequest scanned = benchmark.scan();

    assertThat(scanned.accepted()).hasSize(ExportTraffic.SPANS_PER_REQUEST);
    assertThat(scanned.rejected()).isZero();
    assertThat(scanned.firstProblem()).isEmpty();
  }
}
