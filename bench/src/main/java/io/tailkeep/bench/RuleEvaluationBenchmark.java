package io.tailkeep.bench;

import io.tailkeep.sampler.rules.Decision;
import io.tailkeep.sampler.rules.RuleSet;
import io.tailkeep.sampler.rules.RulesFile;
import io.tailkeep.sampler.rules.RulesFileException;
import io.tailkeep.sampler.rules.TraceFacts;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.WireSpan;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The default rules file ({@code default-rules.yaml}, as the sampler bundles it, read by its parser)
 * deciding completed traces of the traffic model's mix, one trace per operation: most fall through
 * every rule to the 1 % baseline, as in production.
 */
public class RuleEvaluationBenchmark extends HotPathBenchmark {

  /** A completed trace: its spans and the summary the buffer grew from them. */
  record CompletedTrace(TraceId traceId, List<WireSpan> spans, TraceFacts facts) {}

  /** Requests whose completed traces take turns (about 19 traces complete in each). */
  @Param("64")
  int requests;

  RuleSet rules;
  RoundRobin<CompletedTrace> traces;

  @Setup
  public void parseRulesAndSummarizeTraces() throws RulesFileException {
    rules = RulesFile.parse("default-rules.yaml", RulesFile.defaultRulesText());
    List<CompletedTrace> completed = new ArrayList<>();
    for (List<WireSpan> spans : HotPathInputs.completedTraces(requests)) {
      completed.add(new CompletedTrace(spans.get(0).traceId(), spans, summarize(spans)));
    }
    traces = new RoundRobin<>(completed);
  }

  /** The rules tried in file order on a trace's summary, as the buffer decides a due trace. */
  @Benchmark
  public Decision decide() {
    CompletedTrace trace = traces.next();
    return rules.decide(trace.traceId(), trace.facts());
  }

  /**
   * A trace's whole cost to the rules: its summary grown span by span (as the buffer does on
   * offer, reading each span's bytes for only the attributes the rules refer to), then decided.
   */
  @Benchmark
  public Decision summarizeAndDecide() {
    CompletedTrace trace = traces.next();
    return rules.decide(trace.traceId(), summarize(trace.spans()));
  }

  private TraceFacts summarize(List<WireSpan> spans) {
    TraceFacts facts = rules.newTraceFacts();
    spans.forEach(facts::add);
    return facts;
  }
}
