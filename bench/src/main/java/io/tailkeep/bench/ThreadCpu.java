package io.tailkeep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of this process's threads by what they do, read from Linux's {@code /proc/self/task}, which
 * also lists the JVM's own threads (GC, JIT) that {@code ThreadMXBean} does not see. Thread names
 * there are cut to 15 characters. Empty where there is no {@code /proc}.
 */
final class ThreadCpu {

  /** Groups in print order, each with the thread-name prefixes that belong to it. */
  private static final Map<String, List<String>> GROUPS = new LinkedHashMap<>();

  static {
    GROUPS.put("gRPC executor (parse, validate, buffer)", List.of("grpc-default-ex"));
    // gRPC's own event loops, and the receiver's since it counts connections (GrpcConnections).
    GROUPS.put("server event loops", List.of(
        "grpc-default-wo", "grpc-nio-worker", "grpc-default-bo", "grpc-nio-boss", "grpc-io-", "grpc-accept-"));
    GROUPS.put("decideDue", List.of("tailkeep-decide"));
    GROUPS.put("Caffeine maintenance", List.of("ForkJoinPool.co"));
    GROUPS.put("GC", List.of("GC Thread", "G1 ", "VM Thread", "Shenandoah", "ZDriver", "ZDirector", "ZWorker", "ZStat"));
    GROUPS.put("JIT", List.of("C1 CompilerThre", "C2 CompilerThre"));
    GROUPS.put("Kafka sampler consumers", List.of("tailkeep-sample"));
    GROUPS.put("Kafka clients' I/O", List.of("kafka-"));
    GROUPS.put("Cassandra driver", List.of("s0-"));
    GROUPS.put("clients", List.of("bench-client-"));
  }

  private static final String OTHER = "other";
  private static final Path TASKS = Path.of("/proc/self/task");
  /** USER_HZ, the unit of utime and stime; 100 on every mainstream Linux. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private ThreadCpu() {}

  /** Nanoseconds of CPU per group, threads alive now only. */
  static Map<String, Long> byGroup() {
    Map<String, Long> totals = new LinkedHashMap<>();
    if (!Files.isDirectory(TASKS)) {
      return totals;
    }
    GROUPS.keySet().forEach(group -> totals.put(group, 0L));
    totals.put(OTHER, 0L);
    try (Stream<Path> tasks = Files.list(TASKS)) {
      for (Path task : tasks.toList()) {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          String stat = Files.readString(task.resolve("stat"));
          // Fields after the name, which is in parentheses and may hold spaces: state is field 3,
          // utime field 14, stime field 15.
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          totals.merge(groupOf(name), ticks * NANOS_PER_TICK, Long::sum);
        } catch (IOException | RuntimeException gone) {
          // The thread ended while we looked; its time is lost either way.
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return totals;
  }

  /** {@code after} minus {@code before}, group by group. */
  static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = new LinkedHashMap<>();
    after.forEach((group, nanos) -> delta.put(group, nanos - before.getOrDefault(group, 0L)));
    return delta;
  }

  private static String groupOf(String threadName) {
    for (Map.Entry<String, List<String>> group : GROUPS.entrySet()) {
      for (String prefix : group.getValue()) {
        if (threadName.startsWith(prefix)) {
          return group.getKey();
        }
      }
    }
    return OTHER;
  }
}
