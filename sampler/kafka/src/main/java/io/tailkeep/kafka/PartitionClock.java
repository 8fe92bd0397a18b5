package io.tailkeep.kafka;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * A partition's time, for deciding when its traces are due: the time of receipt of the newest
 * record read while the partition is behind, the wall clock once it has caught up. So a trace
 * replayed after a crash is decided as it would have been live, once the replay has passed its
 * grace period, and an idle partition still decides on the clock. Never goes back.
 */
final class PartitionClock implements Ticker {

  private final Clock wall;
  /** Read by Caffeine's maintenance too; written by the partition's consumer thread only. */
  private volatile long nowMillis;
  private long newestRecordMillis;

  PartitionClock(Clock wall) {
    this.wall = wall;
  }

  void recordReceivedAt(long epochMillis) {
    newestRecordMillis = Math.max(newestRecordMillis, epochMillis);
  }

  /** After each poll: caught up means nothing more is waiting in the partition. */
  void advance(boolean caughtUp) {
    long candidate = caughtUp ? Math.max(wall.millis(), newestRecordMillis) : newestRecordMillis;
    if (candidate > nowMillis) {
      nowMillis = candidate;
    }
  }

  @Override
  public long read() {
    return TimeUnit.MILLISECONDS.toNanos(nowMillis);
  }
}
