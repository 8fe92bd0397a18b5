package io.tailkeep.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;

/**
 * Live objects per class, from HotSpot's {@code GC.class_histogram} (what {@code jcmd PID
 * GC.class_histogram} prints; it runs a full GC first). Two of them subtracted show what a phase
 * left on the heap, class by class.
 */
record HeapHistogram(Map<String, long[]> byClass) {

  /** One class's growth between two histograms. */
  record Growth(String className, long instances, long bytes) {}

  static HeapHistogram take() {
    String text;
    try {
      text =
          (String)
              ManagementFactory.getPlatformMBeanServer()
                  .invoke(
                      new ObjectName("com.sun.management:type=DiagnosticCommand"),
                      "gcClassHistogram",
                      new Object[] {new String[0]},
                      new String[] {String[].class.getName()});
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the class histogram: " + e, e);
    }
    Map<String, long[]> byClass = new HashMap<>();
    for (String line : text.split("\n")) {
      // "   1:        123456       7890123  java.lang.String (java.base@17.0.15)"
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 4 && fields[0].endsWith(":")) {
        byClass.put(fields[3], new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2])});
      }
    }
    return new HeapHistogram(byClass);
  }

  /** The {@code limit} classes that grew most in bytes since {@code before}. */
  List<Growth> growthSince(HeapHistogram before, int limit) {
    List<Growth> growth = new ArrayList<>();
    byClass.forEach(
        (name, now) -> {
          long[] then = before.byClass.getOrDefault(name, new long[2]);
          growth.add(new Growth(name, now[0] - then[0], now[1] - then[1]));
        });
    growth.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
    return growth.subList(0, Math.min(limit, growth.size()));
  }
}
