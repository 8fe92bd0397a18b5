package io.tailkeep.bench;

import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.sampler.rules.TraceFacts;
import io.tailkeep.sampler.traffic.ServiceGraph;
import io.tailkeep.sampler.traffic.SpanMetrics;
import io.tailkeep.sampler.traffic.TraceHops;
import io.tailkeep.store.WireSpan;
import io.tailkeep.store.wire.AttributeKeys;
import io.tailkeep.store.wire.SpanFieldReader;
import io.tailkeep.store.wire.SpanFields;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * What issue 16's counting of all traffic costs on the traffic model's completed traces, one trace
 * per operation, against what the rules' summary already costs on the same traces ({@code
 * TraceFacts.add} of each span, as the buffer does on offer): {@link SpanMetrics#record} of each
 * span (from fields read beforehand, as the buffer will feed it from the fields {@code TraceFacts}
 * reads; and from the span itself), and {@link ServiceGraph#record} of the whole trace at its
 * decision, from its spans read again or from the {@link TraceHops} noted as they arrived (and
 * what noting costs). The {@code 2Threads} variants run two threads on one shared {@code SpanMetrics} or
 * {@code ServiceGraph}, as ingest threads share them. Per span: divide by the traces' mean spans.
 */
public class SpanMetricsBenchmark extends HotPathBenchmark {

  /** A completed trace with each span's fields read once, as {@code TraceFacts.add} reads them. */
  record ReadTrace(
      List<WireSpan> spans,
      SpanFields[] fields,
      TraceHops hops,
      String[] services,
      String[] names,
      int[] kinds,
      int[] statusCodes,
      boolean[] errors,
      long[] durations) {

    static ReadTrace of(List<WireSpan> spans) {
      SpanFieldReader reader = new SpanFieldReader(AttributeKeys.NONE, ServiceGraph.PEER_KEYS);
      int n = spans.size();
      ReadTrace read =
          new ReadTrace(spans, new SpanFields[n], new TraceHops(), new String[n], new String[n],
              new int[n], new int[n], new boolean[n], new long[n]);
      for (int i = 0; i < n; i++) {
        SpanFields fields = reader.read(spans.get(i));
        read.fields[i] = fields;
        read.hops.add(spans.get(i), fields);
        read.services[i] = spans.get(i).origin().serviceName();
        read.names[i] = fields.name();
        read.kinds[i] = fields.kind();
        read.statusCodes[i] = fields.statusCode();
        read.errors[i] = fields.isError();
        read.durations[i] = fields.durationNanos();
      }
      return read;
    }
  }

  /** The aggregations, one for all threads, as a server has one. */
  @State(Scope.Benchmark)
  public static class Shared {
    SpanMetrics spanMetrics;
    ServiceGraph serviceGraph;

    @Setup
    public void makeThem() {
      spanMetrics = new SpanMetrics();
      serviceGraph = new ServiceGraph();
    }
  }

  /** Requests whose completed traces take turns (about 19 traces complete in each). */
  @Param("64")
  int requests;

  RuleSet rules;
  RoundRobin<ReadTrace> traces;

  @Setup
  public void readTraces() throws RulesFileException {
    rules = RulesFile.parse("default-rules.yaml", RulesFile.defaultRulesText());
    List<ReadTrace> read = new ArrayList<>();
    for (List<WireSpan> spans : HotPathInputs.completedTraces(requests)) {
      read.add(ReadTrace.of(spans));
    }
    traces = new RoundRobin<>(read);
  }

  /** The cost to compare with: the rules' summary grown from each span's bytes. */
  @Benchmark
  public TraceFacts traceFactsAdd() {
    TraceFacts facts = rules.newTraceFacts();
    for (WireSpan span : traces.next().spans()) {
      facts.add(span);
    }
    return facts;
  }

  /** Each span counted from the fields the buffer has read (the way it will be wired). */
  @Benchmark
  public SpanMetrics spanMetricsRecord(Shared shared) {
    ReadTrace trace = traces.next();
    SpanMetrics metrics = shared.spanMetrics;
    for (int i = 0; i < trace.names.length; i++) {
      metrics.record(
          trace.services[i], trace.names[i], trace.kinds[i], trace.statusCodes[i], trace.errors[i], trace.durations[i]);
    }
    return metrics;
  }

  /**
   * The same with each span name a fresh string, as the reader makes one per span: the lookup
   * then hashes it (above, its hash is cached after the first round). The copy is counted too.
   */
  @Benchmark
  public SpanMetrics spanMetricsRecordFreshNames(Shared shared) {
    ReadTrace trace = traces.next();
    SpanMetrics metrics = shared.spanMetrics;
    for (int i = 0; i < trace.names.length; i++) {
      metrics.record(
          trace.services[i], new String(trace.names[i]), trace.kinds[i], trace.statusCodes[i], trace.errors[i],
          trace.durations[i]);
    }
    return metrics;
  }

  /** Each span counted from its bytes, the fields read again ({@code record(WireSpan)}). */
  @Benchmark
  public SpanMetrics spanMetricsRecordSpan(Shared shared) {
    SpanMetrics metrics = shared.spanMetrics;
    for (WireSpan span : traces.next().spans()) {
      metrics.record(span);
    }
    return metrics;
  }

  /** The trace's edges, from its spans read again, as at its decision. */
  @Benchmark
  public ServiceGraph serviceGraphRecord(Shared shared) {
    shared.serviceGraph.record(traces.next().spans());
    return shared.serviceGraph;
  }

  /** What noting the trace's spans for the graph costs as they arrive, from the fields read. */
  @Benchmark
  public TraceHops traceHopsAdd() {
    ReadTrace trace = traces.next();
    TraceHops hops = new TraceHops();
    for (int i = 0; i < trace.fields.length; i++) {
      hops.add(trace.spans.get(i), trace.fields[i]);
    }
    return hops;
  }

  /** The trace's edges at its decision from those notes (each client's peer noted with it): no span read again. */
  @Benchmark
  public ServiceGraph serviceGraphRecordNotes(Shared shared) {
    shared.serviceGraph.record(traces.next().hops());
    return shared.serviceGraph;
  }

  @Benchmark
  @Threads(2)
  public TraceFacts traceFactsAdd2Threads() {
    return traceFactsAdd();
  }

  @Benchmark
  @Threads(2)
  public SpanMetrics spanMetricsRecord2Threads(Shared shared) {
    return spanMetricsRecord(shared);
  }

  @Benchmark
  @Threads(2)
  public ServiceGraph serviceGraphRecord2Threads(Shared shared) {
    return serviceGraphRecord(shared);
  }
}
