package io.tailkeep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * CPU time (user + system) of a whole process, all its threads, from Linux's {@code /proc/<pid>/stat}:
 * works for another process, such as the Cassandra child JVM, where {@code ThreadMXBean} cannot look.
 */
final class ProcessCpu {
  /** USER_HZ, the unit of utime and stime; 100 on every mainstream Linux. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private ProcessCpu() {}

  /** Nanoseconds of CPU the process has used so far; fails where there is no {@code /proc}. */
  static long nanos(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // The fields after the command name, which is in parentheses and may hold spaces: state is
    // field 3, utime field 14, stime field 15.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
  }

  /** The 1, 5 and 15 minute load averages, as {@code /proc/loadavg} gives them. */
  static String loadAverage() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }

  /**
   * Nanoseconds a group of threads has run, and waited runnable for a CPU, so far (both summed
   * over the threads).
   */
  record ThreadTimes(long running, long waiting) {
    /** What the threads did since {@code earlier}. */
    ThreadTimes since(ThreadTimes earlier) {
      return new ThreadTimes(running - earlier.running, waiting - earlier.waiting);
    }
  }

  /**
   * The times of those threads of a process whose names {@code counted} accepts, from each
   * thread's {@code schedstat} (nanoseconds, unlike {@code stat}'s 10 ms ticks, so one request's
   * share can be seen; its second field is the time spent on a run queue). Thread names are read
   * once per thread and remembered in {@code names}; a thread that ended since is left out.
   */
  static ThreadTimes threadTimes(long pid, Predicate<String> counted, Map<Long, String> names) throws IOException {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    long running = 0;
    long waiting = 0;
    try (Stream<Path> threads = Files.list(tasks)) {
      for (Path thread : (Iterable<Path>) threads::iterator) {
        try {
          long tid = Long.parseLong(thread.getFileName().toString());
          String name = names.get(tid);
          if (name == null) {
            name = Files.readString(thread.resolve("comm")).strip();
            names.put(tid, name);
          }
          if (counted.test(name)) {
            String[] schedstat = Files.readString(thread.resolve("schedstat")).split(" ");
            running += Long.parseLong(schedstat[0]);
            waiting += Long.parseLong(schedstat[1]);
          }
        } catch (NoSuchFileException ended) {
          // the thread ended between the listing and the read
        }
      }
    }
    return new ThreadTimes(running, waiting);
  }
}
