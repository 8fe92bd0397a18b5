package io.tailkeep.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How the hot paths' micro-benchmarks run unless the command line says otherwise (JMH inherits these
 * annotations): time per operation, one fork on a fixed heap, a warm-up long
 * enough for C2 on two busy cores, about 40 s a benchmark (README.md). Each subclass
 * is its own per-thread state, and is not final: JMH generates subclasses of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 5, time = 4)
@Measurement(iterations = 3, time = 4)
public abstract class HotPathBenchmark {}
