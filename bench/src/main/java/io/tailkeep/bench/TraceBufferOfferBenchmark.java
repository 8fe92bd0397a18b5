package io.tailkeep.bench;

import io.tailkeep.sampler.buffer.TraceBuffer;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.store.WireSpan;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The sampler's {@link TraceBuffer#offer} of one request's 512 spans, of about 80 traces (some new
 * to the buffer, some already buffered from earlier requests), as the receivers hand them over: spans
 * grouped by trace, each trace's entry found or made in the cache, each span added to its trace and
 * read for the rules' summary. The buffer fills as the requests go by and starts afresh after each
 * round of them, so a trace ID never comes back after its trace was decided.
 */
public class TraceBufferOfferBenchmark extends HotPathBenchmark {

  /** Requests in a round: the buffer holds up to all their spans (131 072 at 256). */
  @Param("256")
  int requests;

  RoundRobin<List<WireSpan>> scanned;
  TraceBuffer buffer;
  private RuleSet rules;

  @Setup
  public void readRequests() {
    scanned = new RoundRobin<>(HotPathInputs.scannedRequests(requests));
    rules = RulesFile.loadDefault();
  }

  /**
   * Outside the timing, before a round: a fresh buffer as the product configures it by default
   * (nothing is decided during a round: the benchmark never calls decideDue and stays under the
   * weight bound).
   */
  @Setup(Level.Invocation)
  public void freshBufferEachRound() {
    if (scanned.atStart()) {
      buffer = TraceBuffer.builder().rules(rules).sink(batch -> {}).build();
    }
  }

  /** Nothing to return: the buffer it fills is kept by the benchmark, so JMH cannot drop the work. */
  @Benchmark
  public void offer() {
    buffer.offer(scanned.next());
  }
}
