package io.tailkeep.store;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link SpanOrigin} per distinct resource and scope: an exporter sends the same resource in
 * every request, so its spans share one copy instead of one per request. Bounded: when full it
 * starts over, so resources of instances long gone do not stay, and a flood of distinct resources
 * costs at most the bound. Thread-safe.
 */
public final class OriginCache {

  private static final int MAX_ORIGINS = 4096;

  private final ConcurrentHashMap<SpanOrigin, SpanOrigin> origins = new ConcurrentHashMap<>();

  /** The shared origin equal to {@code origin}, which becomes it if there is none yet. */
  public SpanOrigin intern(SpanOrigin origin) {
    SpanOrigin known = origins.get(origin);
    if (known != null) {
      return known;
    }
    if (origins.size() >= MAX_ORIGINS) {
      origins.clear();
    }
    origin.markShared();
    known = origins.putIfAbsent(origin, origin);
    return known != null ? known : origin;
  }
}
