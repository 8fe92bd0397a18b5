package io.tailkeep.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of the benchmark's JVM per operation, all threads (GC and JIT included), for machines
 * shared with other work, where ns/op counts the time the benchmark waited for a core too. Use as
 * {@code -prof io.tailkeep.bench.ProcessCpuProfiler}. Also gives the cores the JVM got over the
 * iteration ({@code cpu.cores}): well under 1 means the figures were taken on a crowded machine.
 */
public final class ProcessCpuProfiler implements InternalProfiler {

  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long cpuNanosBefore;
  private long wallNanosBefore;

  @Override
  public String getDescription() {
    return "process CPU time per operation (all threads), and the cores the process got";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    wallNanosBefore = System.nanoTime();
    cpuNanosBefore = os.getProcessCpuTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
    long cpuNanos = os.getProcessCpuTime() - cpuNanosBefore;
    long wallNanos = System.nanoTime() - wallNanosBefore;
    long ops = result.getMetadata().getAllOps();
    return List.of(
        new ScalarResult("cpu.time.norm", ops == 0 ? Double.NaN : (double) cpuNanos / ops, "ns/op", AggregationPolicy.AVG),
        new ScalarResult("cpu.cores", (double) cpuNanos / wallNanos, "cores", AggregationPolicy.AVG));
  }
}
