package io.tailkeep.deploy.demo;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a demo run sent: the hex trace IDs of each kind, in the order sent, the span count and how
 * long sending took.
 */
public record DemoRun(Map<ShopKind, List<String>> traceIds, long spans, Duration took) {

  public DemoRun {
    Map<ShopKind, List<String>> copy = new EnumMap<>(ShopKind.class);
    traceIds.forEach((kind, ids) -> copy.put(kind, List.copyOf(ids)));
    traceIds = Collections.unmodifiableMap(copy);
  }

  public List<String> traceIds(ShopKind kind) {
    return traceIds.getOrDefault(kind, List.of());
  }

  public int traces() {
    return traceIds.values().stream().mapToInt(List::size).sum();
  }
}
